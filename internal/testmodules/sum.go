package testmodules

import (
	_ "embed"
	"slices"
)

// fixturesSum holds the go.sum lines of the modules the fixture modules
// require (pgx, lib/pq, goose, golang-migrate and their dependencies): the
// sums the repository's single module used to carry before the plugin's
// module was made light, kept here so that fixture modules are checked
// against fixed sums rather than the checksum database.
//
//go:embed fixtures.sum
var fixturesSum []byte

// GoSum returns go.sum content for a fixture module that requires any of
// the drivers and tools the tests use.
func GoSum() []byte { return slices.Clone(fixturesSum) }
