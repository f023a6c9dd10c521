package web

import (
	"context"
	"testing"
)

// Test code is not judged (rules.yaml check_tests turns it on).
func TestBuildsSQL(t *testing.T) {
	s := &Server{}
	name := t.Name()
	_, _ = s.pool.Exec(context.Background(), "DELETE FROM users WHERE name = '"+name+"'")
}
