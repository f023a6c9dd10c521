// Command gen writes a synthetic Go service module of a given number of
// packages for the dbaudit benchmarks:
//
//	go run ./bench/gen -n 1000 -o /tmp/bench1000
//
// The module requires the real pgx v5.12.0; its go.sum is seeded from the
// dbaudit module's (-gosum), so nothing new is downloaded.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/dbaudit/dbaudit/bench/internal/synth"
	"github.com/dbaudit/dbaudit/internal/testmodules"
)

func main() {
	n := flag.Int("n", 100, "number of packages (at least 16)")
	out := flag.String("o", "", "directory to write the module into (must not exist or be empty)")
	goSum := flag.String("gosum", "", "go.sum to seed the module's from (default: the fixture modules' sums the tests use)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -n PACKAGES -o DIR [-gosum go.sum]")
		os.Exit(2)
	}
	sum := testmodules.GoSum()
	if *goSum != "" {
		var err error
		if sum, err = os.ReadFile(*goSum); err != nil {
			fmt.Fprintf(os.Stderr, "gen: reading the go.sum to seed from: %v\n", err)
			os.Exit(2)
		}
	}
	st, err := synth.Generate(*out, *n, sum)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	b, _ := json.Marshal(st)
	fmt.Printf("%s\n", b)
}
