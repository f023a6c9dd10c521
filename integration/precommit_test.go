package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dbaudit/dbaudit/internal/pgtest"
)

// gitIdentity lets the tests commit on a machine without a git identity.
var gitIdentity = []string{"-c", "user.name=dbaudit test", "-c", "user.email=test@dbaudit.invalid", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}

// git runs git in dir.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	return mustRun(t, dir, nil, "git", append(gitIdentity, args...)...).stdout
}

// gitRepo makes dir a git repository with everything in it committed.
func gitRepo(t *testing.T, dir string) string {
	t.Helper()
	git(t, dir, "init", "-q")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "fixture")
	return strings.TrimSpace(git(t, dir, "rev-parse", "HEAD"))
}

var hookRepoOnce struct {
	once      sync.Once
	dir, head string
	err       error
}

// hookRepo is this working tree as pre-commit would fetch it: a git
// repository holding the files as they are now (tracked and untracked, not
// ignored), committed. try-repo's own handling of uncommitted changes leaves
// untracked files out, and pre-commit only installs committed revisions.
func hookRepo(t *testing.T) (dir, head string) {
	t.Helper()
	h := &hookRepoOnce
	h.once.Do(func() {
		h.dir = filepath.Join(binDir, "hook-repo")
		h.head, h.err = snapshotWorkingTree(h.dir)
	})
	require.NoError(t, h.err)
	return h.dir, h.head
}

