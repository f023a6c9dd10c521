package handlers

import (
	"context"
	"net/http"

	"github.com/jackc/pgx/v5"
	"github.com/jmoiron/sqlx"

	"example.com/gl/database"
)

func ListUsers(w http.ResponseWriter, r *http.Request) {
	rows, err := database.DB.QueryContext(r.Context(), "SELECT id FROM users") // want `sql.DB.QueryContext through global database.DB`
	if err != nil {
		return
	}
	defer rows.Close()
}

func Touch(ctx context.Context) error {
	_, err := database.Get().Exec(ctx, "UPDATE users SET seen = now()") // want `through accessor database.Get\(\)`
	return err
}

func Copied(ctx context.Context) error {
	db := database.Pool
	_, err := db.Exec(ctx, "UPDATE users SET seen = now()") // want `through global database.Pool \(copied into db\)`
	return err
}

func InTx(ctx context.Context) error {
	return pgx.BeginFunc(ctx, database.Pool, func(tx pgx.Tx) error { // want `pgx.BeginFunc through global database.Pool`
		_, err := tx.Exec(ctx, "UPDATE users SET seen = now()") // the tx is the callback's own
		return err
	})
}

var X *sqlx.DB

func Names() ([]string, error) {
	var names []string
	err := sqlx.Select(X, &names, "SELECT name FROM users") // want `sqlx.Select through global X`
	return names, err
}

// Silent: a handle received as a parameter, even when the caller got it
// from the global (that caller is judged, not this function).
func Names2(db *sqlx.DB) ([]string, error) {
	var names []string
	err := db.Select(&names, "SELECT name FROM users")
	return names, err
}

// Silent: the copy may come from the parameter.
func Maybe(ctx context.Context, p *database.Handle) error {
	db := database.Pool
	if p != nil {
		db = p.Pool
	}
	_, err := db.Exec(ctx, "SELECT 1")
	return err
}
