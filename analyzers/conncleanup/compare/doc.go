// Package compare runs conncleanup, sqlclosecheck and rowserrcheck over the
// conncleanup fixtures, built as a module against the real pgx, sqlx and
// gorm, and tabulates what each reports per fixture case. It needs the Go
// module proxy, so it sits behind the compare build tag and never runs by
// default:
//
//	go test -tags compare ./analyzers/conncleanup/compare -update
//
// writes ../COMPARISON.md; without -update the table goes to the test log.
// The tools are installed into a temporary GOBIN (COMPARE_TOOLS names a
// directory to reuse); nothing is added to dbaudit's go.mod.
package compare
