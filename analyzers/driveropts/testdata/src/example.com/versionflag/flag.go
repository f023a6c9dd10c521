// Package versionflag has no go.mod: the test sets the driver_versions flag
// (as dbaudit's engine does from go list) to pgx v5.5.5.
package versionflag

import (
	"context"

	"github.com/jackc/pgx/v5"
)

func f(ctx context.Context) {
	pgx.Connect(ctx, "postgres://app@db/orders?max_protocol_version=3.2") // want `max_protocol_version is a pgx v5.9.0\+ key; the module's pgx v5.5.5 sends it to the server`
	pgx.Connect(ctx, "postgres://app@db/orders?default_query_exec_mode=exec")
}
