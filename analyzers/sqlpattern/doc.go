// Package sqlpattern defines an analyzer that reports SQL written into the
// program that matches a pattern rules.yaml forbids.
//
// # Analyzer sqlpattern
//
// sqlpattern: SQL text matching a rules.yaml sql.forbidden pattern
//
// Some SQL is wrong for the database the service runs against today even
// though it still parses: a filter on a retired tenant_id column, a table
// that moved to another schema, a function a pooler cannot pass on. The
// statement fails only when it runs (ERROR: column "tenant_id" does not
// exist, SQLSTATE 42703) or, worse, silently returns the wrong rows. Each
// rules.yaml sql.forbidden entry names a regular expression and the message
// that says what to write instead.
//
// The analyzer reads the SQL argument of query and exec calls — pgx
// (Conn, Tx, pgxpool Pool and Conn, Batch.Queue), database/sql, sqlx and
// gorm (Raw, Exec and the fragments given to Where, Or, Not, Having and
// Joins) — and checks the text the program itself supplies: constants,
// constant expressions (const chains and concatenations fold), the constant
// parts of a concatenation with run-time values, the format of fmt.Sprintf,
// and local variables assigned such text. SQL that arrives at run time (read
// from a file, a flag or a caller's argument) is out of reach, and test
// code is skipped unless rules.yaml sets check_tests.
//
// With
//
//	sql:
//	  forbidden:
//	    - pattern: '(?i)\btenant_id\s*='
//	      message: tenant_id filters were retired; row-level security scopes every query
//
// Bad:
//
//	const byTenant = "SELECT id FROM orders WHERE tenant_id = $1"
//	rows, err := pool.Query(ctx, byTenant, tenant)
//
// Good:
//
//	rows, err := pool.Query(ctx, "SELECT id FROM orders") // RLS applies the tenant
package sqlpattern
