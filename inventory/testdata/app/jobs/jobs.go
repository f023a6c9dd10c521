// Package jobs runs background work: started with go or by the job runner.
package jobs

import (
	"context"
	"database/sql"
	"time"

	"example.com/app/cron"
)

type Worker struct {
	db *sql.DB // touch: inject other Worker.db api=database/sql.DB
}

func (w *Worker) Start(ctx context.Context) {
	go w.loop(ctx)
	cron.Every(time.Minute, w.sweep)
	cron.Every(time.Hour, func(ctx context.Context) error {
		_, err := w.db.ExecContext(ctx, "analyze") // touch: exec worker (*Worker).Start.func1
		return err
	})
	w.once(ctx)
}

func (w *Worker) loop(ctx context.Context) {
	w.db.ExecContext(ctx, "delete from sessions where expired") // touch: exec worker (*Worker).loop
}

func (w *Worker) sweep(ctx context.Context) error {
	tx, err := w.db.BeginTx(ctx, nil) // touch: begin worker (*Worker).sweep api=database/sql.DB.BeginTx
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "delete from jobs where done"); err != nil { // touch: exec worker (*Worker).sweep api=database/sql.Tx.ExecContext
		return err
	}
	return tx.Commit()
}

// once is called directly, not started: other.
func (w *Worker) once(ctx context.Context) {
	w.db.QueryRowContext(ctx, "select 1") // touch: query other (*Worker).once
}
