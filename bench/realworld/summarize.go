//go:build ignore

// summarize prints "total: rule=n rule=n ..." for each dbaudit JSON report
// named on the command line (used by run.sh; only the standard library, so
// that the benchmark needs nothing but Go).
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

type report struct {
	Findings []struct {
		Rule string `json:"rule"`
	} `json:"findings"`
}

func main() {
	status := 0
	for _, path := range os.Args[1:] {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			status = 1
			continue
		}
		var r report
		if err := json.Unmarshal(data, &r); err != nil {
			fmt.Printf("%s: not a dbaudit JSON report (%v)\n", path, err)
			status = 1
			continue
		}
		byRule := map[string]int{}
		for _, f := range r.Findings {
			byRule[f.Rule]++
		}
		rules := make([]string, 0, len(byRule))
		for rule := range byRule {
			rules = append(rules, rule)
		}
		sort.Strings(rules)
		parts := []string{fmt.Sprintf("total=%d", len(r.Findings))}
		for _, rule := range rules {
			parts = append(parts, fmt.Sprintf("%s=%d", rule, byRule[rule]))
		}
		fmt.Println(strings.Join(parts, " "))
	}
	os.Exit(status)
}
