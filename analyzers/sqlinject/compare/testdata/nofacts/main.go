// Command nofacts runs sqlinject on each package alone, without facts, as
// dbaudit's engine does (the compare test builds it).
package main

import (
	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/dbaudit/dbaudit/analyzers/sqlinject"
)

func main() {
	a := *sqlinject.Analyzer
	a.FactTypes = nil
	singlechecker.Main(&a)
}
