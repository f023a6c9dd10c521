package pooled

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

func TestThroughPooler(t *testing.T) {
	pgxpool.New(context.Background(), "postgres://app@localhost:6543/test")
}
