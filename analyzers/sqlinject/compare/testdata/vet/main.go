// Command vet runs sqlinject under go vet -vettool, which carries its facts
// between packages (the compare test builds it).
package main

import (
	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/dbaudit/dbaudit/analyzers/sqlinject"
)

func main() { unitchecker.Main(sqlinject.Analyzer) }
