package report

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

// files is an in-memory file system for readFile.
type files map[string]string

func (m files) read(name string) ([]byte, error) {
	s, ok := m[name]
	if !ok {
		return nil, fmt.Errorf("open %s: %w", name, fs.ErrNotExist)
	}
	return []byte(s), nil
}

// edit makes an Edit replacing the first occurrence of old in src.
func edit(t *testing.T, src files, file, old, new string) Edit {
	t.Helper()
	i := strings.Index(src[file], old)
	if i < 0 {
		t.Fatalf("%q not in %s", old, file)
	}
	return Edit{File: file, Start: i, End: i + len(old), NewText: new}
}

func finding(rule, file string, line int, fixes ...[]Edit) Finding {
	f := Finding{Rule: rule, File: file, Line: line, Column: 1, Message: rule + " message"}
	for _, edits := range fixes {
		f.Fixes = append(f.Fixes, Fix{Message: "fix", Edits: edits})
	}
	return f
}

func stringsOf(m map[string][]byte) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

const engineGo = `package db

import "github.com/jackc/pgx/v5/pgxpool"

func Open() (*pgxpool.Pool, error) {
	return pgxpool.New(ctx, "postgres://app:secret@db/app")
}
`

func TestApplyFixesAppliesFirstFixOfEachFinding(t *testing.T) {
	t.Parallel()
	src := files{"db/engine.go": engineGo, "api/api.go": "package api\n\nvar x = 1\n", "untouched.go": "package x\n"}
	findings := []Finding{
		finding("rawdsn", "db/engine.go", 6,
			[]Edit{edit(t, src, "db/engine.go", `"postgres://app:secret@db/app"`, `os.Getenv("DATABASE_URL")`)},
			[]Edit{edit(t, src, "db/engine.go", `"postgres`, `"SECOND FIX MUST NOT APPLY`)}),
		finding("poolconstruct", "db/engine.go", 3,
			[]Edit{edit(t, src, "db/engine.go", "import ", "import \"os\"\nimport ")}),
		finding("sqlpattern", "api/api.go", 3,
			[]Edit{edit(t, src, "api/api.go", "1", "2"), edit(t, src, "api/api.go", "package api", "package api // edited")}),
		finding("noop", "untouched.go", 1),
	}
	got, err := ApplyFixes(findings, src.read)
	mustNoErr(t, err)
	checkEqual(t, "applied", got.Applied, []int{0, 1, 2})
	checkEqual(t, "skipped", len(got.Skipped), 0)
	checkEqual(t, "files", stringsOf(got.Files), map[string]string{
		"db/engine.go": strings.NewReplacer(`"postgres://app:secret@db/app"`, `os.Getenv("DATABASE_URL")`, "import ", "import \"os\"\nimport ").Replace(engineGo),
		"api/api.go":   "package api // edited\n\nvar x = 2\n",
	})
}

func TestApplyFixesAppliesIdenticalEditsOnce(t *testing.T) {
	t.Parallel()
	src := files{"a.go": "package a\n\nfunc f() {}\n"}
	addImport := Edit{File: "a.go", Start: 10, End: 10, NewText: "import \"os\"\n"}
	got, err := ApplyFixes([]Finding{
		finding("rawdsn", "a.go", 3, []Edit{addImport}),
		finding("dsnleak", "a.go", 3, []Edit{addImport, addImport}),
	}, src.read)
	mustNoErr(t, err)
	checkEqual(t, "a.go", string(got.Files["a.go"]), "package a\nimport \"os\"\n\nfunc f() {}\n")
	checkEqual(t, "applied", got.Applied, []int{0, 1})
}

// TestApplyFixesComposesDeletionsOfOneDSN is the README's --fix example:
// each "drop KEY" fix of one connection string takes one '&' with its key,
// the middle key the one after it, the last key the one before it, so the
// two overlap by that byte. Both apply; the '?' stays (pgx reads an empty
// query as none).
func TestApplyFixesComposesDeletionsOfOneDSN(t *testing.T) {
	t.Parallel()
	const file = "store/store.go"
	src := files{file: "package store\n\nvar dsn = \"postgres://app@db:5432/orders?command_timeout=10&statement_cache_size=0\"\n"}
	dropTimeout := edit(t, src, file, "command_timeout=10&", "")
	dropCache := edit(t, src, file, "&statement_cache_size=0", "")
	if dropCache.Start >= dropTimeout.End {
		t.Fatalf("the two edits do not overlap: %+v, %+v", dropTimeout, dropCache)
	}
	for _, order := range [][]Edit{{dropTimeout, dropCache}, {dropCache, dropTimeout}} {
		got, err := ApplyFixes([]Finding{
			finding("driveropts", file, 3, []Edit{order[0]}),
			finding("driveropts", file, 3, []Edit{order[1]}),
		}, src.read)
		mustNoErr(t, err)
		checkEqual(t, "skipped", len(got.Skipped), 0)
		checkEqual(t, "applied", got.Applied, []int{0, 1})
		checkEqual(t, file, string(got.Files[file]), "package store\n\nvar dsn = \"postgres://app@db:5432/orders?\"\n")
	}
}

