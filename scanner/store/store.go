// Package store is the scanner's only way to PostgreSQL. It builds the one
// pgx pool of the process from configuration (Open), runs the embedded
// migrations, and offers the queries the API and the job workers need. Every
// other package receives a *Store; none holds a pool, a transaction or a
// connection of its own.
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/dbaudit/dbaudit/dbmodel/redact"
	"github.com/dbaudit/dbaudit/scanner/config"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store holds the connection pool. It is safe for concurrent use.
type Store struct {
	pool   *pgxpool.Pool
	pooler bool
	target Target
	log    *slog.Logger
}

// Target names the database a Store talks to without any credential, for
// logs and errors.
type Target struct {
	Host     string
	Port     uint16
	Database string
	User     string
}

func (t Target) String() string {
	return fmt.Sprintf("database %q on %s as %q", t.Database, net.JoinHostPort(t.Host, strconv.Itoa(int(t.Port))), t.User)
}

// ErrBadURL is returned for a database URL pgx cannot parse. Its text never
// repeats the URL, which may hold a password.
var ErrBadURL = errors.New("DATABASE_URL cannot be parsed as a PostgreSQL connection string (URL or key=value form; see the pgx documentation)")

// CheckURL returns ErrBadURL when url is set but pgx cannot parse it, so a
// command can refuse it as a configuration error before it starts.
func CheckURL(url string) error {
	if url == "" {
		return nil // reported as not set by config.Validate
	}
	if _, err := pgxpool.ParseConfig(url); err != nil {
		return ErrBadURL
	}
	return nil
}

// Open builds the pool from cfg. It does not wait for the database: call
// WaitReady for that. The pool switches to the pooler-safe exec mode when
// cfg.Pooler says so or, in auto mode, when the URL points at a
// transaction-mode pooler.
func Open(ctx context.Context, cfg config.DB, log *slog.Logger) (*Store, error) {
	poolConfig, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		return nil, ErrBadURL
	}
	if hostsWithAt(poolConfig.ConnConfig) {
		// The password holds an unescaped '@' and pgx took its tail for
		// the host: logging the host would log part of the password.
		return nil, fmt.Errorf("DATABASE_URL: %w", redact.ErrHostHasAt)
	}
	poolConfig.MaxConns = cfg.EffectiveMaxConns()
	if cfg.MaxConns < config.MinMaxConns {
		log.Warn("pool size raised to the minimum", "configured", cfg.MaxConns, "used", poolConfig.MaxConns)
	}
	// Explicit health settings: dead connections are found within a minute,
	// and connections are recycled so server-side memory does not grow.
	poolConfig.HealthCheckPeriod = time.Minute
	poolConfig.MaxConnLifetime = 30 * time.Minute
	poolConfig.MaxConnLifetimeJitter = time.Minute
	poolConfig.MaxConnIdleTime = 5 * time.Minute
	if _, ok := poolConfig.ConnConfig.RuntimeParams["application_name"]; !ok {
		poolConfig.ConnConfig.RuntimeParams["application_name"] = "sitemap-scanner"
	}

	pooler := cfg.Pooler == config.PoolerOn ||
		(cfg.Pooler == config.PoolerAuto && IsPooler(poolConfig.ConnConfig.Host, poolConfig.ConnConfig.Port))
	if pooler {
		// A transaction pooler hands each transaction to any server
		// connection, so the default statement cache fails with
		// `prepared statement "stmtcache_…" already exists` (42P05).
		// cache_describe prepares unnamed statements only; describe_exec is
		// not safe either (measured: "bind message has 2 result formats").
		poolConfig.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
	}

	pool, err := pgxpool.NewWithConfig(ctx, poolConfig)
	if err != nil {
		return nil, fmt.Errorf("building the database pool: %w", err)
	}
	s := &Store{
		pool:   pool,
		pooler: pooler,
		target: Target{
			Host:     poolConfig.ConnConfig.Host,
			Port:     poolConfig.ConnConfig.Port,
			Database: poolConfig.ConnConfig.Database,
			User:     poolConfig.ConnConfig.User,
		},
		log: log,
	}
	log.Info("database pool configured", "host", s.target.Host, "port", s.target.Port,
		"database", s.target.Database, "max_conns", poolConfig.MaxConns, "pooler_mode", pooler)
	return s, nil
}

// hostsWithAt reports whether a host pgx read from the URL contains '@'.
func hostsWithAt(cc *pgx.ConnConfig) bool {
	if redact.HostHasAt(cc.Host) {
		return true
	}
	for _, fb := range cc.Fallbacks {
		if redact.HostHasAt(fb.Host) {
			return true
		}
	}
	return false
}

// IsPooler reports whether host:port looks like a transaction-mode pooler:
// port 6543 (Supabase's Supavisor), a *.pooler.supabase.com host, or a host
// containing "pgbouncer".
func IsPooler(host string, port uint16) bool {
	host = strings.ToLower(host)
	return port == 6543 ||
		strings.HasSuffix(host, ".pooler.supabase.com") ||
		strings.Contains(host, "pgbouncer")
}

// Target returns the database the store talks to, without credentials.
func (s *Store) Target() Target { return s.target }

// PoolerMode reports whether the pooler-safe settings are on.
func (s *Store) PoolerMode() bool { return s.pooler }

// QueryExecMode is the pool's default query exec mode.
func (s *Store) QueryExecMode() pgx.QueryExecMode {
	return s.pool.Config().ConnConfig.DefaultQueryExecMode
}

