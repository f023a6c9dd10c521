package pgx

import "context"

// More of pgx v5's row helpers and transaction helpers (signatures as in v5.12.0).

func AppendRows[T any, S ~[]T](slice S, rows Rows, fn RowToFunc[T]) (S, error) { return slice, nil }
func RowToMap(row CollectableRow) (map[string]any, error)                      { return nil, nil }
func RowToAddrOf[T any](row CollectableRow) (*T, error)                        { return nil, nil }
func RowToAddrOfStructByName[T any](row CollectableRow) (*T, error)            { return nil, nil }
func RowToStructByNameLax[T any](row CollectableRow) (T, error)                { var z T; return z, nil }

func BeginTxFunc(ctx context.Context, db interface {
	BeginTx(ctx context.Context, txOptions TxOptions) (Tx, error)
}, txOptions TxOptions, fn func(Tx) error) (err error) {
	return nil
}
