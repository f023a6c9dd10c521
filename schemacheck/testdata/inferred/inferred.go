// Package inferred declares no //dbaudit:table: its models are the structs
// the code reads by name from literal SQL selecting from one table. Its
// expectations are what a run against a schema snapshot reports; with a
// database the statements themselves are prepared and judged instead.
package inferred

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Customer is read from customers, whose email is nullable.
type Customer struct {
	ID        int64
	Email     string // want nullability:error
	CreatedAt time.Time
}

func Customers(ctx context.Context, db *pgxpool.Pool) ([]Customer, error) {
	rows, err := db.Query(ctx, "SELECT id, email, created_at FROM customers WHERE id > $1", 0)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Customer])
}

// Invoice reads a column invoices does not have.
type Invoice struct {
	ID         int64
	CustomerID int64 `db:"customer_id"`
	Amount     int64 `db:"amount"` // want missing-column:error
}

func Invoices(ctx context.Context, db *pgxpool.Pool) ([]Invoice, error) {
	rows, err := db.Query(ctx, `SELECT i.id, i.customer_id, i.amount FROM invoices AS i ORDER BY i.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Invoice])
}

// Label reads every column of tags: every column needs a field.
type Label struct { // want unmapped-column:error
	ID int32
}

func Labels(ctx context.Context, db *pgxpool.Pool) ([]Label, error) {
	rows, err := db.Query(ctx, "select * from tags")
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Label])
}

// Total reads a computed column: only the plain column is judged.
type Total struct {
	ID  int64
	Due string `db:"due"`
}

func Totals(ctx context.Context, db *pgxpool.Pool) ([]Total, error) {
	rows, err := db.Query(ctx, "SELECT i.id, sum(i.total)::text AS due FROM invoices i GROUP BY i.id")
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Total])
}

// Tagged is read from a join: which table is the server's to say, so it is
// not a model.
type Tagged struct {
	ID    int64
	Label string
}

func TaggedInvoices(ctx context.Context, db *pgxpool.Pool) ([]Tagged, error) {
	rows, err := db.Query(ctx, "SELECT i.id, t.label FROM invoices i JOIN tags t ON t.id = i.id")
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Tagged])
}

// DBTX is sqlc's interface over pgx: its statements reach pgx, which
// converts a float64 for an integer parameter silently.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func LabelOf(ctx context.Context, db DBTX, id float64) (label string, err error) {
	err = db.QueryRow(ctx, "SELECT label FROM tags WHERE id = $1", id).Scan(&label)
	return label, err
}
