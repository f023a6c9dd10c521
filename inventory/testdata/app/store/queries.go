package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DBTX is sqlc's interface: a pool, a conn or a tx.
type DBTX interface {
	Exec(context.Context, string, ...interface{}) (pgconn.CommandTag, error)
	Query(context.Context, string, ...interface{}) (pgx.Rows, error)
	QueryRow(context.Context, string, ...interface{}) pgx.Row
}

func New(db DBTX) *Queries { // touch: inject service New api=example.com/app/store.DBTX
	return &Queries{db: db}
}

type Queries struct {
	db DBTX // touch: inject service Queries.db api=example.com/app/store.DBTX
}

const deleteJob = `delete from jobs where id = $1`

func (q *Queries) DeleteJob(ctx context.Context, id int64) error {
	_, err := q.db.Exec(ctx, deleteJob, id) // touch: exec service (*Queries).DeleteJob api=example.com/app/store.DBTX.Exec
	return err
}
