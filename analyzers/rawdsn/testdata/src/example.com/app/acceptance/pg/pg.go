// Package pg lies under acceptance/: test support.
package pg

const DSN = "postgres://postgres:postgres@localhost:5432/acceptance?sslmode=disable"
