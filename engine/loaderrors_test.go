package engine_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/report"
	"github.com/dbaudit/dbaudit/rules"
)

func loadErrors(t *testing.T, files map[string]string) []report.LoadError {
	t.Helper()
	dir := writeModule(t, files)
	res, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), NoCache: true})
	require.NoError(t, err)
	return res.LoadErrors
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
	require.Len(t, errs, 2, messages(errs))
	p, q := errs[0], errs[1]
	if p.File > q.File {
		p, q = q, p
	}
	assert.Equal(t, "p/p.go", p.File)
	assert.Equal(t, 6, p.Line)
	assert.Equal(t, 17, p.Column)
	assert.True(t, strings.HasPrefix(p.Message, "missing ',' before newline in argument list (and "), p.Message)
	assert.Contains(t, p.Message, " more errors)")
	assert.Equal(t, "q/q.go", q.File)
	assert.Equal(t, 3, q.Line)
	assert.Contains(t, q.Message, `cannot use "one"`)
	assert.Contains(t, q.Message, "(and 1 more error)")
}

// D11: an import cycle added "a does not import b" although a does.
func TestLoadErrorsImportCycleWithoutFollowOns(t *testing.T) {
	errs := loadErrors(t, map[string]string{
		"go.mod": goMod,
		"a/a.go": "package a\n\nimport \"example.com/m/b\"\n\nvar A = b.B\n",
		"b/b.go": "package b\n\nimport \"example.com/m/a\"\n\nvar B = 1\nvar _ = a.A\n",
	})
	all := messages(errs)
	assert.Contains(t, all, "import cycle not allowed")
	assert.NotContains(t, all, "does not import")
	assert.NotContains(t, all, "could not import")
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
	require.Len(t, errs, 1, messages(errs))
	assert.Equal(t, "c/c.go", errs[0].File)
	assert.Equal(t, 3, errs[0].Line)
	assert.Contains(t, errs[0].Message, "nosuch.h: No such file or directory")
	assert.NotContains(t, errs[0].Message, "could not import")
}

// Issue 13: "could not import X (invalid package name: \"\")" where go vet
// says why the go command could not load X.
func TestLoadErrorsSayWhyTheGoCommandCouldNotLoad(t *testing.T) {
	t.Run("no module provides the package", func(t *testing.T) {
		errs := loadErrors(t, map[string]string{
			"go.mod": goMod,
			"p/p.go": "package p\n\nimport \"example.com/nope/x\"\n\nvar _ = x.Y\n",
		})
		require.Len(t, errs, 1, messages(errs))
		assert.Equal(t, "p/p.go", errs[0].File)
		assert.Equal(t, 3, errs[0].Line)
		assert.Contains(t, errs[0].Message, "example.com/nope/x")
		assert.Contains(t, errs[0].Message, "GOPROXY=off")
		assert.NotContains(t, errs[0].Message, "invalid package name")
	})
	t.Run("the proxy refuses the module version", func(t *testing.T) {
		errs := loadErrors(t, map[string]string{
			"go.mod": goMod + "require example.com/nope v1.2.3\n",
			"p/p.go": "package p\n\nimport \"example.com/nope/x\"\n\nvar _ = x.Y\n",
		})
		require.Len(t, errs, 1, messages(errs))
		assert.Equal(t, "p/p.go", errs[0].File)
		assert.Contains(t, errs[0].Message, "module lookup disabled by GOPROXY=off")
		assert.NotContains(t, errs[0].Message, "invalid package name")
	})
}
