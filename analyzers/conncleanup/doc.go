// Package conncleanup defines an analyzer that reports acquired connections,
// transactions, rows, batch results and prepared statements that are not
// given back on every path through the function, and rows whose iteration
// error is never checked.
//
// # Analyzer conncleanup
//
// conncleanup: every Acquire released, every Begin finished, every Rows closed, on every path
//
// A resource taken from a pool must be given back on every path out of the
// function, error paths included:
//
//   - a *pgxpool.Conn from Acquire needs Release (or Hijack); a *sql.Conn
//     from DB.Conn needs Close. Otherwise the pool never gets it back: once
//     MaxConns connections are out, every Acquire waits until its context
//     expires, and with database/sql queries wait forever for a free
//     connection.
//   - a transaction from Begin or BeginTx (pgx, pgxpool, database/sql,
//     sqlx, gorm) needs Commit or Rollback. An abandoned transaction keeps
//     its connection checked out, "idle in transaction", holding its locks.
//     A deferred Rollback counts (after Commit it is a no-op).
//   - rows from Query need Close. Open rows keep their connection busy: on
//     a *pgx.Conn the next statement fails with "conn busy", and a pool
//     connection is not returned until the rows are closed.
//   - pgx.BatchResults from SendBatch (on a *pgx.Conn, a pool, an acquired
//     connection or a transaction) need Close: until then the connection
//     is busy and the next statement on it fails with "conn busy". A
//     *sql.Stmt from Prepare needs Close.
//   - batch results must be closed before the connection or transaction
//     they were sent on is given back: pgxpool's Release destroys a busy
//     connection (the results then fail with "conn closed"), and Commit or
//     Rollback under open results fails with "conn busy" and closes the
//     connection. A deferred br.Close() runs after an explicit
//     c.Release() or tx.Commit(ctx) in the body, so it does not count;
//     defer c.Release() written before defer br.Close() runs after it and
//     is fine.
//
// The analyzer follows the control-flow graph of each function, not the
// order of the lines: a resource given back at the end of the happy path
// but not on an early return is reported; the help names the line of that
// return. An early return for "not found" (if errors.Is(err,
// pgx.ErrNoRows) { return nil, nil }, err == sql.ErrNoRows) is a path like
// any other and must end the transaction. A deferred closure that rolls
// back only if err != nil, for err a named result, does not end it on a
// return that sets err to nil (return nil, nil on the ErrNoRows path). On
// the error path of the call that produced it (if err != nil right after
// the call, before err is reassigned) there is nothing to give back. Paths
// that end in a call that never returns are not paths out: panic, os.Exit,
// runtime.Goexit and every function whose control flow reaches only those
// (log.Fatal, t.Fatal, a die() wrapper of log.Fatalf), read from its body
// as x/tools' ctrlflow pass does; a function that merely has Fatal in its
// name but returns does not end the path. Where no body can be read (an
// interface method, or a dependency the driver read from export data) the
// usual names decide (Fatal*, Panic, FailNow, Skip). A transaction begun
// under if n == 0 is followed with what the paths know of n, so a batching
// loop that commits before setting n back to 0 does not begin twice.
//
// Ownership may move instead: the value is returned (also wrapped, as in
// return i.txInterceptor(tx), nil), stored (in a field, a variable, a slice
// or a struct value; a closure storing it in its enclosing function's
// variable hands it to that function, which must give it back), sent on a
// channel, or handed to a function that closes it — pgx.CollectRows,
// CollectOneRow, CollectExactlyOneRow, ForEachRow and AppendRows, scany's
// ScanAll and ScanOne, and functions whose own body closes it on every path.
// A transaction or connection handed to a function that owns it (on every
// path it ends it or keeps it in what it returns: dendrite's
// NewRoomUpdater, which rolls back on each error path) moves into the
// result: after u, err := NewRoomUpdater(ctx, d, txn) it is u that must be
// given back. A function literal handed it with the value (d.Writer.Do(d.DB,
// txn, func(txn *sql.Tx) error { ... })) is taken to be called with it and
// takes it over if, on every path, it gives it back or keeps it in such a
// result for its enclosing function to give back.
// The method that gives it back may travel as a value: defer
// common.LogOnError(ctx, rows.Close) and defer DeferRollback(ctx, logger,
// tx.Rollback) give it back if the helper calls the func it is handed.
// Helpers are read from their bodies: those of the package directly, those
// of other packages through the facts the analyzer exports for them under a
// driver that carries facts (go vet -vettool, golangci-lint). Where a helper
// cannot be read (a func value, an interface method, a dependency known by
// its types only, as in dbaudit check), rows are assumed to be taken over;
// a transaction or connection is not (helpers run statements on it, the
// caller finishes it), unless it goes wrapped in a value of its own (an
// adapter struct), the closure finishes it, the call is deferred (defer
// finish(tx, &err) is a cleanup), or what is handed over is the method that
// gives it back. A statement from tx.Stmt or tx.Prepare is closed by
// database/sql with its transaction and is not tracked. Rows iterated with Next until it returns false are closed
// by the driver (pgx baseRows.Next and database/sql Rows.Next close them at
// the end), so the loop's normal exit needs no Close, but a return or break
// out of the loop does.
//
// After a Next loop, rows.Err() must be checked: Next returns false both at
// the end of the result and on an error (a broken connection, a failed
// decode, a statement timeout), so without Err an error looks like a short
// result. This is rowserrcheck's rule (and x/tools' sqlrowserr), applied to
// pgx, database/sql and sqlx rows; rows passed on, returned or stored are
// left alone.
//
// Test code is skipped unless rules.yaml sets check_tests.
//
// Each finding is one line saying what is left open and what breaks; its
// help gives the line of the path that leaks, the measured driver or server
// error and the fix.
//
// Bad:
//
//	tx, err := pool.Begin(ctx)
//	if err != nil {
//		return err
//	}
//	if _, err := tx.Exec(ctx, "UPDATE ..."); err != nil {
//		return err // the transaction stays open
//	}
//	return tx.Commit(ctx)
//
//	tx, err := pool.Begin(ctx)
//	...
//	err = tx.QueryRow(ctx, "SELECT ... FOR UPDATE", id).Scan(&u.Name)
//	if errors.Is(err, pgx.ErrNoRows) {
//		return nil, nil // not found: the transaction stays open, idle in transaction
//	}
//
//	br := conn.SendBatch(ctx, batch)
//	for range ids {
//		if _, err := br.Exec(); err != nil {
//			return err // the batch stays open: the next statement fails with "conn busy"
//		}
//	}
//	return br.Close()
//
//	c, err := pool.Acquire(ctx)
//	...
//	br := c.SendBatch(ctx, batch)
//	c.Release() // destroys the busy connection
//	_, err = br.Exec() // "conn closed"
//
// Good:
//
//	tx, err := pool.Begin(ctx)
//	if err != nil {
//		return err
//	}
//	defer tx.Rollback(ctx) // no-op after Commit; also ends the ErrNoRows path
//	if _, err := tx.Exec(ctx, "UPDATE ..."); err != nil {
//		return err
//	}
//	return tx.Commit(ctx)
//
//	br := conn.SendBatch(ctx, batch)
//	defer br.Close()
//	for range ids {
//		if _, err := br.Exec(); err != nil {
//			return err
//		}
//	}
//	return br.Close() // its error is the batch's; the deferred Close is then a no-op
//
//	c, err := pool.Acquire(ctx)
//	...
//	defer c.Release() // runs after the deferred br.Close below
//	br := c.SendBatch(ctx, batch)
//	defer br.Close()
package conncleanup
