package poolercompat_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/golang-migrate/migrate/v4"
	migratepgx "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/dbaudit/dbaudit/analyzers/poolercompat"
	"github.com/dbaudit/dbaudit/internal/pgtest"
	"github.com/dbaudit/dbaudit/internal/pgtest/pgbouncertest"
)

// The migration tools the rule flags, run for real through the pooler: the
// session advisory lock of one run outlives it on a server connection.

// freshDatabase creates a database of the test's own (dropped at cleanup,
// before the pooler stops) and returns its name and a DSN to it through b.
func freshDatabase(t *testing.T, b *pgbouncertest.Bouncer) (name, dsn string) {
	t.Helper()
	name, _ = pgtest.Database(t, "dbaudit_pgb")
	dsn = pgtest.WithDatabase(t, b.DSN, name)
	return name, pgtest.WithParam(t, dsn, "default_query_exec_mode", "cache_describe") // pooler-safe prepared statements
}

// advisoryHolders returns the server processes holding an advisory lock in
// database db, asked of the server directly.
func advisoryHolders(t *testing.T, ctx context.Context, db string) []uint32 {
	t.Helper()
	c := pgtest.Connect(t, pgtest.DSN(t))
	rows, _ := c.Query(ctx, `select pid from pg_locks where locktype = 'advisory' and granted
		and database = (select oid from pg_database where datname = $1) order by pid`, db)
	pids, err := pgx.CollectRows(rows, pgx.RowTo[uint32])
	if err != nil {
		t.Fatal(err)
	}
	return pids
}

// TestPoolerGolangMigrate: golang-migrate's pgx/v5 driver locks with
// pg_advisory_lock and unlocks in a later statement; through the pooler the
// unlock runs on another server connection, the lock stays, and the next
// run fails with ErrLockTimeout.
func TestPoolerGolangMigrate(t *testing.T) {
	t.Parallel()
	b := pgbouncertest.Start(t, pgbouncertest.Options{PoolSize: 2})
	name, dsn := freshDatabase(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	open := func() *migratepgx.Postgres {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		d, err := migratepgx.WithInstance(db, &migratepgx.Config{})
		if err != nil {
			t.Fatalf("golang-migrate through the pooler: %v", err)
		}
		return d.(*migratepgx.Postgres)
	}
	first, second := open(), open()

	if err := first.Lock(); err != nil {
		t.Fatal(err)
	}
	holders := advisoryHolders(t, ctx, name)
	if len(holders) != 1 {
		t.Fatalf("advisory lock holders after Lock: %v", holders)
	}
	holder := holdServer(t, ctx, dsn, holders[0])
	defer holder.Rollback(ctx)
	if err := first.Unlock(); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	if got := advisoryHolders(t, ctx, name); len(got) != 1 || got[0] != holders[0] {
		t.Errorf("after Unlock through the pooler the advisory lock holders are %v, want still %v", got, holders)
	}

	src, err := iofs.New(fstest.MapFS{"m/1_init.up.sql": {Data: []byte("create table t1 (id int);")}}, "m")
	if err != nil {
		t.Fatal(err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "pgx5", second)
	if err != nil {
		t.Fatal(err)
	}
	m.LockTimeout = time.Second
	err = m.Up()
	t.Logf("%s: golang-migrate Up after an Unlock on another server connection: %v", b.Version, err)
	if !errors.Is(err, migrate.ErrLockTimeout) {
		t.Errorf("the next golang-migrate run: %v, want %v", err, migrate.ErrLockTimeout)
	}
	if help := poolercompat.MigrationHelp("golang-migrate"); !strings.Contains(help, "`"+migrate.ErrLockTimeout.Error()+"`") {
		t.Errorf("the golang-migrate help does not quote %q: %s", migrate.ErrLockTimeout, help)
	}
}

// TestPoolerGooseSessionLocker: goose's session locker takes
// pg_try_advisory_lock before the migrations and unlocks after; when the
// server connection that took it is busy elsewhere, every unlock attempt
// answers false and Up fails.
func TestPoolerGooseSessionLocker(t *testing.T) {
	t.Parallel()
	b := pgbouncertest.Start(t, pgbouncertest.Options{PoolSize: 2})
	name, dsn := freshDatabase(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	locker, err := lock.NewPostgresSessionLocker(lock.WithUnlockTimeout(1, 2))
	if err != nil {
		t.Fatal(err)
	}
	var holder pgx.Tx
	// The migration runs between goose's lock and unlock: another client
	// then takes the server connection that holds the lock, as a busy
	// service would.
	step := goose.NewGoMigration(1, &goose.GoFunc{Mode: goose.TransactionDisabled, RunDB: func(ctx context.Context, _ *sql.DB) error {
		holders := advisoryHolders(t, ctx, name)
		if len(holders) != 1 {
			return errors.New("no advisory lock held during the migration")
		}
		holder = holdServer(t, ctx, dsn, holders[0])
		return nil
	}}, nil)
	p, err := goose.NewProvider(goose.DialectPostgres, db, nil, goose.WithSessionLocker(locker),
		goose.WithGoMigrations(step), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Up(ctx)
	if holder != nil {
		defer holder.Rollback(ctx)
	}
	t.Logf("%s: goose Up with a session locker: %v", b.Version, err)
	if err == nil || !strings.Contains(err.Error(), "failed to unlock session") {
		t.Errorf("goose Up through the pooler: %v, want failed to unlock session", err)
	}
	if help := poolercompat.MigrationHelp("goose"); !strings.Contains(help, "`failed to unlock session`") {
		t.Errorf("the goose help does not quote the error: %s", help)
	}
}
