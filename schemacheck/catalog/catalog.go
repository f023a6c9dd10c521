// Package catalog reads the tables, views and columns of a PostgreSQL
// database from pg_catalog in one query, and saves and loads them as a
// deterministic JSON snapshot so schemacheck can run without a server.
package catalog

import (
	"slices"
	"strings"
)

// Relation kinds, as schemacheck names them.
const (
	KindTable            = "table"
	KindPartitionedTable = "partitioned table"
	KindView             = "view"
	KindMaterializedView = "materialized view"
	KindForeignTable     = "foreign table"
)

// Type kinds of a column's base (or array element) type.
const (
	TypeBase       = "base"
	TypeEnum       = "enum"
	TypeComposite  = "composite"
	TypeRange      = "range"
	TypeMultirange = "multirange"
	TypePseudo     = "pseudo"
)

// Catalog is what schemacheck knows about a database: the relations of the
// schemas it was asked to read.
type Catalog struct {
	// Schemas are the schemas read, in lookup order (like a search_path).
	Schemas []string `json:"schemas"`
	// Tables are sorted by schema, then name.
	Tables []*Table `json:"tables"`

	// byOID maps live relation OIDs to tables. It is empty for a catalog
	// loaded from a snapshot: OIDs differ between databases, so they are
	// not saved.
	byOID map[uint32]*Table
	// types maps live type OIDs to types (column types, their bases and
	// array elements, and types looked up for statement parameters).
	types map[uint32]Type
}

// Table is a table, view, materialized view or foreign table.
type Table struct {
	Schema  string    `json:"schema"`
	Name    string    `json:"name"`
	Kind    string    `json:"kind"`
	Columns []*Column `json:"columns"` // in attribute order: what SELECT * returns

	OID uint32 `json:"-"`
}

// Column is one attribute of a relation.
type Column struct {
	Name string `json:"name"`
	// Num is the attribute number (pg_attribute.attnum).
	Num  int  `json:"num"`
	Type Type `json:"type"`
	// NotNull is the column's NOT NULL or its domain's (any domain in the chain).
	NotNull bool `json:"not_null"`
	// NullUnknown is set for columns of views and materialized views, whose
	// nullability the catalog does not record.
	NullUnknown bool   `json:"null_unknown,omitempty"`
	Default     string `json:"default,omitempty"`
	// Identity is "always" or "by default" for identity columns.
	Identity string `json:"identity,omitempty"`
	// Generated is set for stored generated columns.
	Generated bool `json:"generated,omitempty"`
}

// Type describes a column or parameter type, resolved through domains.
type Type struct {
	// Display is the declared type as format_type shows it:
	// "character varying(40)", "public.email", "text[]".
	Display string `json:"display"`
	// Name is the pg_type name of the resolved base type, or of the element
	// type for arrays: "int4", "varchar", "uuid", "mood".
	Name string `json:"name"`
	// Schema is the schema of that type ("pg_catalog" for built-ins).
	Schema string `json:"schema"`
	// Kind is base, enum, composite, range, multirange or pseudo.
	Kind string `json:"kind"`
	// Array is set when the (resolved) type is an array of Name.
	Array bool `json:"array,omitempty"`
	// Domain is the qualified name of the domain the column was declared
	// with, if any.
	Domain string `json:"domain,omitempty"`
	// Labels are an enum's labels in sort order.
	Labels []string `json:"labels,omitempty"`

	// OID is the live OID the server sends for values of this type (a
	// domain's base type OID); 0 when loaded from a snapshot.
	OID uint32 `json:"-"`
}

// Qualified is the type's name as SQL would write it: built-ins bare,
// others schema-qualified, with [] for arrays.
func (t Type) Qualified() string {
	name := t.Name
	if t.Schema != "" && t.Schema != "pg_catalog" {
		name = t.Schema + "." + name
	}
	if t.Array {
		name += "[]"
	}
	return name
}

// Known reports whether the type was resolved (a parameter of a type the
// catalog could not describe is not).
func (t Type) Known() bool { return t.Name != "" }

// QualifiedName is "schema.name".
func (t *Table) QualifiedName() string { return t.Schema + "." + t.Name }

// IsView reports whether the relation is a view or materialized view.
func (t *Table) IsView() bool { return t.Kind == KindView || t.Kind == KindMaterializedView }

// Column returns the column with exactly this name, or nil.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Lookup finds a relation by "name" or "schema.name". An unqualified name is
// searched in the catalog's schemas in order. Names match exactly first,
// then folded to lower case, as PostgreSQL folds unquoted identifiers.
func (c *Catalog) Lookup(name string) *Table {
	schema, rel, qualified := strings.Cut(name, ".")
	if !qualified {
		schema, rel = "", name
	}
	for _, fold := range []bool{false, true} {
		for _, s := range c.Schemas {
			if qualified && !eq(s, schema, fold) {
				continue
			}
			for _, t := range c.Tables {
				if t.Schema == s && eq(t.Name, rel, fold) {
					return t
				}
			}
		}
	}
	return nil
}

func eq(have, want string, fold bool) bool {
	if fold {
		return have == strings.ToLower(want)
	}
	return have == want
}

// ByOID returns the live relation with this OID, or nil.
func (c *Catalog) ByOID(oid uint32) *Table { return c.byOID[oid] }

// TypeByOID returns a live type by OID.
func (c *Catalog) TypeByOID(oid uint32) (Type, bool) {
	t, ok := c.types[oid]
	return t, ok
}

// AddType records a live type for OID lookups.
func (c *Catalog) AddType(oid uint32, t Type) {
	if c.types == nil {
		c.types = map[uint32]Type{}
	}
	c.types[oid] = t
}

// Live reports whether the catalog came from a server (and so knows OIDs).
func (c *Catalog) Live() bool { return c.byOID != nil }

// sortTables puts the tables in snapshot order.
func (c *Catalog) sortTables() {
	slices.SortFunc(c.Tables, func(a, b *Table) int {
		if r := strings.Compare(a.Schema, b.Schema); r != 0 {
			return r
		}
		return strings.Compare(a.Name, b.Name)
	})
}
