package drivers

import "strings"

// pgbouncerStartupParams are the startup parameters PgBouncer passes on by
// default; it answers any other with `FATAL: unsupported startup parameter:
// KEY (SQLSTATE 08P01)`. Measured through PgBouncer 1.18
// (integration/drivers/poolercompat TestPoolerStartupParameters): accepted
// application_name, client_encoding, datestyle, timezone and
// standard_conforming_strings (any case); refused search_path,
// statement_timeout, lock_timeout, idle_in_transaction_session_timeout,
// work_mem, intervalstyle, extra_float_digits and options.
var pgbouncerStartupParams = map[string]bool{
	"application_name": true, "client_encoding": true, "datestyle": true, "timezone": true, "standard_conforming_strings": true,
}

// PoolerAcceptsStartupParam reports whether a transaction-mode PgBouncer in
// its default configuration accepts key as a startup parameter.
func PoolerAcceptsStartupParam(key string) bool {
	return pgbouncerStartupParams[strings.ToLower(key)]
}
