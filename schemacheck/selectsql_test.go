package schemacheck

import (
	"fmt"
	"testing"
)

func TestParseSimpleSelect(t *testing.T) {
	for _, c := range []struct {
		sql  string
		want string // table, star, columns as name<-column; "" when not simple
	}{
		{"SELECT id, email FROM customers WHERE id = $1", "customers false [id<-id email<-email]"},
		{"select * from tags", "tags true []"},
		{"SELECT t.* FROM tags t ORDER BY t.id;", "tags true []"},
		{`SELECT i.id, i.customer_id AS owner, "Mixed" FROM app.invoices AS i LIMIT 10`, `app.invoices false [id<-id owner<-customer_id Mixed<-Mixed]`},
		{"SELECT DISTINCT name n FROM users", "users false [n<-name]"},
		{"SELECT id, count(*) AS n, now(), true FROM users GROUP BY id", "users false [id<-id]"},
		{"SELECT users.id FROM users -- the users\n WHERE name = 'a, b FROM x'", "users false [id<-id]"},
		{"SELECT u.id FROM users u JOIN orders o ON o.user_id = u.id", ""},
		{"SELECT id FROM users, orders", ""},
		{"SELECT id FROM (SELECT id FROM users) s", ""},
		{"SELECT id FROM a UNION SELECT id FROM b", ""},
		{"WITH x AS (SELECT 1) SELECT * FROM x", ""},
		{"SELECT DISTINCT ON (id) id FROM users", ""},
		{"SELECT *, 1 AS one FROM users", ""},
		{"SELECT id FROM users; SELECT 1", ""},
		{"UPDATE users SET name = $1 RETURNING id", ""},
	} {
		sel, ok := parseSimpleSelect(c.sql)
		got := ""
		if ok {
			cols := []string{}
			for _, col := range sel.Columns {
				cols = append(cols, col.Name+"<-"+col.Column)
			}
			got = fmt.Sprintf("%s %v %v", sel.Table, sel.Star, cols)
		}
		if got != c.want {
			t.Errorf("%q: got %q, want %q", c.sql, got, c.want)
		}
	}
}
