// Package config holds connection strings written into code, flagged cases
// beside silent look-alikes.
//
// Connection strings in comments are documentation:
// postgres://orders:s3cr3t@db.internal:5432/orders
package config

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

const ordersDSN = "postgres://orders:s3cr3t@db.internal:5432/orders?sslmode=require" // want `a database password is written into the code \(connection string for user orders, host db.internal:5432, database orders\)`

const (
	reportsBase = "postgres://reports@db.internal:5432" // want `a connection string is written into the code \(user reports, host db.internal:5432\)`
	reportsDSN  = reportsBase + "/reports"              // built on reportsBase: judged there
)

var (
	dbURL    = flag.String("db", "", "database URL, e.g. postgres://USER:PASSWORD@HOST:5432/DB")
	example  = flag.String("example", "postgres://user:password@host:5432/dbname", "the shape of -db")
	apiURL   = "https://api.example.com/v1?user=a&password=b"
	cacheURL = "redis://localhost:6379/0"
)

func open(ctx context.Context, host, user, password, name string) {
	pgxpool.New(ctx, "postgres://app@db.internal:5432/app?sslmode=require") // want `a connection string is written into the code \(user app, host db.internal:5432, database app\)`
	pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	pgxpool.New(ctx, fmt.Sprintf("postgres://%s:%s@%s:5432/%s?sslmode=require", user, password, host, name))
	pgxpool.New(ctx, fmt.Sprintf("postgres://app:hunter2@%s/orders", host))                          // want `a database password is written into the code`
	pgxpool.New(ctx, "postgres://app:Tr0ub4dor@"+host+"/orders")                                     // want `a database password is written into the code \(connection string for user app\)`
	pgxpool.New(ctx, "host=localhost port=5432 user=app password=s3cret dbname=app sslmode=disable") // want `a database password is written into the code`
	pgxpool.New(ctx, "host=localhost dbname=app")                                                    // want `a connection string is written into the code \(host localhost, database app\)`
	pgxpool.New(ctx, "host=%s port=%d user=%s password=%s dbname=%s")
	pgxpool.New(ctx, "postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}/app")
	pgxpool.New(ctx, "postgresql+asyncpg://app:hunter2@db/orders") // want `a database password is written into the code`
	_ = "sslmode=disable application_name=api"                     // settings, not a connection string
}

func credentials(cfg *pgxpool.Config, user, password string) {
	_ = url.UserPassword("app", "s3cret") // want `a database password is written into the code \(passed to url.UserPassword\)`
	_ = url.UserPassword(user, password)
	_ = url.UserPassword("app", "<password>")
	cfg.ConnConfig.Password = "s3cret" // want `\(assigned to cfg.ConnConfig.Password\)`
	cfg.ConnConfig.Password = os.Getenv("PGPASSWORD")
	_ = pgconn.Config{Host: "db", Password: "hunter2"} // want `\(in the Password field of Config\)`
}

func suppressed() string {
	//dbaudit:ignore rawdsn -- the local docker-compose database, never deployed
	return "postgres://postgres:postgres@localhost:5432/postgres"
}

type DBConfig struct {
	Host     string
	User     string
	Password string
}

type LoginForm struct {
	User     string
	Password string
}

func appConfigs() []any {
	return []any{
		DBConfig{Host: "db", User: "app", Password: "app"}, // want `a database password is written into the code \(in the Password field of DBConfig\)`
		DBConfig{Host: "db", User: "app", Password: os.Getenv("DB_PASSWORD")},
		&DBConfig{Password: "CHANGE_ME"},
		LoginForm{User: "demo", Password: "demo"}, // not a connection config
	}
}
