// Command findingsdiff compares what two builds of dbaudit find: the build at
// a base commit and the working tree's, on the repository's testdata
// modules, a generated bench module and the repository itself. A
// restructuring must leave the findings where they were (rule, file, line,
// column); messages may change (they were split into message and help).
//
//	go run ./tools/findingsdiff -base 697d463
//
// It prints, per target, the findings both builds report, and those only one
// reports, and exits 1 when any target differs in a rule the base has.
package main

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

type finding struct {
	Rule    string `json:"rule"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
	Help    string `json:"help"`
}

func (f finding) key() string { return fmt.Sprintf("%s %s:%d:%d", f.Rule, f.File, f.Line, f.Column) }

type target struct {
	name     string
	dir      string
	patterns []string
}

func main() {
	base := flag.String("base", "", "commit to compare the working tree with")
	work := flag.String("work", "", "scratch directory (default: a temporary one)")
	flag.Parse()
	if *base == "" {
		log.Fatal("-base COMMIT is required")
	}
	root, err := os.Getwd()
	check(err)
	scratch := *work
	if scratch == "" {
		scratch, err = os.MkdirTemp("", "findingsdiff")
		check(err)
		defer os.RemoveAll(scratch)
	}

	baseBin := filepath.Join(scratch, "dbaudit-base")
	tree := filepath.Join(scratch, "base-tree")
	run(root, "git", "worktree", "add", "--detach", tree, *base)
	run(tree, "go", "build", "-o", baseBin, "./cmd/dbaudit")
	run(root, "git", "worktree", "remove", "--force", tree)
	headBin := filepath.Join(scratch, "dbaudit-head")
	run(root, "go", "build", "-o", headBin, "./cmd/dbaudit")

	// Fixture modules are copied out of testdata: the analyzers treat files
	// under a testdata directory as test code.
	app := filepath.Join(scratch, "app")
	copyTree(filepath.Join(root, "integration", "testdata", "app"), app)
	gen := filepath.Join(scratch, "gen100")
	run(root, "go", "run", "./bench/gen", "-n", "100", "-o", gen)
	targets := []target{
		{"integration/testdata/app", app, []string{"./..."}},
		{"bench/gen -n 100", gen, []string{"./..."}},
		{"scanner", root, []string{"./scanner/..."}},
		{"repository", root, []string{"github.com/dbaudit/dbaudit/..."}}, // every module of go.work
	}
	differs := false
	for _, t := range targets {
		before := findings(baseBin, t)
		after := findings(headBin, t)
		differs = compare(t.name, before, after) || differs
	}
	if differs {
		os.Exit(1)
	}
}

// findings runs one build's check on a target with the built-in defaults
// where the target has no config, so both builds judge the same way.
func findings(bin string, t target) []finding {
	args := append([]string{"check", "--format", "json"}, t.patterns...)
	cmd := exec.Command(bin, args...)
	cmd.Dir = t.dir
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok || len(out) == 0 {
			log.Fatalf("%s %s in %s: %v", bin, strings.Join(args, " "), t.dir, err)
		}
	}
	var rep struct{ Findings []finding }
	check(json.Unmarshal(out, &rep))
	return rep.Findings
}

// compare prints what differs and reports whether a rule the base knows
// found something else (new rules' findings are listed, not counted).
func compare(name string, before, after []finding) bool {
	baseRules := map[string]bool{}
	beforeKeys := map[string]finding{}
	for _, f := range before {
		baseRules[f.Rule] = true
		beforeKeys[f.key()] = f
	}
	afterKeys := map[string]finding{}
	for _, f := range after {
		afterKeys[f.key()] = f
	}
	var gone, added, newRules []string
	for k := range beforeKeys {
		if _, ok := afterKeys[k]; !ok {
			gone = append(gone, k)
		}
	}
	for k, f := range afterKeys {
		if _, ok := beforeKeys[k]; ok {
			continue
		}
		if baseRules[f.Rule] {
			added = append(added, k+": "+f.Message)
		} else {
			newRules = append(newRules, k+": "+f.Message)
		}
	}
	same := len(beforeKeys) - len(gone)
	fmt.Printf("%s: %d findings before, %d after, %d at the same place\n", name, len(beforeKeys), len(afterKeys), same)
	for _, list := range []struct {
		title string
		keys  []string
	}{{"only before", gone}, {"only after (a rule the base has)", added}, {"only after (rules or checks the base lacks)", newRules}} {
		slices.SortFunc(list.keys, cmp.Compare)
		for _, k := range list.keys {
			fmt.Printf("  %s: %s\n", list.title, k)
		}
	}
	return len(gone)+len(added) > 0
}

func run(dir, name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
}

func copyTree(src, dst string) {
	check(filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	}))
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
