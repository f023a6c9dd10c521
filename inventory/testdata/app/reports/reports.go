// Package reports is a component rules.yaml names itself.
package reports

import (
	"context"

	"github.com/jackc/pgx/v5"
)

func Weekly(ctx context.Context, conn *pgx.Conn) error { // touch: inject reporting Weekly api=github.com/jackc/pgx/v5.Conn
	rows, err := conn.Query(ctx, "select * from weekly") // touch: query reporting Weekly api=github.com/jackc/pgx/v5.Conn.Query
	if err != nil {
		return err
	}
	rows.Close()
	return nil
}
