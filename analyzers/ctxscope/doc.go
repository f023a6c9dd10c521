// Package ctxscope defines an analyzer that reports database calls whose
// context does not fit the lifetime of the work they belong to.
//
// # Analyzer ctxscope
//
// ctxscope: the context a database call runs under must fit its lifetime: the request's in request code, never in work that outlives it
//
// Code that runs for a request — an HTTP handler (func(http.ResponseWriter,
// *http.Request), ServeHTTP, chi and every net/http router), a gin, echo or
// fiber handler, a gRPC method — has the request's context, which is
// canceled when the client goes away or the handler returns. Work the
// handler starts and does not wait for has a different lifetime, and needs
// a context of its own. Three mistakes follow:
//
//   - A database call in request code under context.Background() or
//     context.TODO() (directly, through a local variable assigned from
//     them, or derived from them by WithValue or WithCancel): the query
//     keeps running, and keeps its connection, after the client has gone.
//     Under load the pool fills with work nobody is waiting for. Fix: pass
//     the request's context — r.Context(), c.Request.Context() (gin),
//     c.Request().Context() (echo), c.UserContext() (fiber), or the gRPC
//     method's ctx.
//   - A database/sql or sqlx call without a context in request code (Query,
//     QueryRow, Exec, Begin, Prepare, sqlx Get, Select, NamedExec, … where
//     the handle has QueryContext, BeginTx, GetContext, …): the same query
//     that cannot be canceled. Fix: the *Context form with the request's
//     context.
//   - A database call under the request's context (r.Context(), a gRPC
//     method's ctx, or one derived from them by WithValue, WithTimeout,
//     WithDeadline or WithCancel) in work that outlives the request: a go
//     statement, errgroup's Go or WaitGroup.Go not waited for,
//     time.AfterFunc, or a rules.yaml job runner started from the handler,
//     or a function of the package started with go and given that context.
//     net/http cancels the request's context when ServeHTTP returns (gRPC
//     when the method returns), so the query fails with "context canceled"
//     — at once, or in the middle if it had started. Fix:
//     context.WithoutCancel(ctx) (Go 1.21), which keeps the request's
//     values without its cancellation, or the worker's own context.
//
// Suggested fixes (dbaudit check --fix) where they are mechanical: the
// request's context for a context.Background() written in the call, the
// *Context form with the request's context for a database/sql or sqlx
// method, and context.WithoutCancel around the request's context in
// background work.
//
// Left alone: a handler passing its request's context; main() and other
// code that does not run for a request using context.Background(); work
// started from a handler under context.WithoutCancel(...),
// context.Background() or a context of its own; goroutines and errgroup
// tasks the handler waits for (they are request code); a background
// context given a deadline of its own (context.WithTimeout(
// context.Background(), ...)) — a bound chosen, not a cancellation
// forgotten; function literals handed to functions the rule does not know
// (it cannot tell when they run); and contexts from calls it does not know
// (a tracing helper's). The package's own functions called from request
// code are followed one level: s.save(context.Background(), v) is reported
// when save runs a database call under that parameter; functions of other
// packages are not followed. Handlers are recognised by signature, gRPC methods
// as methods of a type implementing a protoc-gen-go-grpc service interface
// (the XServer that RegisterXServer takes) visible to the package. Methods
// named Query or Exec on other types (url.Values, a framework's c.Query)
// are not database calls: calls are matched by type. Test code is skipped unless rules.yaml sets
// check_tests.
//
// Bad:
//
//	func (s *Server) Visit(w http.ResponseWriter, r *http.Request) {
//		row := s.pool.QueryRow(context.Background(), "SELECT ...") // runs on after the client goes
//		...
//		go func() {
//			_, err := s.pool.Exec(r.Context(), "INSERT INTO visits ...") // context canceled
//			...
//		}()
//	}
//
// Good:
//
//	func (s *Server) Visit(w http.ResponseWriter, r *http.Request) {
//		row := s.pool.QueryRow(r.Context(), "SELECT ...")
//		...
//		go func(ctx context.Context) {
//			_, err := s.pool.Exec(ctx, "INSERT INTO visits ...")
//			...
//		}(context.WithoutCancel(r.Context()))
//	}
package ctxscope
