package engine

// BuildID is buildID, for tests.
var BuildID = buildID
