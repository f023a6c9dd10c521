package users

import (
	"context"

	"example.com/gl/dbconn"
)

func List(ctx context.Context) error {
	rows, err := dbconn.GetDB().QueryContext(ctx, "SELECT id FROM users") // want `sql.DB.QueryContext through accessor dbconn.GetDB\(\)`
	if err != nil {
		return err
	}
	return rows.Close()
}

// Silent: Fresh takes an argument and builds its own handle.
func Touch(ctx context.Context, dsn string) error {
	_, err := dbconn.Fresh(dsn).ExecContext(ctx, "UPDATE users SET seen = now()")
	return err
}
