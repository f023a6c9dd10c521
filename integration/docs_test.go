package integration

import (
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// TestDocsShowTheTestedExamples keeps the README honest: each
// example file the tests use appears in it verbatim, so the configuration a
// reader copies is the configuration that was tested.
func TestDocsShowTheTestedExamples(t *testing.T) {
	t.Parallel()
	doc := string(mustRead(t, filepath.Join(repoRoot, "README.md")))
	// Shown once for all: the other rules' packages repeat poolconstruct's.
	notShown := []string{
		"fix/go.mod",
		"nogo/go.mod",
		"nogo/tools/dbaudit/ignore/ignore.go", "nogo/tools/dbaudit/ignore/BUILD.bazel",
		"nogo/tools/dbaudit/rawdsn/rawdsn.go", "nogo/tools/dbaudit/rawdsn/BUILD.bazel",
	}
	examples := filepath.Join(repoRoot, "docs", "examples")
	shown := 0
	err := filepath.WalkDir(examples, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(examples, p)
		if slices.Contains(notShown, filepath.ToSlash(rel)) {
			return nil
		}
		shown++
		content := strings.TrimRight(string(mustRead(t, p)), "\n")
		assert.True(t, strings.Contains(doc, "\n"+content+"\n```"),
			"README.md does not show docs/examples/%s as it is now: copy the file into its code block", rel)
		return nil
	})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, shown, 10)
}

// TestPreCommitManifest pins what the hooks promise: whole-module runs of
// dbaudit built by pre-commit's golang language.
func TestPreCommitManifest(t *testing.T) {
	t.Parallel()
	var hooks []struct {
		ID            string `yaml:"id"`
		Entry         string `yaml:"entry"`
		Language      string `yaml:"language"`
		PassFilenames *bool  `yaml:"pass_filenames"`
		RequireSerial bool   `yaml:"require_serial"`
	}
	require.NoError(t, yaml.Unmarshal(mustRead(t, filepath.Join(repoRoot, ".pre-commit-hooks.yaml")), &hooks))
	entries := map[string]string{}
	for _, h := range hooks {
		entries[h.ID] = h.Entry
		assert.Equal(t, "golang", h.Language, h.ID)
		require.NotNil(t, h.PassFilenames, h.ID)
		assert.False(t, *h.PassFilenames, "%s runs on the whole module", h.ID)
		assert.True(t, h.RequireSerial, h.ID)
	}
	assert.Equal(t, map[string]string{
		"dbaudit-check":       "dbaudit check",
		"dbaudit-inventory":   "dbaudit inventory --check",
		"dbaudit-schemacheck": "dbaudit schemacheck --schema-file",
	}, entries)
}
