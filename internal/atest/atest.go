// Package atest runs analysistest on an analyzer's fixtures together with
// the stub driver packages shared by every analyzer (testdata/src at the
// repository root), so the stubs exist once.
package atest

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
)

// Run assembles a GOPATH from the shared stubs and ./testdata/src, then runs
// analysistest.Run on pkgs.
func Run(t *testing.T, a *analysis.Analyzer, pkgs ...string) []*analysistest.Result {
	t.Helper()
	return analysistest.Run(t, GOPATH(t), a, pkgs...)
}

// RunWithSuggestedFixes is Run, also checking fixes against .golden files.
func RunWithSuggestedFixes(t *testing.T, a *analysis.Analyzer, pkgs ...string) []*analysistest.Result {
	t.Helper()
	return analysistest.RunWithSuggestedFixes(t, GOPATH(t), a, pkgs...)
}

// GOPATH returns a temporary GOPATH holding the shared stubs overlaid with
// the calling package's testdata/src.
func GOPATH(t *testing.T) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, src := range []string{filepath.Join(root, "testdata", "src"), filepath.Join("testdata", "src")} {
		if err := copyTree(src, filepath.Join(dir, "src")); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && p == src {
				return nil
			}
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
