// Package fixes holds the mechanical fixes driveropts suggests.
package fixes

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

func fixes(ctx context.Context) {
	pgx.Connect(ctx, "postgres://app@db/orders?sslmode=required")                      // want `sslmode=required is not a value pgx accepts.*failed to configure TLS \(sslmode is invalid\).*write sslmode=require`
	pgx.Connect(ctx, "postgresql+asyncpg://app@db/orders")                             // want `postgresql\+asyncpg:// is not a scheme the Go drivers recognise.*failed to parse as keyword/value \(invalid keyword/value\)`
	pgxpool.New(ctx, "postgres://app@db/orders?sslmode=disable&command_timeout=30")    // want `command_timeout is an asyncpg option`
	pgxpool.New(ctx, `host=db dbname=orders command_timeout=30 sslmode=disable`)       // want `command_timeout is an asyncpg option`
	pgx.Connect(ctx, "postgres://app@db/orders?ssl=require")                           // want `ssl is an asyncpg/SQLAlchemy/JDBC/node-postgres option`
	pgx.Connect(ctx, "postgres://app@db/orders?sslMode=verify-full")                   // want `sslMode is not sslmode`
	pgx.Connect(ctx, "postgres://app@db/orders?statement_cache_capacity=0")            // want `statement_cache_capacity=0 turns pgx's cache off`
	sql.Open("postgres", "host=db dbname=orders sslmode=DISABLE")                      // want `pq: wrong value for "sslmode": "DISABLE" is not supported; supported values are disable, allow, prefer, require, verify-full, or verify-ca`
	sql.Open("postgres", "host=db dbname=orders sslmode=disable tz=Europe/Berlin")     // want `tz does nothing here`
	pgx.Connect(ctx, "postgres://app@db/orders?currentSchema=billing&sslmode=disable") // want `currentSchema is a JDBC option`
}
