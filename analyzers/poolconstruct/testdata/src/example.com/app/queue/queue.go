// Package queue builds a pool in a job handler: one per job.
package queue

import (
	"context"
	"os"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"
)

func handleEmail(ctx context.Context, t *asynq.Task) error {
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL")) // want `pgxpool.New in handleEmail, which runs for every job, builds a new pool per job`
	if err != nil {
		return err
	}
	defer pool.Close()
	return nil
}

func Register(mux *asynq.ServeMux) { mux.HandleFunc("email", handleEmail) }

// Silent: the worker receives the pool.
type Worker struct{ Pool *pgxpool.Pool }

func (w *Worker) handleInvoice(ctx context.Context, t *asynq.Task) error {
	_, err := w.Pool.Exec(ctx, "UPDATE invoices SET sent = true")
	return err
}
