package suite_test

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/suite"
	"github.com/dbaudit/dbaudit/rules"
)

var update = flag.Bool("update", false, "rewrite the README's rule table from the registry")

// TestRegistryAgrees checks that each rule's metadata, its analyzer and the
// registered rule set tell the same story.
func TestRegistryAgrees(t *testing.T) {
	s := suite.New(rules.Default(""))
	if len(s.All) != len(suite.Registry) {
		t.Fatalf("%d analyzers for %d registered rules", len(s.All), len(suite.Registry))
	}
	sections := yamlKeys(reflect.TypeFor[rules.Config]())
	seen := map[string]bool{}
	for i, r := range suite.Registry {
		a := s.All[i]
		if a.Name != r.Meta.ID {
			t.Errorf("rule %d: analyzer %q, metadata %q", i, a.Name, r.Meta.ID)
		}
		if seen[r.Meta.ID] {
			t.Errorf("%s registered twice", r.Meta.ID)
		}
		seen[r.Meta.ID] = true
		if !strings.HasPrefix(a.Doc, a.Name+": ") || suite.Summary(a) == "" {
			t.Errorf("%s: doc must start with %q and a summary: %.60q", a.Name, a.Name+": ", a.Doc)
		}
		if !strings.HasSuffix(a.URL, "/analyzers/"+a.Name+"/doc.go") {
			t.Errorf("%s: URL %q is not its doc", a.Name, a.URL)
		}
		switch r.Meta.Severity {
		case rules.SeverityError, rules.SeverityWarning, rules.SeverityInfo:
		default:
			t.Errorf("%s: default severity %q", a.Name, r.Meta.Severity)
		}
		for _, sec := range r.Meta.Sections {
			if !sections[sec] {
				t.Errorf("%s: section %q is not a rules.yaml section", a.Name, sec)
			}
		}
		if got := rules.Default("").SeverityOf(a.Name, ""); got != r.Meta.Severity {
			t.Errorf("%s: config gives severity %q, metadata %q", a.Name, got, r.Meta.Severity)
		}
	}
	if !slices.Equal(rules.IDs(), registryIDs()) {
		t.Errorf("rules.IDs() = %v, registry %v", rules.IDs(), registryIDs())
	}
}

func registryIDs() []string {
	var ids []string
	for _, r := range suite.Registry {
		ids = append(ids, r.Meta.ID)
	}
	return ids
}

func yamlKeys(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != "" && name != "-" {
			keys[name] = true
		}
	}
	return keys
}

const (
	tableBegin = "<!-- rules table: generated from analyzers/suite.Registry; go test ./analyzers/suite -update -->\n"
	tableEnd   = "<!-- end of rules table -->\n"
)

// TestREADMETable fails when the README's rule table is not the one the
// registry produces.
func TestREADMETable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok := strings.Cut(string(readme), tableBegin)
	_, after, ok2 := strings.Cut(rest, tableEnd)
	if !ok || !ok2 {
		t.Fatalf("README.md has no generated rules table (markers %q … %q)", tableBegin, tableEnd)
	}
	want := markdownTable()
	if got := rest[:len(rest)-len(after)-len(tableEnd)]; got != want {
		if *update {
			if err := os.WriteFile("../../README.md", []byte(before+tableBegin+want+tableEnd+after), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("README.md's rule table is out of date (go test ./analyzers/suite -update):\n%s", want)
	}
}

func markdownTable() string {
	s := suite.New(rules.Default(""))
	var b strings.Builder
	b.WriteString("| id | default | rules.yaml | rule |\n| --- | --- | --- | --- |\n")
	for i, r := range suite.Registry {
		var secs []string
		for _, sec := range r.Meta.Sections {
			secs = append(secs, "`"+sec+"`")
		}
		fmt.Fprintf(&b, "| [`%s`](analyzers/%s/doc.go) | %s | %s | %s |\n",
			r.Meta.ID, r.Meta.ID, r.Meta.Severity, strings.Join(secs, ", "), suite.Summary(s.All[i]))
	}
	return b.String()
}
