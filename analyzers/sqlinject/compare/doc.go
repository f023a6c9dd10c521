// Package compare runs sqlinject and gosec's SQL rules (G201 string
// formatting, G202 string concatenation) over the sqlinject fixtures, built
// as a module against the real pgx, sqlx, gorm, lib/pq, gin, echo, chi and
// gorilla/mux, and tabulates what each reports per fixture case. It needs
// the Go module proxy, so it sits behind the compare build tag and never
// runs by default:
//
//	go test -tags compare ./analyzers/sqlinject/compare -update
//
// writes ../COMPARISON.md; without -update the table goes to the test log.
// gosec is installed into a temporary GOBIN (COMPARE_TOOLS names a
// directory to reuse); nothing is added to dbaudit's go.mod. sqlinject runs
// twice, from the two small commands under testdata: under go vet
// -vettool, which carries its facts between packages, and on each package
// alone without facts, as dbaudit's engine runs it.
package compare
