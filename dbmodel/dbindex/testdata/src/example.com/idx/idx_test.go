package idx

import (
	"context"
	"testing"
)

func TestX(t *testing.T) {
	_, _ = global.Exec(context.Background(), "select 1") // want `exec github.com/jackc/pgx/v5/pgxpool.Pool.Exec on pool sql=1 test`
}
