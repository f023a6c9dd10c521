// Package pooled connects through transaction-mode poolers; flagged cases
// stand beside safe look-alikes.
package pooled

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

func supabase(ctx context.Context) {
	pgxpool.New(ctx, "postgres://postgres.abcdefghij:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres") // want `cache_statement exec mode through a transaction-mode pooler: prepared statements break`
	pgxpool.New(ctx, "postgres://postgres.abcdefghij:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?default_query_exec_mode=cache_describe")
	pgxpool.New(ctx, "postgres://postgres.abcdefghij:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?default_query_exec_mode=exec")
	pgxpool.New(ctx, "postgres://postgres.abcdefghij:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?default_query_exec_mode=simple_protocol")
	pgxpool.New(ctx, "postgres://postgres.abcdefghij:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?sslmode=require&default_query_exec_mode=describe_exec") // want `describe_exec exec mode through a transaction-mode pooler: describe and execute`
	// Session mode on port 5432 keeps one server connection per client.
	pgxpool.New(ctx, "postgres://postgres.abcdefghij:pw@aws-0-eu-central-1.pooler.supabase.com:5432/postgres")
	pgxpool.New(ctx, "postgres://app@db.internal:5432/app")
}

func pgbouncer(ctx context.Context) {
	pgx.Connect(ctx, "host=pgbouncer.internal port=6432 dbname=app user=app") // want `cache_statement exec mode through a transaction-mode pooler`
	pgx.Connect(ctx, "host=pgbouncer.internal port=6432 dbname=app user=app default_query_exec_mode=exec")
	sql.Open("pgx", "postgres://app@pgbouncer:6432/app?sslmode=disable") // want `cache_statement exec mode through a transaction-mode pooler`
}

func libpq() {
	sql.Open("postgres", "postgres://app@db.example.com:6543/app?sslmode=require") // want `lib/pq without binary_parameters through a transaction-mode pooler: a query with arguments may split`
	sql.Open("postgres", "postgres://app@db.example.com:6543/app?sslmode=require&binary_parameters=yes")
	sql.Open("postgres", "postgres://app@db.example.com:5432/app?sslmode=require")
}

func templates(ctx context.Context, user, password, host string) {
	pgxpool.New(ctx, fmt.Sprintf("postgres://%s:%s@%s:6543/postgres", user, password, host)) // want `cache_statement exec mode through a transaction-mode pooler`
	pgxpool.New(ctx, fmt.Sprintf("postgres://%s:%s@%s:6543/postgres?default_query_exec_mode=exec", user, password, host))
	pgxpool.New(ctx, fmt.Sprintf("postgres://%s:%s@%s/postgres", user, password, host)) // the host decides, and it is not known here
}

func gormSinks() {
	gorm.Open(postgres.Open("host=aws-0-us-east-1.pooler.supabase.com port=6543 user=postgres.ref dbname=postgres")) // want `cache_statement exec mode through a transaction-mode pooler`
	gorm.Open(postgres.New(postgres.Config{DSN: "host=aws-0-us-east-1.pooler.supabase.com port=6543 user=postgres.ref dbname=postgres", PreferSimpleProtocol: true}))
}