// MaxConns is the pool's size.
func (s *Store) MaxConns() int32 { return s.pool.Config().MaxConns }

// Stat returns the pool's statistics.
func (s *Store) Stat() *pgxpool.Stat { return s.pool.Stat() }

// Close closes the pool, waiting for acquired connections to come back.
func (s *Store) Close() { s.pool.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.pool.Ping(ctx)
}

// ErrSchemaNotReady is returned by Ready when the database answers but its
// schema is missing or older than this binary's migrations.
var ErrSchemaNotReady = errors.New("the database schema is not migrated")

// Ready reports whether the store can serve: the database answers, its
// schema is at least at the latest embedded migration, and the tables the
// queries use exist. A ping alone passed while every query failed on a
// database recreated empty. A schema newer than the binary is accepted, as
// during a rolling deploy.
func (s *Store) Ready(ctx context.Context) error {
	if err := s.Ping(ctx); err != nil {
		return err
	}
	want, err := latestMigration()
	if err != nil {
		return err
	}
	var have *int64
	err = s.pool.QueryRow(ctx, `SELECT max(version_id) FROM goose_db_version WHERE is_applied`).Scan(&have)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P01" { // undefined_table
		return fmt.Errorf("%w: no migration has been applied", ErrSchemaNotReady)
	}
	if err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	if have == nil || *have < want {
		v := int64(0)
		if have != nil {
			v = *have
		}
		return fmt.Errorf("%w: at version %d, this binary needs %d (run scanner migrate)", ErrSchemaNotReady, v, want)
	}
	// Planned, never executed: fails only when a table is missing.
	_, err = s.pool.Exec(ctx, `SELECT 1 FROM batches, domains, jobs, sitemap_files, sitemap_urls LIMIT 0`)
	if errors.As(err, &pgErr) && pgErr.Code == "42P01" {
		return fmt.Errorf("%w: %s", ErrSchemaNotReady, pgErr.Message)
	}
	if err != nil {
		return fmt.Errorf("checking the tables: %w", err)
	}
	return nil
}

// latestMigration is the version of the newest embedded migration.
func latestMigration() (int64, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return 0, err
	}
	latest := int64(0)
	for _, e := range entries {
		prefix, _, ok := strings.Cut(e.Name(), "_")
		if v, err := strconv.ParseInt(prefix, 10, 64); ok && err == nil {
			latest = max(latest, v)
		}
	}
	if latest == 0 {
		return 0, errors.New("no embedded migrations")
	}
	return latest, nil
}

// WaitReady pings the database until it answers or timeout passes, so a
// service started together with its database does not crash-loop.
func (s *Store) WaitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	delay := 200 * time.Millisecond
	for {
		err := s.Ping(ctx)
		if err == nil {
			return nil
		}
		s.log.Warn("database not ready", "host", s.target.Host, "port", s.target.Port,
			"database", s.target.Database, "error", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("database %s not ready after %s: %w", net.JoinHostPort(s.target.Host, strconv.Itoa(int(s.target.Port))), timeout, err)
		case <-time.After(delay):
		}
		delay = min(2*delay, 3*time.Second)
	}
}

// MigrationResult is one migration applied or checked.
type MigrationResult struct {
	Version  int64
	Source   string
	Applied  bool
	Duration time.Duration
}

// Migrate applies the pending embedded migrations with goose. goose gets a
// *sql.DB view of the same pool, so there is still only one pool. Concurrent
// starts are serialised by a PostgreSQL advisory lock, except through a
// transaction pooler, where session locks do not hold.
func (s *Store) Migrate(ctx context.Context) ([]MigrationResult, error) {
	provider, closeDB, err := s.migrationProvider(ctx)
	if err != nil {
		return nil, err
	}
	defer closeDB()
	results, err := provider.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrating: %w", err)
	}
	out := make([]MigrationResult, 0, len(results))
	for _, r := range results {
		out = append(out, MigrationResult{Version: r.Source.Version, Source: r.Source.Path, Applied: true, Duration: r.Duration})
	}
	return out, nil
}

// MigrationStatus lists every embedded migration and whether it is applied.
func (s *Store) MigrationStatus(ctx context.Context) ([]MigrationResult, error) {
	provider, closeDB, err := s.migrationProvider(ctx)
	if err != nil {
		return nil, err
	}
	defer closeDB()
	statuses, err := provider.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading migration status: %w", err)
	}
	out := make([]MigrationResult, 0, len(statuses))
	for _, st := range statuses {
		out = append(out, MigrationResult{Version: st.Source.Version, Source: st.Source.Path, Applied: st.State == goose.StateApplied})
	}
	return out, nil
}

func (s *Store) migrationProvider(ctx context.Context) (*goose.Provider, func(), error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, nil, err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if !s.pooler {
		// The lock is per schema, not goose's one id per database, so
		// services (or tests) migrating different schemas do not wait on
		// each other; it is polled every second for up to five minutes.
		var schema string
		if err := s.pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
			return nil, nil, fmt.Errorf("reading the current schema: %w", err)
		}
		h := fnv.New64a()
		h.Write([]byte("dbaudit-scanner-migrations/" + schema))
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64())), lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	db := stdlib.OpenDBFromPool(s.pool)
	provider, err := goose.NewProvider(goose.DialectPostgres, db, sub, opts...)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("loading migrations: %w", err)
	}
	return provider, func() { db.Close() }, nil
}
