// Package inventory lists where Go code touches the database — every
// touchpoint, with its component and whether `dbaudit check` found anything
// wrong there — and writes the list as Markdown, JSON, CSV or a
// self-contained HTML dashboard.
//
// The inventory comes from the same package load as `dbaudit check`'s
// findings (see Run): the inventory analyzer (New) reads the dbindex
// index, which already knows every call of a database API by type, never
// by name, so calls through an sqlc DBTX interface, an embedded
// *pgxpool.Pool or a helper taking sqlx.ExtContext count, and a method
// named Query on an unrelated type does not. A project's own interface
// counts when its method has the whole signature
// of a database method — ExecContext(ctx, string, ...any) (sql.Result,
// error), sqlx's GetContext(ctx, dest any, string, ...any) error, pgx's
// Exec(ctx, string, ...any) (pgconn.CommandTag, error), … (see
// dbapi.InterfaceMethod) — and not when only the name matches.
// pq.NewConnector, where a program built on sql.OpenDB reads its DSN, is a
// construct touchpoint. The analyzer's result is plain data (a
// *PackageTouchpoints: strings and lines), so the engine drops each
// package's syntax once it is analysed and can cache the result; Collect
// assembles the report from those results and attaches the findings.
//
// # Kinds
//
// construct, query, exec, begin, acquire, batch, copy and prepare are calls
// (dbapi kinds for which Kind.Touches holds); inject is a function parameter
// or struct field of session handle type (pool, conn, tx or an sqlc-style
// querier interface; method receivers excluded); global is a package-level
// variable of session handle type.
//
// # Function names
//
// Function is the enclosing function's name as the runtime and pprof print
// it: example.com/x/store.Open, example.com/x/store.(*Jobs).Get,
// example.com/x/store.Jobs.Len for value receivers. A touchpoint inside a
// function literal is named after the literal, as the compiler numbers them:
// example.com/x/api.(*Server).Routes.func1, and func1.2 for a literal nested
// in func1; literals in package-level initialisers are pkg.init.funcN.
// Touchpoints in package-level initialisers are pkg.init. For an inject
// field, Function is the struct and field (example.com/x/store.Jobs.pool);
// for a global, the variable (example.com/x/legacy.DB).
//
// # Components
//
// The first of these that applies:
//
//  1. test: test code (_test.go files, testdata, files built only for
//     tests, test-support packages: see rules.IsTestPackage).
//  2. a rules.yaml components entry whose globs match the file, unless it
//     is named service (service is the fallback below).
//  3. handler or worker, from the innermost enclosing function outwards: a
//     function with an HTTP handler signature (or a web framework context
//     parameter) or one passed where a handler is expected is a handler; a
//     function started with go or passed to a job runner (rules.yaml
//     job_runners, errgroup.Group.Go, sync.WaitGroup.Go, time.AfterFunc) is
//     a worker.
//  4. migration: packages matching rules.yaml migration_packages or named
//     migrations, migration or migrate; elsewhere the functions that use
//     golang-migrate or goose and the functions they hand to it (goose Go
//     migrations), and those calling gorm's AutoMigrate. Not the whole
//     package importing one: a store that also applies its embedded
//     migrations at start-up is not all migration.
//     Before main, so a cmd/migrate binary is a migration.
//  5. main: package main.
//  6. service: a rules.yaml components.service glob matches.
//  7. other.
//
// A touchpoint is compliant when no finding of the same run is attached to
// it: a finding on the touchpoint's line, or, for a call spanning lines,
// inside the call when no touchpoint starts on the finding's line.
package inventory
