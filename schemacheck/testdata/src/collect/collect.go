// Package collect is the collector analyzer's own fixture: what it finds
// here is listed in collector_test.go.
package collect

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

type Base struct {
	CreatedAt time.Time `db:"created_at"`
}

//dbaudit:table accounts
type Account struct {
	Base
	ID    int64   `db:"id"`
	Email *string `db:"email"`
	note  string
}

type User struct {
	ID   int64
	Name string
}

func (User) TableName() string { return "users" }

type Box[T any] struct{ V T }

func Load(ctx context.Context, pool *pgxpool.Pool, id int64) error {
	var a Account
	if err := pool.QueryRow(ctx, "SELECT id, email FROM accounts WHERE id = $1", id).Scan(&a.ID, &a.Email); err != nil {
		return err
	}
	rows, err := pool.Query(ctx, "SELECT id, name FROM users")
	if err != nil {
		return err
	}
	users, err := pgx.CollectRows(rows, pgx.RowToStructByName[User])
	_ = users
	if _, err := pool.Exec(ctx, "DELETE FROM users WHERE name = $1", a.Email); err != nil {
		return err
	}
	query := "SELECT 1" // not a constant: not collected
	_, err = pool.Exec(ctx, query)
	return err
}
