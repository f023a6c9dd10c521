package engine

// BuildID is buildID, for tests.
var BuildID = buildID

// LoadDepsCalls is how many times the dependencies were listed.
func LoadDepsCalls() int64 { return loadDepsCalls.Load() }
