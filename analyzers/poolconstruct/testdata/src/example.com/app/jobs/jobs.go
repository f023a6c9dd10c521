package jobs

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Worker receives the pool: the compliant way.
type Worker struct{ Pool *pgxpool.Pool }

func (w *Worker) Run(ctx context.Context) error {
	return pgx.BeginFunc(ctx, w.Pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "update jobs set done = true")
		return err
	})
}

// Reconnect builds a connection each time it is called (a fact other
// packages see); without approved_packages that alone is no finding.
func (w *Worker) Reconnect(ctx context.Context, cfg *pgx.ConnConfig) (*pgx.Conn, error) { // want Reconnect:"constructs\\(pgx.ConnectConfig\\)"
	return pgx.ConnectConfig(ctx, cfg)
}
