// Package storage starts PostgreSQL in a container for tests: it imports
// testcontainers-go, so it is test support whatever its name.
package storage

import (
	"fmt"

	testcontainers "github.com/testcontainers/testcontainers-go"
)

type Fixture struct{ C testcontainers.Container }

func (f *Fixture) DSN(port int) string {
	return fmt.Sprintf("postgres://postgres:secret@localhost:%d/defaultdb?sslmode=disable", port) // silent: test support
}
