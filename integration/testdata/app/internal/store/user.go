// Package store reads users through the pool it is given.
package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// User is a row of users.
type User struct {
	ID    int64  `db:"id"`
	Email string `db:"email"`
}

// TableName maps User to its table.
func (User) TableName() string { return "users" }

// Users reads users with the injected pool.
type Users struct {
	Pool *pgxpool.Pool
}

// Get returns one user.
func (u *Users) Get(ctx context.Context, id int64) (User, error) {
	rows, err := u.Pool.Query(ctx, "select id, email from users where id = $1", id)
	if err != nil {
		return User{}, err
	}
	return pgx.CollectOneRow(rows, pgx.RowToStructByName[User])
}
