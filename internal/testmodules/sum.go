package testmodules

import (
	_ "embed"
	"slices"
)

// fixturesSum holds go.sum lines for the modules the fixture modules
// require (pgx, lib/pq, goose, golang-migrate and their dependencies, at
// the versions FixtureRequirements and the tests name), so that fixture
// modules load offline and are checked against fixed sums. The root
// module's own go.sum no longer holds them: it requires none of these.
//
//go:embed fixtures.sum
var fixturesSum []byte

// GoSum returns go.sum content for a fixture module that requires any of
// the drivers and tools the tests use.
func GoSum() []byte { return slices.Clone(fixturesSum) }
