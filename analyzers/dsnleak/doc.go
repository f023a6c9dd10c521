// Package dsnleak defines an analyzer that reports connection strings and
// database passwords reaching logs, printed output, error messages or HTTP
// responses unredacted.
//
// # Analyzer dsnleak
//
// dsnleak: connection strings and passwords must not reach logs, errors or responses unredacted
//
// A logged connection string carries its password to everyone and
// everything that reads the logs, for as long as they are kept; an error
// message or HTTP response carries it further. The analyzer follows values
// within each function — through assignments, +=, concatenation,
// fmt.Sprintf and the strings functions, url.Parse and (*url.URL).String —
// from their sources:
//
//   - os.Getenv and os.LookupEnv of variables matching rules.yaml dsn_env
//     (default DATABASE_URL, *_DSN, *_DATABASE_URL, PG*PASSWORD);
//   - ConnString() of pgx, pgxpool and pgconn configs;
//   - the Password field of a connection config (pgconn.Config, and fields
//     named Password of configuration structs), and string fields named
//     like a connection string (DSN, DatabaseURL, ConnString);
//   - constants that are connection strings with a password (what rawdsn
//     reports as an error);
//   - pgx.ConnConfig and pgconn.Config values, whose printed form shows the
//     Password field;
//
// to the sinks: fmt.Print*, Fprint* and Errorf, log, log/slog, zap, logrus
// and zerolog calls, errors.New, panic, http.Error and writes to an
// http.ResponseWriter. A function handed a secret is taken to return it
// when it returns text, unless it is a redaction function:
// (*url.URL).Redacted, the functions listed in rules.yaml redactors, and
// functions whose name says they redact, mask, sanitize or scrub. A helper
// that extracts only the host is not known to be safe: list it in
// redactors. Logging the host, port, user or database name read from a
// net/url URL or a pgx config is clean. Where a function's parameters come
// from is not followed. Test code is exempt unless rules.yaml sets
// check_tests.
//
// Bad:
//
//	dsn := os.Getenv("DATABASE_URL")
//	log.Printf("connecting to %s", dsn)
//
// Good:
//
//	u, err := url.Parse(os.Getenv("DATABASE_URL"))
//	...
//	log.Printf("connecting to %s", u.Redacted())
package dsnleak
