package orders

import (
	"context"
	"testing"
)

func TestLegacy(t *testing.T) {
	var s Store
	_, _ = s.pool.Exec(context.Background(), "DELETE FROM orders WHERE tenant_id = $1", 1) // test code: skipped
}
