package pgconn

// ParseConfigError is pgconn's parse error; its Error masks the password,
// its ConnString field does not.
type ParseConfigError struct {
	ConnString string
}

func (e *ParseConfigError) Error() string { return "cannot parse `xxxxx`" }
