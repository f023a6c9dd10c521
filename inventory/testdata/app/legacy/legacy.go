// Package legacy keeps a package-level handle.
package legacy

import (
	"context"
	"database/sql"
	"os"
)

var DB *sql.DB // touch: global other DB api=database/sql.DB

var dsn = os.Getenv("DATABASE_URL")

func init() {
	DB, _ = sql.Open("pgx", dsn) // touch: construct other init
}

func Lookup(ctx context.Context, id int64) *sql.Row {
	return DB.QueryRowContext(ctx, "select * from users where id = $1", id) // touch: query other Lookup
}

// purge runs from a package-level function value.
var purge = func(ctx context.Context) {
	DB.ExecContext(ctx, "delete from users where deleted") // touch: exec other init.func1
}
