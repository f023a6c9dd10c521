// Package difftest proves the driver option tables against the real drivers
// and a real PostgreSQL server. Its test runs the driveropts analyzer over
// the analyzer's own fixtures, takes every connection string it judged,
// points the string at the test server (DBAUDIT_TEST_DATABASE_URL) and
// connects through the same sink: pgx.Connect, pgconn.Connect,
// pgxpool.New + Ping, sql.Open("pgx") + Ping, sql.Open("postgres") (lib/pq)
// + Ping, golang-migrate's database.Open, or a pgx config with the
// RuntimeParams entry written. A string driveropts flags must fail with the
// error its message quotes (a string lib/pq ignores a key of must connect
// with the setting left unchanged), a suggested fix must make that error go
// away, and a string driveropts leaves silent must connect and run a query.
// A second test proves poolconfig's quoted panic for a zero health-check
// period in a child process.
//
// What the rewrite changes, and why: host, port, user, password and the
// database name come from the test server; TLS verification modes
// (verify-ca, verify-full) become require and certificate paths are
// dropped, because the test server's certificate is not one the machine
// trusts — whether a DSN's certificate checks pass is a property of the
// deployment, not of the option tables.
package difftest