func snapshotWorkingTree(dst string) (head string, err error) {
	out, err := exec.Command("git", "-C", repoRoot, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return "", err
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(repoRoot, name)
		info, err := os.Lstat(src)
		if err != nil || !info.Mode().IsRegular() {
			continue // deleted in the working tree, or not a file
		}
		data, err := os.ReadFile(src)
		if err != nil {
			return "", err
		}
		target := filepath.Join(dst, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(target, data, info.Mode().Perm()); err != nil {
			return "", err
		}
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-q", "-m", "working tree"}} {
		cmd := exec.Command("git", append(gitIdentity, args...)...)
		cmd.Dir = dst
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	cmd := exec.Command("git", "rev-parse", "HEAD")
	cmd.Dir = dst
	out, err = cmd.Output()
	return strings.TrimSpace(string(out)), err
}

// preCommitEnv is the environment pre-commit runs in: offline (GOPROXY=off),
// with the module cache the tests already populated. pre-commit sets GOPATH
// to its hook environment when it runs `go install ./...`, which would move
// the module cache there too; GOMODCACHE keeps it where the modules are.
func preCommitEnv(t *testing.T, home string) []string {
	t.Helper()
	modcache := strings.TrimSpace(mustRun(t, repoRoot, nil, "go", "env", "GOMODCACHE").stdout)
	return append(os.Environ(), "PRE_COMMIT_HOME="+home, "GOMODCACHE="+modcache,
		"GOPROXY=off", "GOTOOLCHAIN=local", "PRE_COMMIT_COLOR=never", "NO_COLOR=1")
}

// TestPreCommitTryRepo runs the dbaudit-check hook with
// `pre-commit try-repo` against a fixture repository: pre-commit builds
// dbaudit from this tree (language: golang) without the network, and the
// hook fails listing dbaudit check's findings.
func TestPreCommitTryRepo(t *testing.T) {
	slow(t)
	need(t, "pre-commit", "apt-get install pre-commit")
	t.Parallel()
	hooks, _ := hookRepo(t)
	dir := fixture(t, "app")
	want := checkFindings(t, dir)
	gitRepo(t, dir)

	r := run(t, dir, preCommitEnv(t, t.TempDir()), "pre-commit", "try-repo", hooks, "dbaudit-check", "--all-files", "--verbose")
	out := r.stdout + r.stderr
	require.Equal(t, 1, r.code, "the hook fails on findings:\n%s", out)
	assert.Regexp(t, `dbaudit check\.+Failed`, out)
	assert.Equal(t, want, parseVetText(t, dir, out), "the hook prints dbaudit check's findings:\n%s", out)
	assert.Equal(t, appWant, ofRules(want, "poolconstruct", "ignore"))
}

// TestPreCommitConfig runs the README's .pre-commit-config.yaml (its repo
// and rev pointed at this tree) with `pre-commit run`: each hook passes on a
// current repository and fails when the code moves on.
func TestPreCommitConfig(t *testing.T) {
	slow(t)
	need(t, "pre-commit", "apt-get install pre-commit")
	t.Parallel()
	hooks, head := hookRepo(t)
	dbaudit := goBuild(t, "cmd/dbaudit")
	dir := fixture(t, "app")

	example, err := os.ReadFile(filepath.Join(repoRoot, "docs", "examples", "pre-commit-config.yaml"))
	require.NoError(t, err)
	cfg := string(example)
	for old, new := range map[string]string{
		"repo: https://github.com/dbaudit/dbaudit": "repo: " + hooks,
		"rev: v1.0.0": "rev: " + head,
	} {
		require.Contains(t, cfg, old)
		cfg = strings.Replace(cfg, old, new, 1)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".pre-commit-config.yaml"), []byte(cfg), 0o644))

	hasInventory := subcommand(t, dbaudit, "inventory")
	hasSchemacheck := subcommand(t, dbaudit, "schemacheck")
	var dbURL, schema string
	if hasSchemacheck {
		dbURL, schema, hasSchemacheck = testSchema(t)
	}
	if hasSchemacheck {
		appendFile(t, filepath.Join(dir, "rules.yaml"), "schema:\n  schemas: ["+schema+"]\n")
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "db"), 0o755))
		mustRun(t, dir, offlineEnv(), dbaudit, "schemacheck", "--dsn", dbURL, "--dump-schema", filepath.Join("db", "schema.json"))
	}
	if hasInventory {
		mustRun(t, dir, offlineEnv(), dbaudit, "inventory", "--output", "INVENTORY.md")
	}
	gitRepo(t, dir)
	env := preCommitEnv(t, t.TempDir())
	hook := func(id string) (string, int) {
		t.Helper()
		r := run(t, dir, env, "pre-commit", "run", id, "--all-files", "--verbose")
		return r.stdout + r.stderr, r.code
	}

	out, code := hook("dbaudit-check")
	assert.Equal(t, 1, code, "%s", out)
	assert.Equal(t, checkFindings(t, dir), parseVetText(t, dir, out), "%s", out)

	if hasInventory {
		out, code = hook("dbaudit-inventory")
		assert.Equal(t, 0, code, "the committed inventory is current:\n%s", out)
		assert.Regexp(t, `dbaudit inventory --check\.+Passed`, out)
	}
	if hasSchemacheck {
		out, code = hook("dbaudit-schemacheck")
		assert.Equal(t, 0, code, "the models match the snapshot:\n%s", out)
		assert.Regexp(t, `dbaudit schemacheck \(offline\)\.+Passed`, out)
	}

	// The code moves on: a model field without a column, a new query. The
	// inventory and the snapshot no longer match; the hooks say so.
	user := filepath.Join(dir, "internal", "store", "user.go")
	data, err := os.ReadFile(user)
	require.NoError(t, err)
	changed := strings.Replace(string(data), "\tEmail string `db:\"email\"`\n", "\tEmail string `db:\"email\"`\n\tName  string `db:\"name\"`\n", 1)
	changed += `
// Rename changes a user's email.
func (u *Users) Rename(ctx context.Context, id int64, email string) error {
	_, err := u.Pool.Exec(ctx, "update users set email = $2 where id = $1", id, email)
	return err
}
`
	require.NoError(t, os.WriteFile(user, []byte(changed), 0o644))
	git(t, dir, "commit", "-q", "-am", "the code moves on")

	if hasInventory {
		out, code = hook("dbaudit-inventory")
		assert.Equal(t, 1, code, "the committed inventory is stale:\n%s", out)
		assert.Regexp(t, `dbaudit inventory --check\.+Failed`, out)
		assert.Contains(t, out, "pgxpool.Pool.Exec", "the diff shows the new touchpoint")
	}
	if hasSchemacheck {
		out, code = hook("dbaudit-schemacheck")
		assert.Equal(t, 1, code, "a field without a column:\n%s", out)
		assert.Contains(t, out, "missing-column")
	}

	// A clean module passes: rules.yaml drops the findings' directories.
	rulesYAML := filepath.Join(dir, "rules.yaml")
	data, err = os.ReadFile(rulesYAML)
	require.NoError(t, err)
	clean := strings.Replace(string(data), "  - \"legacy/**\"\n", "  - \"legacy/**\"\n  - \"internal/**\"\n", 1)
	require.NotEqual(t, string(data), clean)
	require.NoError(t, os.WriteFile(rulesYAML, []byte(clean), 0o644))
	git(t, dir, "commit", "-q", "-am", "ignore internal/")
	require.Empty(t, checkFindings(t, dir))
	out, code = hook("dbaudit-check")
	assert.Equal(t, 0, code, "%s", out)
	assert.Regexp(t, `dbaudit check\.+Passed`, out)
}

