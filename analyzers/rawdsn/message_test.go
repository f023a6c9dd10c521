package rawdsn

import (
	"strings"
	"testing"
)

// TestMessageFits: a long description gives up its user and host before
// the database name, which the CLI's control-character script
// (cmd/dbaudit/testdata/script/control_chars.txtar) looks for.
func TestMessageFits(t *testing.T) {
	db := "database orders\nmain.go:1:1: error: poolconstruct: forged"
	for _, tc := range []struct {
		where []string
		want  string
	}{
		{[]string{"user orders", "host db.internal:5432", "database orders"},
			"a database password is written into the code (connection string for user orders, host db.internal:5432, database orders)"},
		{[]string{"user app"}, "a database password is written into the code (connection string for user app): anyone with the source or binary has it"},
		{nil, "a database password is written into the code (connection string): anyone with the source or binary has it"},
		{[]string{"user app", "host db:5432", db}, "a database password is written into the code (" + db + ")"},
		{[]string{"user app", "host db:5432", "database " + strings.Repeat("x", 200)}, "a database password is written into the code (database xxxx"},
	} {
		got := passwordMessage(tc.where)
		if len(got) > maxMessage || !strings.HasPrefix(got, tc.want) {
			t.Errorf("passwordMessage(%q) = %q (%d characters), want %q", tc.where, got, len(got), tc.want)
		}
	}
}
