package cleanup

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/cleanup/sqlcdb"
)

type Authors struct {
	pool *pgxpool.Pool
	q    *sqlcdb.Queries
}

// The transaction is handed to sqlc's WithTx and finished here.
func (a *Authors) OkSqlcWithTx(ctx context.Context, id int64, name string) error {
	tx, err := a.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	qtx := a.q.WithTx(tx)
	if err := qtx.UpdateAuthor(ctx, id, name); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func (a *Authors) BadSqlcWithTxNoRollback(ctx context.Context, id int64, name string) error {
	tx, err := a.pool.Begin(ctx) // want `transaction from pgxpool.Pool.Begin is left open on a path that returns`
	if err != nil {
		return err
	}
	if err := a.q.WithTx(tx).UpdateAuthor(ctx, id, name); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
