// Package pgx is a stub of golang-migrate's pgx/v5 database driver.
package pgx

import "database/sql"

type Config struct{}

type Driver interface{}

func WithInstance(instance *sql.DB, config *Config) (Driver, error) { return nil, nil }
