package catalog_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dbaudit/dbaudit/internal/pgtest"
	"github.com/dbaudit/dbaudit/schemacheck/catalog"
)

const ddl = `
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE DOMAIN required_email AS email NOT NULL;
CREATE DOMAIN tags AS text[];
CREATE TABLE users (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name varchar(40) NOT NULL,
	email required_email,
	backup_email email,
	feeling mood DEFAULT 'ok',
	feelings mood[],
	labels tags,
	emails email[],
	scores int4[] NOT NULL DEFAULT '{}',
	created_at timestamptz NOT NULL DEFAULT now(),
	name_len int GENERATED ALWAYS AS (length(name)) STORED,
	seq serial
);
ALTER TABLE users DROP COLUMN seq;
CREATE TABLE empty ();
CREATE VIEW user_names AS SELECT id, name FROM users;
CREATE MATERIALIZED VIEW user_count AS SELECT count(*) AS n FROM users;
CREATE TABLE events (id int NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
`

func TestIntrospect(t *testing.T) {
	t.Parallel()
	schema, dsn := pgtest.Schema(t, ddl)
	conn := pgtest.Connect(t, dsn)
	cat, err := catalog.Introspect(context.Background(), conn, []string{schema})
	require.NoError(t, err)

	var names []string
	for _, tb := range cat.Tables {
		names = append(names, tb.Name+":"+tb.Kind)
	}
	assert.Equal(t, []string{"empty:table", "events:partitioned table", "user_count:materialized view", "user_names:view", "users:table"}, names,
		"partitions are left out; views and materialized views are in")

	users := cat.Lookup("users")
	require.NotNil(t, users)
	assert.Same(t, users, cat.Lookup(schema+".users"))
	assert.Same(t, users, cat.Lookup("USERS"), "unquoted names fold to lower case")
	assert.Nil(t, cat.Lookup("public.users"), "public is not among the schemas read")

	var cols []string
	for _, c := range users.Columns {
		cols = append(cols, c.Name)
	}
	assert.Equal(t, []string{"id", "name", "email", "backup_email", "feeling", "feelings", "labels", "emails", "scores", "created_at", "name_len"}, cols, "dropped columns are gone, order is attnum")

	col := func(name string) *catalog.Column {
		c := users.Column(name)
		require.NotNil(t, c, name)
		return c
	}
	assert.Equal(t, "always", col("id").Identity)
	assert.True(t, col("id").NotNull)
	assert.Equal(t, catalog.Type{Display: "character varying(40)", Name: "varchar", Schema: "pg_catalog", Kind: "base", OID: 1043}, col("name").Type)

	email := col("email")
	assert.True(t, email.NotNull, "NOT NULL of a domain two levels down counts")
	assert.Equal(t, "text", email.Type.Name, "domains resolve to their base type")
	assert.Equal(t, schema+".required_email", email.Type.Domain)
	assert.Equal(t, uint32(25), email.Type.OID, "the wire OID of a domain is its base type's")
	assert.False(t, col("backup_email").NotNull)

	feeling := col("feeling")
	assert.Equal(t, "enum", feeling.Type.Kind)
	assert.Equal(t, []string{"sad", "ok", "happy"}, feeling.Type.Labels)
	assert.Equal(t, "'ok'::"+schema+".mood", feeling.Default)
	assert.Equal(t, schema+".mood", feeling.Type.Qualified())

	feelings := col("feelings")
	assert.True(t, feelings.Type.Array)
	assert.Equal(t, "mood", feelings.Type.Name)
	assert.Equal(t, []string{"sad", "ok", "happy"}, feelings.Type.Labels, "arrays of enums carry the labels")

	assert.True(t, col("labels").Type.Array, "a domain over an array is an array")
	assert.Equal(t, "text", col("labels").Type.Name)
	assert.True(t, col("emails").Type.Array)
	assert.Equal(t, "text", col("emails").Type.Name, "array elements resolve through domains")
	assert.Equal(t, "int4", col("scores").Type.Name)
	assert.Equal(t, "'{}'::integer[]", col("scores").Default)
	assert.True(t, col("name_len").Generated)
	assert.Empty(t, col("name_len").Default)

	view := cat.Lookup("user_names")
	require.NotNil(t, view)
	assert.True(t, view.Column("name").NullUnknown, "views record no NOT NULL")
	assert.Empty(t, cat.Lookup("empty").Columns)

	typ, ok := cat.TypeByOID(feeling.Type.OID)
	require.True(t, ok)
	assert.Equal(t, "mood", typ.Name)
	assert.Same(t, users, cat.ByOID(users.OID))

	// Parameter types the columns did not bring in are resolved on demand.
	require.NoError(t, cat.ResolveTypes(context.Background(), conn, []uint32{16, 2950, 1_000_000_000}))
	b, ok := cat.TypeByOID(16)
	require.True(t, ok)
	assert.Equal(t, "bool", b.Name)
	_, ok = cat.TypeByOID(1_000_000_000)
	assert.False(t, ok)
}

func TestSnapshotIsDeterministicAndRoundTrips(t *testing.T) {
	t.Parallel()
	schema, dsn := pgtest.Schema(t, ddl)
	conn := pgtest.Connect(t, dsn)
	ctx := context.Background()
	first, err := catalog.Introspect(ctx, conn, []string{schema})
	require.NoError(t, err)
	second, err := catalog.Introspect(ctx, conn, []string{schema})
	require.NoError(t, err)

	var a, b bytes.Buffer
	require.NoError(t, first.Encode(&a))
	require.NoError(t, second.Encode(&b))
	assert.Equal(t, a.String(), b.String())
	assert.NotContains(t, a.String(), `"oid"`)

	// A second database with the same schema gives the same bytes, although
	// its type OIDs differ: schema names are normalised for the comparison.
	schema2, dsn2 := pgtest.Schema(t, ddl)
	other, err := catalog.Introspect(ctx, pgtest.Connect(t, dsn2), []string{schema2})
	require.NoError(t, err)
	var c bytes.Buffer
	require.NoError(t, other.Encode(&c))
	assert.Equal(t, a.String(), strings.ReplaceAll(c.String(), schema2, schema))

	path := filepath.Join(t.TempDir(), "schema.json")
	require.NoError(t, first.WriteFile(path))
	loaded, err := catalog.ReadFile(path)
	require.NoError(t, err)
	var d bytes.Buffer
	require.NoError(t, loaded.Encode(&d))
	assert.Equal(t, a.String(), d.String())
	assert.False(t, loaded.Live())
	assert.NotNil(t, loaded.Lookup("users"))
}

func TestDecodeRejectsWhatIsNotASnapshot(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ data, want string }{
		"syntax":        {"{\n  \"version\": 1,\n  \"schemas\": [\"public\"\n}", "line 4"},
		"unknown field": {`{"version":1,"schemas":["public"],"tabels":[]}`, `unknown field "tabels"`},
		"version":       {`{"version":2,"schemas":["public"],"tables":[]}`, "version 2 is not supported"},
		"no schemas":    {`{"version":1,"tables":[]}`, `no "schemas"`},
		"foreign table": {`{"version":1,"schemas":["public"],"tables":[{"schema":"x","name":"t","kind":"table","columns":[]}]}`, `schema "x" is not in "schemas"`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := catalog.Decode([]byte(tc.data))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := catalog.ReadFile(filepath.Join(t.TempDir(), "missing.json"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}
