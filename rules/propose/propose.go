// Package propose suggests configuration from what a module does today, for
// `dbaudit init`: the packages that build pools now become the starting
// approved_packages, so that "not approved" findings (which need that
// policy) report only new places that build pools.
package propose

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/rules"
)

// ApprovedPackages loads the packages under dir (./...) and returns those
// that build a pool or connection outside test code and test-support
// packages, as patterns relative to dir ("./internal/db"), sorted.
func ApprovedPackages(dir string) ([]string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	res, err := engine.Run(engine.Options{Dir: abs, Patterns: []string{"./..."}, Config: rules.Default(abs), NoTests: true,
		NoRules: true, ExtraFor: func(index *analysis.Analyzer) []*analysis.Analyzer { return []*analysis.Analyzer{builders(index)} }})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, r := range res.Products[buildersName] {
		b, ok := r.(*Builder)
		if !ok || b == nil {
			continue
		}
		pattern := b.PkgPath
		if b.Dir != "" {
			if rel, err := filepath.Rel(abs, b.Dir); err == nil && !strings.HasPrefix(rel, "..") {
				pattern = "./" + filepath.ToSlash(rel)
				if rel == "." {
					pattern = "."
				}
			}
		}
		seen[pattern] = true
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

const buildersName = "propose"

// Builder is a package that builds a pool or connection outside test code:
// the product of the builders analyzer (plain data, for the engine's cache).
type Builder struct {
	PkgPath string
	Dir     string // the directory of its files
}

// builders returns the analyzer whose result is a *Builder for a package
// that builds a pool or connection outside test code and test support, and
// nil for any other.
func builders(index *analysis.Analyzer) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:             buildersName,
		Doc:              "reports whether a package builds a pool or connection outside test code",
		Requires:         []*analysis.Analyzer{index},
		ResultType:       reflect.TypeFor[*Builder](),
		RunDespiteErrors: true,
		Run: func(pass *analysis.Pass) (any, error) {
			idx := pass.ResultOf[index].(*dbindex.Index)
			if idx.TestSupport() != "" {
				return (*Builder)(nil), nil
			}
			for _, c := range idx.Calls {
				if c.API.Kind != dbapi.Kind("construct") || c.Test {
					continue
				}
				b := &Builder{PkgPath: pass.Pkg.Path()}
				if len(pass.Files) > 0 {
					b.Dir = filepath.Dir(pass.Fset.File(pass.Files[0].Pos()).Name())
				}
				return b, nil
			}
			return (*Builder)(nil), nil
		},
	}
}

// Starter is the starter configuration with approved_packages set to pkgs;
// with none it is rules.Starter() unchanged.
func Starter(pkgs []string) []byte {
	starter := rules.Starter()
	if len(pkgs) == 0 {
		return starter
	}
	var b strings.Builder
	b.WriteString("approved_packages: # the packages that build pools today (proposed by dbaudit init)\n")
	for _, p := range pkgs {
		fmt.Fprintf(&b, "  - %s\n", quote(p))
	}
	out, n := replaceLine(starter, "approved_packages: []", b.String())
	if n == 0 {
		return starter
	}
	return out
}

// replaceLine replaces the first line equal to line (a whole line, with its
// newline) by repl.
func replaceLine(text []byte, line, repl string) ([]byte, int) {
	lines := bytes.SplitAfter(text, []byte("\n"))
	for i, l := range lines {
		if strings.TrimRight(string(l), "\r\n") == line {
			lines[i] = []byte(repl)
			return bytes.Join(lines, nil), 1
		}
	}
	return text, 0
}

// quote writes a pattern as a YAML scalar; "." and "./x/..." need quotes
// only when they start with a character YAML reads specially.
func quote(p string) string {
	if strings.ContainsAny(p[:1], "*&!|>'\"%@`#,[]{}") || strings.Contains(p, ": ") {
		return `"` + strings.ReplaceAll(p, `"`, `\"`) + `"`
	}
	return p
}
