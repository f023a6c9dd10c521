// Package sqlinject defines an analyzer that reports SQL text built from
// values that come from outside the program.
//
// # Analyzer sqlinject
//
// sqlinject: SQL text built from request input or an exported function's parameter by concatenation or formatting
//
// A value that reaches the program from outside — a field of the HTTP
// request (r.FormValue, r.URL.Query().Get, r.PathValue, r.Header.Get, a
// gin, echo or fiber context, chi.URLParam, mux.Vars) or a parameter of an
// exported function — must not become part of a statement's text. A quote
// in it ends the literal and the rest runs as SQL: sort=name;DROP TABLE
// users-- or id=0 OR 1=1. The analyzer follows such values through the
// function's SSA form (assignments, +=, fmt.Sprintf, strings.Join,
// strings.Builder, bytes.Buffer, helpers of the package, and under go vet
// helpers of other packages by their facts) to the SQL argument of pgx and
// pgxpool (Query, QueryRow, Exec, Prepare, Batch.Queue), pgconn (Exec,
// ExecParams, Prepare), database/sql (Query, QueryRow, Exec, Prepare and
// their Context variants), sqlx (Select, Get, Queryx, NamedExec, …, through
// Rebind and In) and gorm (Raw, Exec and the fragments given to Where, Or,
// Not, Having, Joins, Order and Group).
//
// Request input is reported wherever it reaches the SQL text, even alone.
// A parameter of an exported function is reported when it is built into
// SQL text, unless the package is main or internal (all its callers are in
// the module, and are judged instead). A function that runs the SQL it is given, or extends it (a
// parameter named query, sql, stmt, q…: q + " LIMIT 10"), is judged at
// its callers instead. Configuration is not input: constants, package-level
// variables, fields of the receiver and parameters of a *Config type.
// Nor are parameters that hold no caller's text: a named interface with
// methods (a Revision formatted by its String method) or a struct of
// another module (an ORM's *Connection). A file read by a name built from
// input (os.ReadFile, os.Open, filepath.Glob) is the file's content, not
// input.
// Values that cannot carry text are never input: integers (strconv.Itoa,
// %d), booleans, times, UUIDs. Safe forms stay silent: placeholders with the
// values passed as arguments, pgx.Identifier{…}.Sanitize(),
// pq.QuoteIdentifier, pq.QuoteLiteral, pgconn's EscapeString, a dialect's
// Quote or QuoteIdentifier method, a value
// looked up in a package-level map, and a value compared with constants
// (a switch, an if, membership in a package-level map) on every path to
// the SQL.
//
// Request input is graded error; an exported function's parameter warning
// (its callers may pass only constants). Test code is skipped unless
// rules.yaml sets check_tests.
//
// Across packages the rule reads what a helper does from its fact: whether
// it returns (part of) a parameter, writes it through a pointer, or runs it
// as SQL. Facts come from the packages the rule analyses — those that hold
// a database call taking SQL text or call such a helper — since building
// SSA costs about as much as loading a package; a helper in a package that
// never touches the database, and any helper where the driver carries no
// facts, is opaque: nothing is guessed about it. Not followed: text kept in a
// struct's fields across method calls (a query builder's state), and
// validation by a function that returns an error for an unknown value
// (only comparisons with constants and membership in a package-level map
// or slice count as choosing from constants).
//
// Bad:
//
//	func list(w http.ResponseWriter, r *http.Request) {
//		q := "SELECT id, name FROM users ORDER BY " + r.URL.Query().Get("sort")
//		rows, err := pool.Query(r.Context(), q)
//
//	func FindByName(ctx context.Context, db *sql.DB, name string) (*sql.Rows, error) {
//		return db.QueryContext(ctx, fmt.Sprintf("SELECT id FROM users WHERE name = '%s'", name))
//	}
//
// Good:
//
//	var sortColumns = map[string]string{"name": "name", "created": "created_at"}
//
//	func list(w http.ResponseWriter, r *http.Request) {
//		col, ok := sortColumns[r.URL.Query().Get("sort")]
//		if !ok {
//			col = "id"
//		}
//		rows, err := pool.Query(r.Context(), "SELECT id, name FROM users ORDER BY "+col)
//
//	func FindByName(ctx context.Context, db *sql.DB, name string) (*sql.Rows, error) {
//		return db.QueryContext(ctx, "SELECT id FROM users WHERE name = $1", name)
//	}
//
//	q := "SELECT count(*) FROM " + pgx.Identifier{schema, table}.Sanitize()
package sqlinject
