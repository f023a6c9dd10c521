// Package poolconstruct defines an analyzer that reports database pools and
// connections built outside the packages approved to build them, and any
// built inside an HTTP handler or a loop.
//
// # Analyzer poolconstruct
//
// poolconstruct: build the pool once, in an approved package, and inject it
//
// A pool is a process-wide resource. Built in a request handler, it opens
// new connections for every request until the server answers
// "FATAL: sorry, too many clients already" (SQLSTATE 53300); built in a
// loop, it does the same per iteration; built in several packages, each
// pool gets its own MaxConns and together they exceed what the server (or
// the pooler in front of it) allows.
//
// The constructors are pgxpool.New and NewWithConfig, pgx.Connect,
// ConnectWithOptions and ConnectConfig, pgconn.Connect and its variants,
// sql.Open and OpenDB, stdlib.OpenDB and OpenDBFromPool, sqlx.Open,
// Connect, ConnectContext, MustOpen and MustConnect, gorm.Open, and the
// functions listed under rules.yaml constructors. Approved packages are
// rules.yaml approved_packages (go list patterns); when it names none, main
// packages and packages whose last element is db, database, store, storage,
// postgres, pg or repository. A loop that ends once the pool is built (a
// connect-retry or fail-over loop: it breaks or returns) is fine. Test code is
// exempt unless rules.yaml sets check_tests.
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
