// Package dbtestutil is test support: its connection strings are test code.
package dbtestutil

const DSN = "postgres://postgres:postgres@localhost:5432/test?sslmode=disable"
