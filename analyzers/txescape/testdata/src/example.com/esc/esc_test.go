package esc

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestAsync(t *testing.T) {
	var tx pgx.Tx
	go func() { _, _ = tx.Exec(context.Background(), "SELECT 1") }() // test code: skipped
}
