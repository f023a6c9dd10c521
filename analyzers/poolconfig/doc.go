// Package poolconfig defines an analyzer that reports pool sizing and health
// settings outside the bounds of rules.yaml pool.
//
// # Analyzer poolconfig
//
// poolconfig: pool sizes and health checks must stay within rules.yaml pool
//
// It judges constant settings of pgxpool — MaxConns, MinConns,
// HealthCheckPeriod and MaxConnLifetime assigned on a pgxpool.Config, and the
// pool_max_conns, pool_min_conns, pool_health_check_period and
// pool_max_conn_lifetime keys of a connection string handed to pgxpool — and
// of database/sql: SetMaxOpenConns and SetConnMaxLifetime. With rules.yaml
// silent, a pool needs at least 5 connections (the audit's floor; 10 is
// recommended, which this rule notes in its docs rather than reports), and
// health checks must be neither disabled nor stretched past 5 minutes.
// rules.yaml pool sets min_max_conns, max_max_conns, max_health_check_period
// and min_conn_lifetime.
//
// A health-check period of zero or less is worse than a bad size: pgxpool
// accepts it (HealthCheckPeriod = 0, pool_health_check_period=0s) and its
// background goroutine then crashes the process with "panic: non-positive
// interval for NewTicker". That finding is an error; the others take the
// rule's severity (warning unless rules.yaml says otherwise). MinConns above
// MaxConns is reported too: pgxpool silently caps it.
//
// Two defaults mislead (pgx #1974, #2058). pgxpool.ParseConfig always sets
// MaxConns — to pool_max_conns, which must be at least 1, or to
// max(4, runtime.NumCPU()) — so a default written after it under
// `if cfg.MaxConns <= 0` (or == 0, < 1) never applies; a check on a config
// the code built itself, on a MaxConns it assigned after parsing, or on a
// value defaulted before it is formatted into the connection string is
// fine. And MaxConnIdleTime = 0 (pool_max_conn_idle_time=0s) does not mean
// never, as database/sql's SetConnMaxIdleTime(0) does: pgxpool's health
// check closes every idle connection above MinConns, so the pool reconnects
// after each quiet period. MaxConnLifetime = 0 does mean never in pgxpool,
// which pings a connection idle for over a second before handing it out, so
// a connection a pooler or the server closed while idle is replaced rather
// than failing a query; it is not reported. Leaving a setting unset
// is fine (pgxpool checks health every minute by default), and values read
// from configuration or the environment are not judged. A pool of exactly
// one connection kept on purpose is fine: one whose handle runs
// pg_advisory_lock or LISTEN, or that is named for it (a locker, listener,
// leader election). SQLite, MySQL and other databases' *sql.DB are not
// PostgreSQL pools (SetMaxOpenConns(1) is how SQLite is written to): the
// driver is read from sql.Open's or sqlx.Connect's driver name and gorm's
// dialector, and where it is a runtime value, from the drivers the program
// imports. Test code and test-support packages are exempt. Values a driver
// rejects outright (pool_max_conns=0, pool_max_conn_lifetime=3600 without a
// unit) are driveropts findings, as is statement_cache_capacity=0.
//
// Bad:
//
//	cfg.MaxConns = 2
//	cfg.HealthCheckPeriod = 0
//
// Good:
//
//	cfg.MaxConns = 10
//	// HealthCheckPeriod unset: pgxpool checks every minute
package poolconfig
