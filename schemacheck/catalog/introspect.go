package catalog

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// Querier is what Introspect needs: a pgx.Tx or *pgx.Conn.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// The catalog is read with search_path set to pg_catalog alone, so that
// format_type and pg_get_expr qualify every user type and function the same
// way whatever the caller's search_path: snapshots stay comparable. The
// caller's search_path is put back in the same round trip, because the
// statements prepared afterwards must resolve names as the application does.
const (
	pinSearchPathSQL     = `SELECT pg_catalog.set_config('dbaudit.search_path', pg_catalog.current_setting('search_path'), true), pg_catalog.set_config('search_path', 'pg_catalog', true)`
	restoreSearchPathSQL = `SELECT pg_catalog.set_config('search_path', pg_catalog.current_setting('dbaudit.search_path'), true)`
)

// domainsSQL resolves every domain to its final base type, OR-ing the NOT
// NULL of each domain in the chain, and gathers enum labels. Domains and
// enums are few, so reading all of them is cheaper than a second round
// trip (and than a subquery per column).
const domainsSQL = `
dom(oid, base, nn, depth) AS (
	SELECT t.oid, t.typbasetype, t.typnotnull, 1
	FROM pg_catalog.pg_type t WHERE t.typtype = 'd'
	UNION ALL
	SELECT d.oid, t.typbasetype, d.nn OR t.typnotnull, d.depth + 1
	FROM dom d JOIN pg_catalog.pg_type t ON t.oid = d.base AND t.typtype = 'd'
),
dombase AS (
	SELECT DISTINCT ON (oid) oid, base, nn FROM dom ORDER BY oid, depth DESC
),
enums AS (
	SELECT enumtypid, array_agg(enumlabel::text ORDER BY enumsortorder) AS labels
	FROM pg_catalog.pg_enum GROUP BY enumtypid
)`

// typeColumnsSQL describes a type whose declared OID is "declared" (joined by
// OID, never by name): its domain, its resolved base, the element of an array
// base (itself resolved through domains) and an enum's labels.
const typeColumnsSQL = `
	CASE WHEN dt.typtype = 'd' THEN dtn.nspname || '.' || dt.typname END,
	bt.oid, bt.typname, btn.nspname, bt.typtype::text,
	et.oid, et.typname, etn.nspname, et.typtype::text,
	en.labels`

const typeJoinsSQL = `
	LEFT JOIN pg_catalog.pg_type dt ON dt.oid = declared
	LEFT JOIN pg_catalog.pg_namespace dtn ON dtn.oid = dt.typnamespace
	LEFT JOIN dombase d1 ON d1.oid = dt.oid
	LEFT JOIN pg_catalog.pg_type bt ON bt.oid = COALESCE(d1.base, dt.oid)
	LEFT JOIN pg_catalog.pg_namespace btn ON btn.oid = bt.typnamespace
	LEFT JOIN dombase d2 ON bt.typcategory = 'A' AND d2.oid = bt.typelem
	LEFT JOIN pg_catalog.pg_type et ON bt.typcategory = 'A' AND bt.typelem <> 0 AND et.oid = COALESCE(d2.base, bt.typelem)
	LEFT JOIN pg_catalog.pg_namespace etn ON etn.oid = et.typnamespace
	LEFT JOIN enums en ON en.enumtypid = COALESCE(et.oid, bt.oid)`

// introspectSQL reads every relation of the schemas $1 with its columns in
// one round trip. It reads pg_catalog, not information_schema, which hides
// columns the role lacks privileges on, omits materialized views and
// reports arrays and enums as ARRAY / USER-DEFINED.
const introspectSQL = `WITH RECURSIVE ` + domainsSQL + `,
rels AS (
	SELECT c.oid, n.nspname AS schema, c.relname AS name, c.relkind
	FROM pg_catalog.pg_class c
	JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname = ANY($1::text[])
	  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
	  AND NOT c.relispartition
),
cols AS (
	SELECT r.oid AS relid, r.schema, r.name, r.relkind,
	       a.attnum, a.attname, a.atttypid AS declared, a.atttypmod,
	       a.attnotnull, a.attidentity, a.attgenerated,
	       pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS def
	FROM rels r
	LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
	LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
)
SELECT relid, schema, name, relkind::text,
	attnum, attname::text, pg_catalog.format_type(declared, atttypmod),
	attnotnull, COALESCE(d1.nn, false), attidentity::text, attgenerated::text, def,` + typeColumnsSQL + `
FROM cols` + typeJoinsSQL + `
ORDER BY schema, name, attnum`

// typesSQL describes the types with the OIDs $1 (statement parameters and
// result columns the column scan did not meet).
const typesSQL = `WITH RECURSIVE ` + domainsSQL + `
SELECT declared, pg_catalog.format_type(declared, NULL),` + typeColumnsSQL + `
FROM unnest($1::oid[]) AS declared` + typeJoinsSQL

var relKinds = map[string]string{
	"r": KindTable, "p": KindPartitionedTable, "v": KindView,
	"m": KindMaterializedView, "f": KindForeignTable,
}

var typeKinds = map[string]string{
	"b": TypeBase, "e": TypeEnum, "c": TypeComposite, "r": TypeRange,
	"m": TypeMultirange, "p": TypePseudo, "d": TypeBase,
}

