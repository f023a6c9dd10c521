// Package report is not approved to build pools or connections.
package report

import (
	"context"
	"os"

	"github.com/jackc/pgx/v5"
)

// Nightly connects on its own.
func Nightly(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, os.Getenv("REPORT_DATABASE_URL"))
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

// Export is allowed its own connection, with the reason on record.
func Export(ctx context.Context) error {
	//dbaudit:ignore poolconstruct -- the export runs as a separate role with its own connection limit
	conn, err := pgx.Connect(ctx, os.Getenv("EXPORT_DATABASE_URL"))
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

// Audit tries to suppress without a reason, which does not count.
func Audit(ctx context.Context) error {
	//dbaudit:ignore poolconstruct
	conn, err := pgx.Connect(ctx, os.Getenv("AUDIT_DATABASE_URL"))
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}
