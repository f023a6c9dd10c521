package engine_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/report"
	"github.com/dbaudit/dbaudit/rules"
)

func loadErrors(t *testing.T, files map[string]string) []report.LoadError {
	t.Helper()
	dir := writeModule(t, files)
	res, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), NoCache: true})
	mustNoErr(t, err)
	return res.LoadErrors
}

// wantErrs stops the test unless there are n load errors.
func wantErrs(t *testing.T, errs []report.LoadError, n int) {
	t.Helper()
	if len(errs) != n {
		t.Fatalf("got %d load errors, want %d:\n%s", len(errs), n, messages(errs))
	}
}

// wantPos checks a load error's file and line.
func wantPos(t *testing.T, e report.LoadError, file string, line int) {
	t.Helper()
	if e.File != file {
		t.Errorf("file: got %q, want %q", e.File, file)
	}
	if e.Line != line {
		t.Errorf("line of %s: got %d, want %d", e.File, e.Line, line)
	}
}

// wantIn checks that s holds sub.
func wantIn(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%q does not contain %q", s, sub)
	}
}

// wantNotIn checks that s does not hold sub.
func wantNotIn(t *testing.T, s, sub string) {
	t.Helper()
	if strings.Contains(s, sub) {
		t.Errorf("%q contains %q", s, sub)
	}
}

func messages(errs []report.LoadError) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.File + ": " + e.Message + "\n")
	}
	return b.String()
}

// Issue 14 #10: a syntax error gave "load error: missing return" without a
// position, then the syntax error and its follow-ons. As go vet: the first
// error of the package, with its position, and how many more there are.
func TestLoadErrorsFirstPerPackageWithPosition(t *testing.T) {
	errs := loadErrors(t, map[string]string{
		"go.mod": goMod,
		"p/p.go": "package p\n\nimport \"fmt\"\n\nfunc F() int {\n\tfmt.Println(\"x\"\n}\n\nfunc G() int {\n}\n",
		"q/q.go": "package q\n\nvar x int = \"one\"\nvar y int = \"two\"\n",
	})
	wantErrs(t, errs, 2)
	p, q := errs[0], errs[1]
	if p.File > q.File {
		p, q = q, p
	}
	wantPos(t, p, "p/p.go", 6)
	if p.Column != 17 {
		t.Errorf("column of p/p.go: got %d, want 17", p.Column)
	}
	if !strings.HasPrefix(p.Message, "missing ',' before newline in argument list (and ") {
		t.Errorf("message of p/p.go: %s", p.Message)
	}
	wantIn(t, p.Message, " more errors)")
	wantPos(t, q, "q/q.go", 3)
	wantIn(t, q.Message, `cannot use "one"`)
	wantIn(t, q.Message, "(and 1 more error)")
}

// D11: an import cycle added "a does not import b" although a does.
func TestLoadErrorsImportCycleWithoutFollowOns(t *testing.T) {
	errs := loadErrors(t, map[string]string{
		"go.mod": goMod,
		"a/a.go": "package a\n\nimport \"example.com/m/b\"\n\nvar A = b.B\n",
		"b/b.go": "package b\n\nimport \"example.com/m/a\"\n\nvar B = 1\nvar _ = a.A\n",
	})
	all := messages(errs)
	wantIn(t, all, "import cycle not allowed")
	wantNotIn(t, all, "does not import")
	wantNotIn(t, all, "could not import")
}

// D11: a broken cgo header added "could not import C"; the compiler's error
// keeps its position.
func TestLoadErrorsBrokenCgoHeader(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no C compiler: cgo packages are not built")
	}
	t.Setenv("CGO_ENABLED", "1")
	errs := loadErrors(t, map[string]string{
		"go.mod": goMod,
		"c/c.go": "package c\n\n// #include \"nosuch.h\"\nimport \"C\"\n\nvar X = 1\n",
	})
	wantErrs(t, errs, 1)
	wantPos(t, errs[0], "c/c.go", 3)
	wantIn(t, errs[0].Message, "nosuch.h: No such file or directory")
	wantNotIn(t, errs[0].Message, "could not import")
}

// Issue 13: "could not import X (invalid package name: \"\")" where go vet
// says why the go command could not load X.
func TestLoadErrorsSayWhyTheGoCommandCouldNotLoad(t *testing.T) {
	t.Run("no module provides the package", func(t *testing.T) {
		errs := loadErrors(t, map[string]string{
			"go.mod": goMod,
			"p/p.go": "package p\n\nimport \"example.com/nope/x\"\n\nvar _ = x.Y\n",
		})
		wantErrs(t, errs, 1)
		wantPos(t, errs[0], "p/p.go", 3)
		wantIn(t, errs[0].Message, "example.com/nope/x")
		wantIn(t, errs[0].Message, "GOPROXY=off")
		wantNotIn(t, errs[0].Message, "invalid package name")
	})
	t.Run("the proxy refuses the module version", func(t *testing.T) {
		errs := loadErrors(t, map[string]string{
			"go.mod": goMod + "require example.com/nope v1.2.3\n",
			"p/p.go": "package p\n\nimport \"example.com/nope/x\"\n\nvar _ = x.Y\n",
		})
		wantErrs(t, errs, 1)
		if errs[0].File != "p/p.go" {
			t.Errorf("file: got %q, want %q", errs[0].File, "p/p.go")
		}
		wantIn(t, errs[0].Message, "module lookup disabled by GOPROXY=off")
		wantNotIn(t, errs[0].Message, "invalid package name")
	})
}
