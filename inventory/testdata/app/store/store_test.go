package store

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

func TestStore(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://localhost/test") // touch: construct test TestStore
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "select 1"); err != nil { // touch: exec test TestStore
		t.Fatal(err)
	}
}
