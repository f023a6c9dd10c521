package gosrc

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const tables = `package p

type tcase struct {
	in, want string
	n        int
}

var seeds = []string{
	"a",
	"b" + ("c" + "d"),
	` + "`raw\\n`" + `,
}

var positional = []struct {
	in, want string
}{
	{"x1", "y1"},
	{"x2" + "!", "y2"},
}

// Keyed out of order: the first field is in, wherever it is written.
var keyed = []struct {
	in, want string
	secrets  []string
}{
	{want: "y1", in: "x1"},
	{secrets: nil, in: "x2", want: "y2"},
}

var named = []tcase{
	{want: "y", n: 1, in: "x"},
	{"p", "q", 2},
}

var empty = []string{}

var emptyStructs = []struct{ in string }{}

var noIn = []struct{ in, want string }{
	{want: "y"},
}

var emptyElement = []struct{ in string }{
	{},
}

var notLiteral = []string{"a", name}

var notComposite = name

var noValue []string

const name = "n"
`

func writeTables(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tables_test.go")
	if err := os.WriteFile(path, []byte(tables), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStrings(t *testing.T) {
	path := writeTables(t)
	for _, c := range []struct {
		name string
		want []string
	}{
		{"seeds", []string{"a", "bcd", `raw\n`}},
		{"positional", []string{"x1", "x2!"}},
		{"keyed", []string{"x1", "x2"}},
		{"named", []string{"x", "p"}},
	} {
		got, err := Strings(path, c.name)
		if err != nil {
			t.Errorf("Strings(%s): %v", c.name, err)
			continue
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("Strings(%s) = %q, want %q", c.name, got, c.want)
		}
	}
}

// TestStringsErrors: a table gosrc cannot read whole, or that reads as no
// cases, is an error — the driver test over it must not pass over nothing.
func TestStringsErrors(t *testing.T) {
	path := writeTables(t)
	for _, c := range []struct{ name, want string }{
		{"empty", "holds no strings"},
		{"emptyStructs", "holds no strings"},
		{"noIn", "without in"},
		{"emptyElement", "an empty element"},
		{"notLiteral", "not a string literal"},
		{"notComposite", "not a composite literal"},
		{"noValue", "has no value"},
		{"missing", "no variable missing"},
	} {
		got, err := Strings(path, c.name)
		if err == nil {
			t.Errorf("Strings(%s) = %q, want an error", c.name, got)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("Strings(%s): %v, want an error saying %q", c.name, err, c.want)
		}
	}
	if _, err := Strings(filepath.Join(t.TempDir(), "none.go"), "seeds"); err == nil {
		t.Error("Strings of a missing file: want an error")
	}
}

// The root module's tables the driver tests read (integration/drivers/dsn,
// integration/drivers/redact) read whole.
func TestRootTables(t *testing.T) {
	for _, c := range []struct {
		path, name string
		min        int
	}{
		{"../../../../dbmodel/dsn/fuzz_test.go", "seeds", 40},
		{"../../../../dbmodel/redact/redact_test.go", "dsnCases", 30},
	} {
		got, err := Strings(c.path, c.name)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if len(got) < c.min {
			t.Errorf("%s %s: %d strings, want at least %d", c.path, c.name, len(got), c.min)
		}
	}
}
