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
// (*url.URL).Redacted, the functions of dbaudit's dbmodel/redact, the
// functions listed in rules.yaml redactors, and functions whose name says
// they redact, mask, sanitize or scrub. A helper
// that extracts only the host is not known to be safe: list it in
// redactors. Logging the host, port, user or database name read from a
// net/url URL or a pgx config is clean. Where a function's parameters come
// from is not followed. Test code is exempt unless rules.yaml sets
// check_tests.
//
// Errors that carry the password: the errors of some driver calls repeat
// the DSN, or part of it. Measured with pgx v5.12.0 and lib/pq v1.12.3
// (integration/drivers/dsnleak produces each error from DSNs with a known
// password, looks for it in err.Error(), and fails if a driver changes;
// the table is dbmodel/drivers' LookupErrorCall):
//
//	call                                  URL userinfo  ?password=  key=value  carries the password when
//	pgx.ParseConfig, pgxpool.ParseConfig  no            no          no         never: pgconn masks it (xxxxx)
//	pgxpool.New                           no            no          no         never (it only parses)
//	pgx.Connect, (*pgxpool.Pool).Ping     '@' in it     no          no         an unescaped '@' in the userinfo
//	  and Acquire, (*sql.DB).Ping with                                         password: pgx ends the userinfo at the
//	  the pgx stdlib driver                                                    first '@', the rest is the host, and
//	                                                                           "lookup <rest>@host: no such host"
//	pq.NewConnector, (*sql.DB).Ping with  refused URL   refused URL no         net/url refuses the URL (port not a
//	  "postgres", net/url.Parse                                                number, unescaped '/' in the password):
//	                                                                           parse "postgres://app:<password>@…"
//
// sql.Open itself never parses; a server's refusal (no such database, an
// unknown parameter) and a refused dial name user, database and host only.
// pgx's *pgconn.ParseConfigError, which pgx.ParseConfig,
// pgxpool.ParseConfig, pgxpool.New, pgx.Connect and the first use of a
// pgx database/sql handle return as it is for a DSN pgx cannot parse,
// keeps the DSN unmasked in its ConnString field: fmt's %#v of the error
// prints it (a warning where a format's %#v prints such an error; wrapped
// errors print it as a pointer), and the field is a source like any field
// named ConnString.
//
// Such an error is reported where it is written out: as an error where
// the DSN's text (a constant, or text built from literals) has the leaking
// shape; as a warning where a password is formatted unescaped into a URL's
// userinfo, and, for lib/pq and for url.Parse of a followed connection
// string, where the DSN's text is not known (an environment variable may
// hold a malformed URL). pgx errors from a DSN whose text is not known
// stay silent: pgx masks every password its parser finds. Wrapping with
// fmt.Errorf (%w, %v), errors.New(err.Error()) or errors.Join keeps the
// password, err.Error() is its text, redact.Error(err, dsn) and the other
// redaction functions clean it. Where the error is returned, its caller is
// not followed.
//
// (*url.URL).Redacted masks only the userinfo password: used on a DSN
// whose text has the password in ?password= or in key=value form (which
// url.Parse reads as a path), its result still holds the password, and
// writing it out is reported — also through a redaction helper of the
// package that masks with Redacted alone (its text never names a
// password).
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
//	log.Printf("connecting to %s", u.Redacted()) // the password only ever in the userinfo
//
// Bad (lib/pq returns net/url's error, which repeats a URL it refuses):
//
//	db, _ := sql.Open("postgres", os.Getenv("DATABASE_URL"))
//	if err := db.Ping(); err != nil {
//		log.Fatal(err)
//	}
//
// Good:
//
//	if err := db.Ping(); err != nil {
//		log.Fatal(redact.Error(err, dsn))
//	}
package dsnleak
