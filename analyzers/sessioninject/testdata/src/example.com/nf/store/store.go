// Package store, judged by a driver without facts (dbaudit's engine).
package store

import "github.com/jackc/pgx/v5/pgxpool"

var pool *pgxpool.Pool

// Pool is named and shaped like a singleton accessor.
func Pool() *pgxpool.Pool { return pool }

// Current is an accessor too, but without facts only its body says so.
func Current() *pgxpool.Pool { return pool }
