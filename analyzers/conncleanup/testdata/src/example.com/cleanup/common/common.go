// Package common holds helpers of another package than the code that calls
// them: conncleanup judges them by the facts it exports for them, not by
// their names.
package common

import (
	"context"
	"log"

	"github.com/jackc/pgx/v5"
)

// LogOnError calls f and logs its error: defer common.LogOnError(ctx, rows.Close).
func LogOnError(ctx context.Context, f func() error) { // want LogOnError:`calls\(1\)`
	if err := f(); err != nil {
		log.Printf("cleanup: %v", err)
	}
}

// DeferRollback rolls back unless the transaction is already finished:
// defer sqlchelpers.DeferRollback(ctx, logger, tx.Rollback).
func DeferRollback(ctx context.Context, logger *log.Logger, rollback func(context.Context) error) { // want DeferRollback:`calls\(2\)`
	if rollback == nil {
		return
	}
	if err := rollback(ctx); err != nil {
		logger.Printf("rollback: %v", err)
	}
}

// Run calls f: defer common.Run(conn.Release).
func Run(f func()) { // want Run:`calls\(0\)`
	f()
}

// Ignore takes the cleanup and never calls it.
func Ignore(ctx context.Context, f func() error) {
	_ = ctx
}

// Later keeps f for a caller to run: a registry of cleanups takes it over.
type Later struct{ fns []func() }

func (l *Later) Add(f func()) { l.fns = append(l.fns, f) } // want Add:`calls\(0\)`

// Finish commits the transaction, or rolls it back when err is not nil.
func Finish(ctx context.Context, tx pgx.Tx, err error) error { // want Finish:`closes\(1: tx\)`
	if err != nil {
		_ = tx.Rollback(ctx)
		return err
	}
	return tx.Commit(ctx)
}

// Touch runs a statement on the transaction and leaves finishing it to the caller.
func Touch(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, "UPDATE users SET seen = now()")
	return err
}

// ScanAll closes the rows on every path.
func ScanAll(rows pgx.Rows) ([]int64, error) { // want ScanAll:`closes\(0: rows,`
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ScanNames leaves the rows open when Scan fails.
func ScanNames(rows pgx.Rows) ([]string, error) {
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// Die logs and exits: a log.Fatalf wrapper without Fatal in its name.
func Die(format string, args ...any) { // want Die:`noReturn`
	log.Fatalf(format, args...)
}

// FatalLike is named like log.Fatal but logs and returns.
func FatalLike(format string, args ...any) {
	log.Printf(format, args...)
}

// ExecAll reads every result of a batch and closes it, on every path.
func ExecAll(br pgx.BatchResults, n int) error { // want ExecAll:`closes\(0: .*results`
	defer br.Close()
	for i := 0; i < n; i++ {
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	return br.Close()
}

// FirstResult reads the first result and leaves the batch open.
func FirstResult(br pgx.BatchResults) error {
	_, err := br.Exec()
	return err
}