// TestPreCommitLocalCheckout is the README's route before a release: the
// hooks from a local checkout of dbaudit (repo: its path, rev: one of its
// commits), run with `pre-commit run` (issue 14 #16).
func TestPreCommitLocalCheckout(t *testing.T) {
	slow(t)
	need(t, "pre-commit", "apt-get install pre-commit")
	t.Parallel()
	hooks, head := hookRepo(t)
	dir := fixture(t, "app")
	cfg := string(mustRead(t, filepath.Join(repoRoot, "docs", "examples", "pre-commit-config-local.yaml")))
	for old, new := range map[string]string{
		"repo: /home/you/src/dbaudit":                   "repo: " + hooks,
		"rev: 0000000000000000000000000000000000000000": "rev: " + head,
	} {
		require.Contains(t, cfg, old)
		cfg = strings.Replace(cfg, old, new, 1)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".pre-commit-config.yaml"), []byte(cfg), 0o644))
	gitRepo(t, dir)
	r := run(t, dir, preCommitEnv(t, t.TempDir()), "pre-commit", "run", "dbaudit-check", "--all-files", "--verbose")
	out := r.stdout + r.stderr
	assert.Equal(t, 1, r.code, "%s", out)
	assert.Regexp(t, `dbaudit check\.+Failed`, out)
	assert.Equal(t, checkFindings(t, dir), parseVetText(t, dir, out), "%s", out)
}

// subcommand reports whether the dbaudit binary has the command; under
// CI=true a missing one fails the test, since the hooks name it.
func subcommand(t *testing.T, dbaudit, name string) bool {
	t.Helper()
	r := run(t, repoRoot, nil, dbaudit, name, "--help")
	if r.code == 0 {
		return true
	}
	if os.Getenv("CI") == "true" {
		t.Errorf("dbaudit %s is missing (the %s hook runs it):\n%s", name, name, r.stderr)
	} else {
		t.Logf("dbaudit %s is not in this tree yet: its hook is not exercised", name)
	}
	return false
}

// testSchema creates a schema holding the fixture's users table in the test
// database and drops it when the test ends; ok is false without a database.
func testSchema(t *testing.T) (dbURL, schema string, ok bool) {
	t.Helper()
	dbURL, ok = pgtest.LookupDSN(t)
	if !ok {
		t.Log("DBAUDIT_TEST_DATABASE_URL is not set: the schemacheck hook, which needs a database to snapshot, is not exercised")
		return "", "", false
	}
	schema, _ = pgtest.SchemaNamed(t, "dbaudit_precommit", "create table users (id bigint primary key, email text not null)")
	return dbURL, schema, true
}

func appendFile(t *testing.T, name, text string) {
	t.Helper()
	f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	_, err = f.WriteString(text)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}
