// Package seed lies under e2e/: test support, its globals are not judged.
package seed

import (
	"context"

	"example.com/gl/dbconn"
)

func Users(ctx context.Context) error {
	_, err := dbconn.GetDB().ExecContext(ctx, "INSERT INTO users DEFAULT VALUES")
	return err
}