// TestApplyFixesSkipsOnlyTheConflictingFix: of two fixes that cannot both
// apply, the one of the earlier finding does, the other is reported with
// the reason, and unrelated fixes apply whatever the order given.
func TestApplyFixesSkipsOnlyTheConflictingFix(t *testing.T) {
	t.Parallel()
	src := files{"a.go": "0123456789\n", "b.go": "package b\n"}
	ok := finding("ok", "b.go", 1, []Edit{{File: "b.go", Start: 0, End: 7, NewText: "// b\npackage"}})
	tests := []struct {
		name    string
		a, b    []Edit
		wantA   string // a.go with the first fix alone
		overlap string
	}{
		{"overlapping replacements", []Edit{{File: "a.go", Start: 2, End: 6, NewText: "x"}}, []Edit{{File: "a.go", Start: 4, End: 8, NewText: "y"}},
			"01x6789\n", "bytes [2,6) and [4,8) of a.go"},
		{"replacement and deletion", []Edit{{File: "a.go", Start: 2, End: 6, NewText: "x"}}, []Edit{{File: "a.go", Start: 4, End: 8}},
			"01x6789\n", "bytes [2,6) and [4,8) of a.go"},
		{"same range, different text", []Edit{{File: "a.go", Start: 2, End: 6, NewText: "x"}}, []Edit{{File: "a.go", Start: 2, End: 6, NewText: "y"}},
			"01x6789\n", "bytes [2,6) and [2,6) of a.go"},
		{"insertion inside a replacement", []Edit{{File: "a.go", Start: 2, End: 6, NewText: "x"}}, []Edit{{File: "a.go", Start: 3, End: 3, NewText: "y"}},
			"01x6789\n", "bytes [2,6) and [3,3) of a.go"},
		{"insertion inside a deletion", []Edit{{File: "a.go", Start: 2, End: 6}}, []Edit{{File: "a.go", Start: 3, End: 3, NewText: "y"}},
			"016789\n", "bytes [2,6) and [3,3) of a.go"},
		{"two insertions at one offset", []Edit{{File: "a.go", Start: 5, End: 5, NewText: "x"}}, []Edit{{File: "a.go", Start: 5, End: 5, NewText: "y"}},
			"01234x56789\n", "bytes [5,5) and [5,5) of a.go"},
		{"nested", []Edit{{File: "a.go", Start: 0, End: 10, NewText: "x"}}, []Edit{{File: "a.go", Start: 4, End: 5, NewText: "y"}},
			"x\n", "bytes [0,10) and [4,5) of a.go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			first := finding("first", "a.go", 1, tt.a)
			second := finding("second", "a.go", 2, tt.b)
			for _, order := range [][]Finding{{ok, first, second}, {second, ok, first}} {
				got, err := ApplyFixes(order, src.read)
				mustNoErr(t, err)
				checkEqual(t, "files", stringsOf(got.Files), map[string]string{"a.go": tt.wantA, "b.go": "// b\npackage b\n"})
				if len(got.Skipped) != 1 {
					t.Fatalf("skipped %+v, want one fix", got.Skipped)
				}
				checkEqual(t, "skipped rule", order[got.Skipped[0].Finding].Rule, "second")
				checkEqual(t, "reason", got.Skipped[0].Reason, "it conflicts with the fix of a.go:1:1: first ("+tt.overlap+")")
				checkEqual(t, "applied count", len(got.Applied), 2)
			}
		})
	}
}

func TestApplyFixesAdjacentEditsDoNotConflict(t *testing.T) {
	t.Parallel()
	src := files{"a.go": "0123456789"}
	got, err := ApplyFixes([]Finding{
		finding("r1", "a.go", 1, []Edit{{File: "a.go", Start: 2, End: 5, NewText: "R"}}),
		finding("r2", "a.go", 1, []Edit{{File: "a.go", Start: 5, End: 7, NewText: "S"}}),
		finding("i1", "a.go", 1, []Edit{{File: "a.go", Start: 2, End: 2, NewText: "<"}}), // at the start of r1
		finding("i2", "a.go", 1, []Edit{{File: "a.go", Start: 7, End: 7, NewText: ">"}}), // at the end of r2
		finding("i3", "a.go", 1, []Edit{{File: "a.go", Start: 10, End: 10, NewText: "!"}}),
	}, src.read)
	mustNoErr(t, err)
	checkEqual(t, "skipped", len(got.Skipped), 0)
	checkEqual(t, "a.go", string(got.Files["a.go"]), "01<RS>789!")
}

