// Package repo is internal: only this module imports it, so its exported
// functions are judged at their callers, like unexported ones.
package repo

import (
	"context"
	"database/sql"
)

func FindByName(ctx context.Context, db *sql.DB, name string) (*sql.Rows, error) { // want FindByName:`sql\(name built\)`
	return db.QueryContext(ctx, "SELECT id FROM users WHERE name = '"+name+"'")
}
