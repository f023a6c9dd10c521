package poolercompat

import (
	"fmt"
	"testing"
)

func TestSessionFeatures(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		want string // kinds and names, or "" for none
	}{
		{"SET search_path = a", "0:search_path"},
		{"set session timezone to 'UTC'", "0:timezone"},
		{"SET SESSION AUTHORIZATION bob", "0:SESSION AUTHORIZATION"},
		{"SET LOCAL search_path = a", ""},
		{"set transaction read only", ""},
		{"/* SET x = 1 */ select 1", ""},
		{"/* a /* nested */ SET x = 1 */ select 1", ""},
		{"select $$ SET x = 1; LISTEN c $$", ""},
		{"select $tag$ pg_advisory_lock(1) $tag$", ""},
		{"select E'it''s \\' LISTEN'", ""},
		{"select 1; reset all", "2:all"},
		{"select set_config('a.b', 'v', 'f'::boolean)", "1:a.b"},
		{"select set_config('a.b', 'v', FALSE)", "1:a.b"},
		{"select set_config('a.b', lower('X'), true)", ""},
		{"select set_config('a.b', $1, $2)", ""},
		{"SELECT pg_try_advisory_lock_shared(1), pg_advisory_xact_lock(2)", "3:pg_try_advisory_lock_shared"},
		{"select my_pg_advisory_lock(1)", ""},
		{"listen \"Jobs\"", "4:Jobs"},
		{"unlisten *", "5:*"},
		{"create global temporary table if not exists t (id int)", "6:t"},
		{"create temp table t (id int) on commit drop", ""},
		{"create temp view v as select 1", ""},
		{"declare c binary insensitive scroll cursor with hold for select 1", "7:c"},
		{"declare c cursor without hold for select 1", ""},
		{"prepare p as select 1", "8:p"},
		{"prepare transaction 'x'", ""},
	} {
		got := ""
		for i, f := range sessionFeatures(tc.sql) {
			if i > 0 {
				got += " "
			}
			got += fmt.Sprintf("%d:%s", f.kind, f.name)
		}
		if got != tc.want {
			t.Errorf("sessionFeatures(%q) = %q, want %q", tc.sql, got, tc.want)
		}
	}
}
