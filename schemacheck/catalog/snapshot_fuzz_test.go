package catalog

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzSnapshot: the schema snapshot loader (--schema-file) never panics on
// any bytes, and a snapshot it accepts can be used and saved again: it
// looks up its own relations and columns, and encoding it then decoding the
// result gives the same bytes (what --dump-schema writes, --schema-file
// reads back).
func FuzzSnapshot(f *testing.F) {
	f.Add([]byte(`{"version": 1, "schemas": ["public"], "tables": []}`))
	f.Add([]byte(`{"version": 1, "schemas": ["public", "app"], "tables": [
  {"schema": "public", "name": "users", "kind": "table", "columns": [
    {"name": "id", "num": 1, "type": {"display": "bigint", "name": "int8", "schema": "pg_catalog", "kind": "base"}, "not_null": true, "identity": "always"},
    {"name": "email", "num": 2, "type": {"display": "public.email", "name": "text", "schema": "pg_catalog", "kind": "base", "domain": "public.email"}},
    {"name": "mood", "num": 3, "type": {"display": "mood", "name": "mood", "schema": "public", "kind": "enum", "labels": ["sad", "ok"]}, "default": "'ok'::mood"},
    {"name": "tags", "num": 4, "type": {"display": "text[]", "name": "text", "schema": "pg_catalog", "kind": "base", "array": true}, "generated": true}]},
  {"schema": "app", "name": "Active Users", "kind": "view", "columns": [{"name": "id", "num": 1, "type": {"display": "bigint", "name": "int8", "kind": "base"}, "null_unknown": true}]}]}`))
	f.Add([]byte(`{"version": 2, "schemas": ["public"]}`))
	f.Add([]byte(`{"version": 1, "schemas": [], "tables": [null]}`))
	f.Add([]byte(`{"version": 1, "schemas": ["s"], "tables": [{"schema": "s", "name": "t", "columns": [null]}]}`))
	f.Add([]byte("[1, 2]"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		cat, err := Decode(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		for _, tb := range cat.Tables {
			// "schema.name" is ambiguous only when a part holds a dot.
			if !strings.Contains(tb.Schema, ".") && cat.Lookup(tb.QualifiedName()) == nil {
				t.Fatalf("%s is in the snapshot but Lookup does not find it", tb.QualifiedName())
			}
			for _, col := range tb.Columns {
				_ = tb.Column(col.Name)
				_ = col.Type.Qualified()
			}
			_ = tb.IsView()
		}
		var first bytes.Buffer
		if err := cat.Encode(&first); err != nil {
			t.Fatalf("encoding an accepted snapshot: %v", err)
		}
		again, err := Decode(first.Bytes())
		if err != nil {
			t.Fatalf("a snapshot written from an accepted one is refused: %v\n%s", err, first.Bytes())
		}
		var second bytes.Buffer
		if err := again.Encode(&second); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Fatalf("snapshot changes on a round trip:\n%s\n---\n%s", first.Bytes(), second.Bytes())
		}
	})
}
