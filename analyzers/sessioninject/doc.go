// Package sessioninject defines an analyzer that reports database calls made
// through package-level handles instead of a pool, transaction or querier
// the code was given.
//
// # Analyzer sessioninject
//
// sessioninject: database calls through a package-level handle instead of an injected one
//
// A pool, connection or transaction kept in a package-level variable (or in
// a field of one, or returned by a singleton accessor such as db.Get())
// and used from anywhere is a global session factory. Code written against
// it cannot be pointed at a test database or handed a transaction, so two
// writes that belong together cannot share one; it is nil until main gets
// around to setting it, so an early caller or a test fails with "panic:
// runtime error: invalid memory address or nil pointer dereference"; and it
// pins the whole process to one database, so two services cannot run in
// one process. The fix is to receive the handle: a struct field or a
// parameter, set by main.
//
// The analyzer reports queries, execs, begins, acquires, batches, copies
// and prepares whose receiver (or handle argument, as in sqlx.Select(db,
// ...)) is a package-level variable of this or another package, a field of
// one, a local copy of one, or the result of an accessor: a function listed
// under rules.yaml global_accessors, or a function that takes nothing and
// returns a package-level handle: in the same package by its body, in
// another by a fact where the driver passes facts (go vet -vettool,
// golangci-lint), and otherwise (dbaudit check) by its shape and name
// (GetDB, DB, Pool, Instance, GetConnection). gorm chains
// (db.Where(...).Find(...)) are followed back to their start.
//
// It leaves alone the composition root — init functions and main.main,
// where the handle is built, assigned and passed on — code that only
// assigns or passes on the global, Close and Ping, and test code and
// test-support packages (unless rules.yaml sets check_tests).
//
// Bad:
//
//	var DB *pgxpool.Pool // set in main
//
//	func GetUser(ctx context.Context, id int64) (User, error) {
//		rows, err := DB.Query(ctx, "SELECT ...", id)
//		...
//	}
//
// Good:
//
//	type Users struct{ db *pgxpool.Pool } // or an sqlc DBTX, so a tx fits too
//
//	func (u *Users) Get(ctx context.Context, id int64) (User, error) {
//		rows, err := u.db.Query(ctx, "SELECT ...", id)
//		...
//	}
//
//	// main: users := &Users{db: pool}
package sessioninject
