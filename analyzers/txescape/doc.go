// Package txescape defines an analyzer that reports transactions, acquired
// connections and request-scoped handles that outlive the function holding
// them: handed to a goroutine it does not wait for, sent on a channel, or
// stored where other code will find them later.
//
// # Analyzer txescape
//
// txescape: a transaction or acquired connection captured by a goroutine or stored past its scope
//
// A transaction, a connection taken with Acquire (or DB.Conn) and a handle
// bound to a request's context all belong to the function that opened them:
// it commits, rolls back, releases, or returns when the request ends. Work
// that runs later — a goroutine the function does not wait for, a job sent
// on a channel, a value parked in a package-level variable or on a handler
// shared by every request — finds the transaction finished or the
// connection back in the pool:
//
//   - pgx: "tx is closed"; statements racing this function's own on the
//     same connection fail with "conn busy"
//   - database/sql and gorm: "sql: transaction has already been committed
//     or rolled back", "sql: connection is already closed"
//   - a released *pgxpool.Conn panics (nil pointer dereference) on use
//   - a handle bound to the request's context: "context canceled" once the
//     handler returns
//
// and when the background work does run first, the request's transaction
// now holds the job's writes: they commit or vanish with the request. The
// fix is to pass the pool to the background work and let it begin a fresh
// transaction there, with a context that is not the request's
// (context.WithoutCancel(r.Context()) or the worker's own).
//
// Reported: a tracked value captured by a go statement's closure, passed
// as an argument of a go call, captured by a task given to errgroup's Go,
// sync.WaitGroup.Go or time.AfterFunc, sent on a channel, stored in a
// package-level variable (or a sync.Map or atomic.Value held in one), or
// stored in a field of an HTTP handler's receiver. Tracked values are
// variables of transaction type (pgx.Tx, *sql.Tx, *sqlx.Tx), acquired
// connections (*pgxpool.Conn, *sql.Conn, *sqlx.Conn), gorm handles from
// Begin or a Transaction callback, gorm handles bound with WithContext
// inside an HTTP handler, and local values built to hold one of these
// (Job{Tx: tx}, sqlc's q.WithTx(tx)).
//
// Left alone: goroutines and tasks the function waits for before it
// returns — a sync.WaitGroup or errgroup.Group whose Wait it calls after
// starting them (or one it was given as a parameter, for its caller to wait
// on), or a channel the goroutine reports on and the function receives
// from; a task sent on a channel with a reply channel the function then
// receives from (a worker runs it while the function waits: w.todo <- task;
// return <-task.wait); a transaction handed to a helper that is called,
// not started; and a long-lived connection owned by a struct — stored in a
// field of a struct whose own method (Close) gives it back, and never given
// back by the function that started the goroutine (a LISTEN loop reading
// the connection until the listener is closed).
//
// A *pgx.Conn is one connection running one statement at a time and is not
// safe for concurrent use (pgx issues #1256, #1226, #2428): a statement
// started while another is in progress on it fails with "conn busy".
// Reported: a *pgx.Conn (a variable, or a field such as s.conn) used by a
// goroutine — a go statement's closure or arguments, a task given to
// errgroup's Go or sync.WaitGroup.Go — while the function that starts it
// uses it too, before waiting for the goroutine; used by the goroutines a
// loop starts; and used by an HTTP handler (a function or method with a
// handler's signature, or registered as one) that did not open it — a
// field of its receiver, a package-level variable, a variable its literal
// captures — since net/http serves each request on its own goroutine;
// the package's functions and methods a handler calls (s.count(ctx)) are
// judged the same way.
// A pgx transaction or acquired *pgxpool.Conn runs on one connection too:
// used at once by goroutines the function waits for (errgroup tasks
// started in a loop, a goroutine running while the function still uses
// it), its statements fail with "conn busy" the same way.
// Left alone: a *pgxpool.Pool or *sql.DB shared that way (each use takes a
// connection of its own), a connection used by one goroutine only (handed
// to it and not used again by the starter, or used again only after the
// Wait), one opened by the handler or goroutine itself, uses under a
// sync.Mutex's Lock, and a goroutine that only Closes the connection (how
// another goroutine interrupts a statement).
//
// Each finding is one line; its help gives the measured driver error and
// the fix.
// Test code is skipped unless rules.yaml sets check_tests.
//
// Bad:
//
//	tx, err := s.pool.Begin(ctx)
//	...
//	defer tx.Rollback(ctx)
//	go func() {
//		_, _ = tx.Exec(ctx, "UPDATE stats ...") // runs after Commit: tx is closed
//	}()
//	return tx.Commit(ctx)
//
//	type Server struct{ conn *pgx.Conn }
//
//	func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
//		_, err := s.conn.Exec(r.Context(), "...") // two requests at once: "conn busy"
//		...
//	}
//
// Good:
//
//	go func(ctx context.Context) {
//		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
//			_, err := tx.Exec(ctx, "UPDATE stats ...")
//			return err
//		})
//		...
//	}(context.WithoutCancel(ctx))
//
//	type Server struct{ pool *pgxpool.Pool } // each request acquires a connection
//
//	func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
//		_, err := s.pool.Exec(r.Context(), "...")
//		...
//	}
package txescape
