package app

import (
	"context"
	"testing"
)

func TestSave(t *testing.T) {
	_, _ = Default.Exec(context.Background(), "TRUNCATE users") // test code: skipped
}