func TestApplyFixesOverlapWithinOneFix(t *testing.T) {
	t.Parallel()
	src := files{"a.go": "0123456789"}
	got, err := ApplyFixes([]Finding{
		finding("self", "a.go", 4, []Edit{{File: "a.go", Start: 1, End: 4, NewText: "x"}, {File: "a.go", Start: 3, End: 5}}),
		finding("other", "a.go", 5, []Edit{{File: "a.go", Start: 9, End: 10, NewText: "!"}}),
	}, src.read)
	mustNoErr(t, err)
	checkEqual(t, "skipped", got.Skipped, []SkippedFix{{Finding: 0, Reason: "its own edits overlap in a.go at [1,4) and [3,5)"}})
	checkEqual(t, "a.go", string(got.Files["a.go"]), "012345678!")
}

func TestApplyFixesRejectsEditsOutsideTheFile(t *testing.T) {
	t.Parallel()
	src := files{"a.go": "short"}
	for _, e := range []Edit{{File: "a.go", Start: 3, End: 99}, {File: "a.go", Start: -1, End: 2}, {File: "a.go", Start: 4, End: 2}} {
		_, err := ApplyFixes([]Finding{finding("stale", "a.go", 1, []Edit{e})}, src.read)
		want := fmt.Sprintf("fix of a.go:1:1: stale: edit [%d,%d) lies outside a.go (5 bytes); is the file newer than the analysis? Nothing was applied", e.Start, e.End)
		if err == nil || err.Error() != want {
			t.Errorf("error: got %v, want %q", err, want)
		}
	}
}

func TestApplyFixesReadError(t *testing.T) {
	t.Parallel()
	_, err := ApplyFixes([]Finding{finding("r", "gone.go", 1, []Edit{{File: "gone.go"}})}, files{}.read)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v is not fs.ErrNotExist", err)
	}
	if err == nil || !strings.Contains(err.Error(), "gone.go") {
		t.Errorf("error %v does not name gone.go", err)
	}
}

func TestApplyFixesNoFixes(t *testing.T) {
	t.Parallel()
	got, err := ApplyFixes([]Finding{finding("r", "a.go", 1)}, files{}.read)
	mustNoErr(t, err)
	checkEqual(t, "files", len(got.Files), 0)
	checkEqual(t, "applied", len(got.Applied), 0)
}

func TestDiffFormat(t *testing.T) {
	t.Parallel()
	original := map[string][]byte{"db/engine.go": []byte(engineGo), "same.go": []byte("x\n")}
	fixed := map[string][]byte{
		"db/engine.go": []byte(strings.Replace(engineGo, `"postgres://app:secret@db/app"`, `os.Getenv("DATABASE_URL")`, 1)),
		"same.go":      []byte("x\n"),
	}
	checkEqual(t, "diff", Diff(original, fixed), `--- a/db/engine.go
+++ b/db/engine.go
@@ -3,5 +3,5 @@
 import "github.com/jackc/pgx/v5/pgxpool"
 
 func Open() (*pgxpool.Pool, error) {
-	return pgxpool.New(ctx, "postgres://app:secret@db/app")
+	return pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
 }
`)
	checkEqual(t, "diff of unchanged files", Diff(original, original), "")
	checkEqual(t, "diff of a name with a space (a tab ends it)",
		Diff(nil, map[string][]byte{"dir x/a.go": []byte("package x\n")}),
		"--- a/dir x/a.go\t\n+++ b/dir x/a.go\t\n@@ -0,0 +1 @@\n+package x\n")
}

func TestDiffNoNewlineAtEOF(t *testing.T) {
	t.Parallel()
	checkEqual(t, "newline added",
		Diff(map[string][]byte{"a.go": []byte("a\nb")}, map[string][]byte{"a.go": []byte("a\nb\n")}),
		"--- a/a.go\n+++ b/a.go\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n")
	checkEqual(t, "new file",
		Diff(nil, map[string][]byte{"new.go": []byte("package x\n")}),
		"--- a/new.go\n+++ b/new.go\n@@ -0,0 +1 @@\n+package x\n")
}
