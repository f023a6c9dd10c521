// Package platform may build pools: rules.yaml approves it.
package platform

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// OpenReplica retries until the replica answers: a loop that ends once the
// pool is built.
func OpenReplica(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	for {
		pool, err := pgxpool.New(ctx, dsn)
		if err == nil {
			return pool, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// OpenShards builds a pool per shard on every pass of the loop.
func OpenShards(ctx context.Context, dsns []string) []*pgxpool.Pool {
	var pools []*pgxpool.Pool
	for _, dsn := range dsns {
		pool, _ := pgxpool.New(ctx, dsn)
		pools = append(pools, pool)
	}
	return pools
}
