package opts

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Test code may hand drivers odd strings on purpose.
func TestBadOption(t *testing.T) {
	_, err := pgx.Connect(context.Background(), "postgres://app@db/orders?command_timeout=30")
	if err == nil {
		t.Fatal("want an error")
	}
}
