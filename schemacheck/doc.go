// Package schemacheck compares a Go service's model structs and literal SQL
// with a PostgreSQL catalog, live or saved as a snapshot, and reports what
// will fail on the first real query.
//
// Models are structs mapped to a table or view by a TableName() string
// method returning a constant, a //dbaudit:table [schema.]name comment,
// rules.yaml schema.tables, gorm's conventions (gorm.Model embedded, or
// the struct used with gorm calls), or the literal SQL the struct is read
// from by name (pgx.RowToStructByName and its Addr/Lax variants through
// CollectRows and friends, sqlx Get/Select) when it is a SELECT from one
// table: SELECT * must give every field a column and every column a field;
// with a select list, the fields reading listed columns are judged against
// them. With a database, such a model is judged on the server's
// description of its prepared statements instead (at the call, once). A
// run that finds no model and prepares nothing says so:
// Result.NothingCompared. Their fields are matched to columns the way the
// library reading them does: pgx's RowToStructByName (db tags
// exact then case-insensitive, untagged names with underscores folded,
// embedded structs flattened, db:"-" skipped), sqlx (untagged names
// lower-cased) or gorm (column: tags, snake_case names, associations left
// out).
//
// The code is read by an analyzer, NewCollector, on the engine's streaming
// path (Load): per package it records the struct types with their fields
// (Go type, tags, file and line) and what maps them to a table, and the
// literal SQL with its arguments' and destinations' Go types, as plain data
// that outlives the package's syntax and type information. Run works from
// that data alone: it decides which structs are models, prepares the
// statements and compares both with the catalog.
//
// The catalog is read in one round trip from pg_catalog (not
// information_schema, which hides columns a least-privileged role cannot
// select and reports arrays and enums as ARRAY / USER-DEFINED), types
// joined by OID, domains resolved to their base type with their NOT NULL,
// arrays with their element type, enums with their labels. Everything runs
// in a read-only transaction with statement_timeout, lock_timeout and
// application_name=dbaudit; literal SQL is prepared in one pipeline and
// deallocated, never executed.
//
// The findings, and what each leaves alone:
//
//   - missing-table (error): the model's table or view is not in the
//     configured schemas. Silent for views and materialized views, which
//     count as tables; partitions are read through their parent.
//   - missing-column (error): a field reads a column the relation lacks —
//     RowToStructByName fails with "cannot find field X in returned row",
//     writes with 42703. Also reported where RowToStructByName[T] reads a
//     statement that does not return a column for every field. Silent for
//     db:"-" fields, unexported fields, gorm associations, and the Lax
//     variants.
//   - type-mismatch (error or warning): the Go type cannot hold the
//     column's type (error, quoting pgx's or database/sql's error where it
//     is stable), or holds it only by conversion (warning: uuid into
//     string, varchar into uuid.UUID, numeric into float64). Judged by a
//     table checked pairing by pairing against pgx v5.12 and database/sql on
//     a real server; pairings it does not cover, types with a Scan method
//     (sql.Scanner or pgx's scanner interfaces) and interface{} are left
//     alone. Also applied to Scan destinations of literal SQL, and to the
//     number of destinations.
//   - nullability (error, warning or info): a nullable column read into a
//     type that cannot hold NULL — an error when the scan fails ("cannot
//     scan NULL into *string"), a warning when NULL silently becomes a zero
//     value (uuid.UUID, netip.Addr), an info for view columns, whose
//     nullability the catalog does not record. Silent for pointers, slices,
//     maps, sql.Null*, pgtype values, and columns (or domains) declared NOT
//     NULL; for statement results, silent for computed columns.
//   - unmapped-column (warning or info): a column with no field. A warning
//     for a NOT NULL column without default, identity or generation
//     expression (inserts through the model fail with 23502); otherwise one
//     info per model listing the columns. An error where a statement's
//     result column has no field of the struct it is read into.
//   - query-error (error, or info): the server refuses to prepare a literal
//     statement (operator does not exist: character varying = uuid, unknown
//     column, …). Info notes say which statements were not prepared: DDL
//     and utility statements (PostgreSQL does not check them against the
//     catalog when preparing), several statements in one string, gorm's and
//     sqlx's own placeholders, SQL a pgx.QueryRewriter changes. Only
//     constant SQL is considered.
//   - param-type (error or warning): the number of arguments differs from
//     the statement's parameters, or (pgx calls) pgx cannot encode a Go
//     argument for the parameter type the server described ("unable to
//     encode … cannot find encode plan"); a warning where pgx converts
//     silently (a float64 for an integer parameter is truncated). Strings,
//     pointers, Null wrappers, interface{} arguments and parameters of
//     types pgx does not know (enums, domains) are left alone, as are
//     database/sql arguments, which each driver encodes its own way.
//
// Without a database (a snapshot from --dump-schema), the model checks run
// and the literal SQL is reported as not checked, with how to check it
// (SnapshotSkipReason).
package schemacheck
