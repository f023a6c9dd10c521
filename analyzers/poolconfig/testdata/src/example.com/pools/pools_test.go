package pools

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

func TestTinyPool(t *testing.T) {
	cfg, _ := pgxpool.ParseConfig("")
	cfg.MaxConns = 1
	pgxpool.NewWithConfig(context.Background(), cfg)
}