// typeRow holds the typeColumnsSQL part of a row.
type typeRow struct {
	domain                         *string
	baseOID                        *uint32
	baseName, baseSchema, baseKind *string
	elemOID                        *uint32
	elemName, elemSchema, elemKind *string
	labels                         []string
}

func (r *typeRow) dest() []any {
	return []any{&r.domain, &r.baseOID, &r.baseName, &r.baseSchema, &r.baseKind,
		&r.elemOID, &r.elemName, &r.elemSchema, &r.elemKind, &r.labels}
}

func (r *typeRow) typ(display string) Type {
	t := Type{Display: display, Labels: r.labels}
	if r.domain != nil {
		t.Domain = *r.domain
	}
	if r.baseOID != nil {
		t.OID = *r.baseOID
	}
	if r.elemName != nil {
		t.Array = true
		t.Name, t.Schema, t.Kind = *r.elemName, deref(r.elemSchema), typeKinds[deref(r.elemKind)]
	} else if r.baseName != nil {
		t.Name, t.Schema, t.Kind = *r.baseName, deref(r.baseSchema), typeKinds[deref(r.baseKind)]
	}
	return t
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Introspect reads the relations of schemas (default: public) in one query.
// Run it inside a read-only transaction: it only reads pg_catalog.
func Introspect(ctx context.Context, q Querier, schemas []string) (*Catalog, error) {
	if len(schemas) == 0 {
		schemas = []string{"public"}
	}
	cat := &Catalog{Schemas: slices.Clone(schemas), byOID: map[uint32]*Table{}, types: map[uint32]Type{}}
	batch := &pgx.Batch{}
	batch.Queue(pinSearchPathSQL)
	batch.Queue(introspectSQL, schemas)
	batch.Queue(restoreSearchPathSQL)
	results := q.SendBatch(ctx, batch)
	defer results.Close()
	if _, err := results.Exec(); err != nil {
		return nil, fmt.Errorf("reading the catalog: %w", err)
	}
	rows, err := results.Query()
	if err != nil {
		return nil, fmt.Errorf("reading the catalog: %w", err)
	}
	if err := scanRelations(cat, rows); err != nil {
		return nil, err
	}
	if _, err := results.Exec(); err != nil {
		return nil, fmt.Errorf("reading the catalog: %w", err)
	}
	if err := results.Close(); err != nil {
		return nil, fmt.Errorf("reading the catalog: %w", err)
	}
	cat.sortTables()
	return cat, nil
}

func scanRelations(cat *Catalog, rows pgx.Rows) error {
	defer rows.Close()
	for rows.Next() {
		var (
			relOID                          uint32
			schema, name, relkind           string
			attnum                          *int16
			attname, display                *string
			notNull, domainNotNull          *bool
			identity, generated, defaultSQL *string
			tr                              typeRow
		)
		dest := append([]any{&relOID, &schema, &name, &relkind, &attnum, &attname, &display,
			&notNull, &domainNotNull, &identity, &generated, &defaultSQL}, tr.dest()...)
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("reading the catalog: %w", err)
		}
		t := cat.byOID[relOID]
		if t == nil {
			t = &Table{Schema: schema, Name: name, Kind: relKinds[relkind], OID: relOID, Columns: []*Column{}}
			cat.byOID[relOID] = t
			cat.Tables = append(cat.Tables, t)
		}
		if attnum == nil { // a relation without columns
			continue
		}
		col := &Column{
			Name:    *attname,
			Num:     int(*attnum),
			Type:    tr.typ(*display),
			NotNull: *notNull || *domainNotNull,
			Default: deref(defaultSQL),
		}
		switch deref(identity) {
		case "a":
			col.Identity = "always"
		case "d":
			col.Identity = "by default"
		}
		if deref(generated) == "s" {
			col.Generated = true
			col.Default = "" // the generation expression is not a default
		}
		if t.IsView() {
			col.NullUnknown = !col.NotNull
		}
		t.Columns = append(t.Columns, col)
		if col.Type.OID != 0 {
			cat.types[col.Type.OID] = withoutDisplayMod(col.Type)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading the catalog: %w", err)
	}
	return nil
}

// withoutDisplayMod keeps a type for OID lookups: the OID names the base
// type, so a column's domain and type modifier do not belong to it.
func withoutDisplayMod(t Type) Type {
	t.Domain = ""
	t.Display = t.Qualified()
	return t
}

// ResolveTypes describes the given type OIDs that the catalog does not know
// yet, in one query, and records them.
func (c *Catalog) ResolveTypes(ctx context.Context, q Querier, oids []uint32) error {
	var missing []uint32
	for _, o := range oids {
		if _, ok := c.types[o]; !ok && o != 0 && !slices.Contains(missing, o) {
			missing = append(missing, o)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	rows, err := q.Query(ctx, typesSQL, missing)
	if err != nil {
		return fmt.Errorf("describing types: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			oid     uint32
			display *string
			tr      typeRow
		)
		if err := rows.Scan(append([]any{&oid, &display}, tr.dest()...)...); err != nil {
			return fmt.Errorf("describing types: %w", err)
		}
		if display == nil || tr.baseName == nil {
			continue // an OID the server does not know
		}
		t := tr.typ(*display)
		c.AddType(oid, t)
	}
	return rows.Err()
}
