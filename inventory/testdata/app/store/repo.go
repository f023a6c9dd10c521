package store

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Repo embeds the pool: r.Pool.Exec and the promoted r.Exec are the pool's.
type Repo struct {
	*pgxpool.Pool // touch: inject service Repo.Pool api=github.com/jackc/pgx/v5/pgxpool.Pool
}

func (r *Repo) Purge(ctx context.Context) error {
	_, err := r.Pool.Exec(ctx, "delete from jobs where done") // touch: exec service (*Repo).Purge api=github.com/jackc/pgx/v5/pgxpool.Pool.Exec
	return err
}

func (r *Repo) Vacuum(ctx context.Context) error {
	_, err := r.Exec(ctx, "vacuum jobs") // touch: exec service (*Repo).Vacuum api=github.com/jackc/pgx/v5/pgxpool.Pool.Exec
	return err
}
