// Package api is not approved: with approved_packages set, every pool it
// builds is reported.
package api

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jmoiron/sqlx"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

func openHelper(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	return pgxpool.New(ctx, dsn) // want `pgxpool.New in package example.com/policy/api, which is not approved to build pools`
}

func nested() *sqlx.DB {
	// One construction, not two: NewDb only wraps the *sql.DB.
	return sqlx.NewDb(sql.OpenDB(nil), "pgx") // want `sql.OpenDB in package example.com/policy/api`
}

func gormOpen(dsn string) {
	db, _ := gorm.Open(postgres.Open(dsn)) // want `gorm.Open in package example.com/policy/api`
	_ = db
}

func suppressed(ctx context.Context, dsn string) {
	//dbaudit:ignore poolconstruct -- admin endpoint that talks to a different cluster, pool closed on return
	pool, _ := pgxpool.New(ctx, dsn)
	defer pool.Close()
}

func noReason(ctx context.Context, dsn string) {
	//dbaudit:ignore poolconstruct
	pool, _ := pgxpool.New(ctx, dsn) // want `pgxpool.New in package example.com/policy/api`
	defer pool.Close()
}
