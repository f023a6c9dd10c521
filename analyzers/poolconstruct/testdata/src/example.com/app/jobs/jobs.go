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

func (w *Worker) Reconnect(ctx context.Context, cfg *pgx.ConnConfig) (*pgx.Conn, error) {
	return pgx.ConnectConfig(ctx, cfg) // want `pgx.ConnectConfig in package example.com/app/jobs`
}
