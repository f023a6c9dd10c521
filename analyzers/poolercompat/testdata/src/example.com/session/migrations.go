package session

import (
	"context"
	"database/sql"
	"embed"

	"ariga.io/atlas-go-sdk/atlasexec"
	"github.com/golang-migrate/migrate/v4"
	migratepgx "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

var migrations embed.FS

func golangMigrate() {
	migrate.New("file://migrations", "postgres://app@pgbouncer.internal:6432/app") // want `golang-migrate takes a session advisory lock; through a transaction-mode pooler the unlock misses`
	migrate.New("file://migrations", "postgres://app@db.internal:5432/app")

	db, _ := sql.Open("pgx", "postgres://app@pgbouncer.internal:6432/app?default_query_exec_mode=exec")
	migratepgx.WithInstance(db, &migratepgx.Config{}) // want `golang-migrate takes a session advisory lock`
	direct, _ := sql.Open("pgx", "postgres://app@db.internal:5432/app")
	migratepgx.WithInstance(direct, &migratepgx.Config{})
}

func gooseProvider(ctx context.Context) {
	db, _ := sql.Open("pgx", "postgres://app@pgbouncer.internal:6432/app?default_query_exec_mode=exec")
	locker, _ := lock.NewPostgresSessionLocker()
	goose.NewProvider(goose.DialectPostgres, db, migrations, goose.WithSessionLocker(locker)) // want `goose takes a session advisory lock`
	goose.NewProvider(goose.DialectPostgres, db, migrations, goose.WithVerbose(true))         // no session lock
	goose.Up(db, "migrations")                                                                // no lock
}

func atlas(ctx context.Context, client *atlasexec.Client) {
	client.MigrateApply(ctx, &atlasexec.MigrateApplyParams{URL: "postgres://app@aws-0-eu-central-1.pooler.supabase.com:6543/postgres", DirURL: "file://m"}) // want `atlas takes a session advisory lock`
	client.MigrateApply(ctx, &atlasexec.MigrateApplyParams{URL: "postgres://app@aws-0-eu-central-1.pooler.supabase.com:5432/postgres", DirURL: "file://m"})
}
