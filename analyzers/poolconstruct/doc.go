// Package poolconstruct defines an analyzer that reports database pools and
// connections built per request, per loop iteration or per job, and — once
// rules.yaml names approved_packages — built outside those packages.
//
// # Analyzer poolconstruct
//
// poolconstruct: build the pool once, at start-up, and inject it
//
// A pool is a process-wide resource. Built in a request handler, it opens
// new connections for every request until the server answers
// "FATAL: sorry, too many clients already" (SQLSTATE 53300); built in a
// loop, it does the same per iteration; built per job, per job. Those are
// bugs under any policy, and the only findings without a rules.yaml.
//
// Per request means inside an HTTP handler (a func(http.ResponseWriter,
// *http.Request), a web framework's handler, or a function registered as a
// handler) or in any function such a handler calls, directly or through
// other functions of the package; and, where the driver passes facts
// between packages (go vet -vettool, golangci-lint), a call from a handler
// of another package's function that builds a pool when called. Per job
// means in a function handed to a rules.yaml job_runners function, an asynq
// handler or a river worker, or what it calls. A pool built under
// sync.Once, or kept in a field, map or package-level variable (the lazy
// singleton, the per-tenant cache), is built once and is fine; so is a loop
// that stops once the pool is built (a connect-retry or fail-over loop: it
// breaks or returns on success), while a loop that returns only when a
// connection fails builds one per iteration and is reported.
//
// With rules.yaml approved_packages (go list patterns) set, a pool built in
// any other package is reported too: every extra pool has its own
// connection limit, and together they exceed max_connections. dbaudit init
// proposes the packages that build pools today as the starting list.
//
// The constructors are pgxpool.New and NewWithConfig, pgx.Connect,
// ConnectWithOptions and ConnectConfig, pgconn.Connect and its variants,
// sql.Open and OpenDB, stdlib.OpenDB and OpenDBFromPool, sqlx.Open,
// Connect, ConnectContext, MustOpen and MustConnect, gorm.Open, and the
// functions listed under rules.yaml constructors. SQLite, MySQL and other
// databases' handles (by the driver name, gorm's dialector, or, where the
// driver is a runtime value, the drivers the program imports) are not
// judged. Test code and test-support packages are exempt unless rules.yaml
// sets check_tests.
//
// Bad:
//
//	func (s *Server) handleUser(w http.ResponseWriter, r *http.Request) {
//		pool, err := pgxpool.New(r.Context(), s.dsn) // a pool per request
//		...
//	}
//
// Good:
//
//	// package store
//	func Open(ctx context.Context, cfg Config) (*pgxpool.Pool, error) {
//		return pgxpool.NewWithConfig(ctx, cfg.Pool)
//	}
//
//	// package api
//	type Server struct{ pool *pgxpool.Pool } // injected by main
package poolconstruct
