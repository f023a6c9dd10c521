package integration

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
	"gopkg.in/yaml.v3"
)

// actionlintVersion is installed with go install into a temporary GOBIN;
// it is not a dependency of the module.
const actionlintVersion = "v1.7.12"

// workflowFiles are every workflow in the repository: its own CI and the
// README's examples.
func workflowFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{".github/workflows/*.yml", "docs/examples/dbaudit-*.yml"} {
		m, err := filepath.Glob(filepath.Join(repoRoot, pattern))
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.GreaterOrEqual(t, len(files), 3, "ci.yml and the two README examples")
	return files
}

// TestActionlint checks every workflow file with actionlint (and, through
// it, shellcheck when installed). ci.yml runs this repository's action with
// `uses: ./`, so actionlint also checks action.yml's inputs against it.
func TestActionlint(t *testing.T) {
	slow(t)
	t.Parallel()
	gobin := t.TempDir()
	mustRun(t, repoRoot, append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=", "GOTOOLCHAIN=local"),
		"go", "install", "github.com/rhysd/actionlint/cmd/actionlint@"+actionlintVersion)
	useIfInstalled(t, "shellcheck", "apt-get install shellcheck") // actionlint runs it on every run: script
	r := run(t, repoRoot, nil, filepath.Join(gobin, "actionlint"), workflowFiles(t)...)
	assert.Equal(t, 0, r.code, "actionlint:\n%s%s", r.stdout, r.stderr)

	// And it would notice: a misspelt input of the local action fails.
	repo := t.TempDir()
	ci := strings.Replace(string(mustRead(t, filepath.Join(repoRoot, ".github", "workflows", "ci.yml"))), "format: github", "formatt: github", 1)
	require.NoError(t, os.MkdirAll(filepath.Join(repo, ".github", "workflows"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(repo, ".github", "workflows", "ci.yml"), []byte(ci), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "action.yml"), mustRead(t, filepath.Join(repoRoot, "action.yml")), 0o644))
	git(t, repo, "init", "-q") // actionlint finds the project by its repository
	r = run(t, repo, nil, filepath.Join(gobin, "actionlint"))
	assert.NotEqual(t, 0, r.code)
	assert.Contains(t, r.stdout, `input "formatt" is not defined in action "dbaudit"`)
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	require.NoError(t, err)
	return data
}

// compositeAction is the part of action.yml the runner reads.
type compositeAction struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			ID               string            `yaml:"id"`
			Name             string            `yaml:"name"`
			Shell            string            `yaml:"shell"`
			Run              string            `yaml:"run"`
			Env              map[string]string `yaml:"env"`
			WorkingDirectory string            `yaml:"working-directory"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

var expression = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// runAction runs action.yml's steps as the Actions runner runs a composite
// action: each step's script with `bash --noprofile --norc -eo pipefail`,
// its env and working-directory evaluated, GITHUB_OUTPUT and GITHUB_PATH
// honoured. The expressions it understands are inputs.*,
// github.action_path and steps.*.outputs.*; any other fails the test, so
// the simulation cannot silently drift from the file.
func runAction(t *testing.T, workspace string, with map[string]string, extraEnv ...string) result {
	t.Helper()
	var action compositeAction
	require.NoError(t, yaml.Unmarshal(mustRead(t, filepath.Join(repoRoot, "action.yml")), &action))
	require.Equal(t, "composite", action.Runs.Using)
	inputs := map[string]string{}
	for name, in := range action.Inputs {
		inputs[name] = in.Default
	}
	for name, v := range with {
		_, ok := action.Inputs[name]
		require.True(t, ok, "input %q is not defined in action.yml", name)
		inputs[name] = v
	}
	temp := t.TempDir()
	pathFile := filepath.Join(temp, "github_path")
	require.NoError(t, os.WriteFile(pathFile, nil, 0o644))
	outputs := map[string]map[string]string{}
	eval := func(s string) string {
		return expression.ReplaceAllStringFunc(s, func(m string) string {
			e := expression.FindStringSubmatch(m)[1]
			parts := strings.Split(e, ".")
			switch {
			case len(parts) == 2 && parts[0] == "inputs":
				v, ok := inputs[parts[1]]
				require.True(t, ok, "unknown input in %s", m)
				return v
			case e == "github.action_path":
				return repoRoot
			case len(parts) == 4 && parts[0] == "steps" && parts[2] == "outputs":
				return outputs[parts[1]][parts[3]]
			}
			t.Fatalf("action.yml uses %s, which this runner does not evaluate", m)
			return ""
		})
	}

	var last result
	for i, step := range action.Runs.Steps {
		require.Equal(t, "bash", step.Shell, "step %q", step.Name)
		script := filepath.Join(temp, fmt.Sprintf("step%d.sh", i))
		require.NoError(t, os.WriteFile(script, []byte(step.Run), 0o644))
		outFile := filepath.Join(temp, fmt.Sprintf("output%d", i))
		require.NoError(t, os.WriteFile(outFile, nil, 0o644))
		env := append(os.Environ(), "RUNNER_TEMP="+temp, "GITHUB_PATH="+pathFile, "GITHUB_OUTPUT="+outFile,
			"GITHUB_ACTION_PATH="+repoRoot, "GITHUB_WORKSPACE="+workspace, "GOTOOLCHAIN=local")
		env = append(env, extraEnv...)
		for k, v := range step.Env {
			env = append(env, k+"="+eval(v))
		}
		dir := workspace
		if wd := eval(step.WorkingDirectory); wd != "" {
			dir = filepath.Join(workspace, wd)
		}
		last = run(t, dir, env, "bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		outputs[step.ID] = readOutputs(t, outFile)
		if last.code != 0 {
			last.stdout = "step " + step.Name + ":\n" + last.stdout
			return last
		}
	}
	return last
}

func readOutputs(t *testing.T, name string) map[string]string {
	t.Helper()
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(mustRead(t, name))))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			out[k] = v
		}
	}
	return out
}

// exampleInputs returns the `with:` of the step that uses dbaudit's action
// in a README example workflow.
func exampleInputs(t *testing.T, example string) map[string]string {
	t.Helper()
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	require.NoError(t, yaml.Unmarshal(mustRead(t, filepath.Join(repoRoot, "docs", "examples", example)), &wf))
	for _, job := range wf.Jobs {
		for _, step := range job.Steps {
			if strings.HasPrefix(step.Uses, "dbaudit/dbaudit@") {
				return step.With
			}
		}
	}
	t.Fatalf("%s: no step uses dbaudit/dbaudit", example)
	return nil
}

var annotation = regexp.MustCompile(`(?m)^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+)(?:,endLine=\d+)?(?:,endColumn=\d+)?,title=([a-z]+)::`)

// TestCompositeAction runs action.yml, with the inputs of the README's
// example workflows, on the fixture module.
func TestCompositeAction(t *testing.T) {
	slow(t)
	t.Parallel()

	t.Run("annotations example", func(t *testing.T) {
		t.Parallel()
		dir := fixture(t, "app")
		want := checkFindings(t, dir)
		r := runAction(t, dir, exampleInputs(t, "dbaudit-annotations.yml"))
		require.Equal(t, 1, r.code, "the step fails on error findings:\n%s\n%s", r.stdout, r.stderr)
		var got []finding
		for _, m := range annotation.FindAllStringSubmatch(r.stdout, -1) {
			line, _ := strconv.Atoi(m[3])
			col, _ := strconv.Atoi(m[4])
			got = append(got, finding{m[2], line, col, m[5]})
		}
		assert.Equal(t, want, sortFindings(got), "one annotation per finding:\n%s", r.stdout)
		assert.Contains(t, r.stdout, "::error file=internal/api/api.go,line=26,col=15,")
	})

	t.Run("sarif example", func(t *testing.T) {
		t.Parallel()
		dir := fixture(t, "app")
		want := checkFindings(t, dir)
		with := exampleInputs(t, "dbaudit-sarif.yml")
		r := runAction(t, dir, with)
		require.Equal(t, 1, r.code, "%s\n%s", r.stdout, r.stderr)
		var sarif struct {
			Version string
			Runs    []struct {
				Results []struct {
					RuleID    string
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string }
							Region           struct{ StartLine, StartColumn int }
						}
					}
				}
			}
		}
		require.NoError(t, json.Unmarshal(mustRead(t, filepath.Join(dir, with["output"])), &sarif))
		assert.Equal(t, "2.1.0", sarif.Version)
		require.Len(t, sarif.Runs, 1)
		var got []finding
		for _, res := range sarif.Runs[0].Results {
			loc := res.Locations[0].PhysicalLocation
			got = append(got, finding{loc.ArtifactLocation.URI, loc.Region.StartLine, loc.Region.StartColumn, res.RuleID})
		}
		assert.Equal(t, want, sortFindings(got), "the uploaded file holds every finding, with paths from the repository root")
	})

	t.Run("config, packages and fail-on", func(t *testing.T) {
		t.Parallel()
		dir := fixture(t, "app")
		// The fixture's rules with poolconstruct downgraded, in a file of its own.
		ciRules := string(mustRead(t, filepath.Join(dir, "rules.yaml"))) + "rules:\n  poolconstruct:\n    severity: warning\n"
		require.NoError(t, os.WriteFile(filepath.Join(dir, "ci-rules.yaml"), []byte(ciRules), 0o644))
		r := runAction(t, dir, map[string]string{"config": "ci-rules.yaml", "packages": "./internal/api ./internal/platform", "format": "text"})
		assert.Equal(t, 0, r.code, "warnings do not fail --fail-on error:\n%s\n%s", r.stdout, r.stderr)
		assert.Equal(t, []finding{
			{"internal/api/api.go", 26, 15, "poolconstruct"},
			{"internal/platform/platform.go", 31, 14, "poolconstruct"},
		}, ofRules(parseVetText(t, dir, r.stdout), "poolconstruct", "ignore"), "only the packages asked for:\n%s", r.stdout)

		r = runAction(t, dir, map[string]string{"config": "ci-rules.yaml", "packages": "./internal/api", "format": "text", "fail-on": "warning"})
		assert.Equal(t, 1, r.code, "%s\n%s", r.stdout, r.stderr)
	})
}

// TestCompositeActionVersion runs action.yml with the version input, which
// go installs dbaudit at a release instead of building the action's source.
// The release is this working tree, served as v0.0.1 by a module proxy in a
// directory, beside the module cache's own download directory for the
// dependencies: go install does exactly what it does against the real
// proxy, without the network.
func TestCompositeActionVersion(t *testing.T) {
	slow(t)
	t.Parallel()
	const version = "v0.0.1"
	src, _ := hookRepo(t)
	proxy := t.TempDir()
	release := filepath.Join(t.TempDir(), "release")
	copyTree(t, src, release)
	serveRelease(t, release, version, proxy)

	downloads := filepath.Join(strings.TrimSpace(mustRun(t, repoRoot, nil, "go", "env", "GOMODCACHE").stdout), "cache", "download")
	modcache := t.TempDir()
	t.Cleanup(func() { _ = exec.Command("chmod", "-R", "u+w", modcache).Run() }) // runs before TempDir's removal
	env := []string{
		"GOPROXY=file://" + proxy + ",file://" + downloads,
		"GOMODCACHE=" + modcache,
		"GOSUMDB=off", // v0.0.1 is not in the checksum database; the dependencies are checked against its go.sum
	}

	dir := fixture(t, "app")
	r := runAction(t, dir, map[string]string{"version": version, "format": "text"}, env...)
	require.Equal(t, 1, r.code, "%s\n%s", r.stdout, r.stderr)
	assert.Equal(t, checkFindings(t, dir), parseVetText(t, dir, r.stdout))
	assert.DirExists(t, filepath.Join(modcache, "github.com", "dbaudit", "dbaudit@"+version), "installed from the release, not the action's source")
	assert.DirExists(t, filepath.Join(modcache, "github.com", "dbaudit", "dbaudit", "cmd", "dbaudit@"+version), "the CLI's module at the release")
}

// TestCompositeActionScripts runs shellcheck over action.yml's scripts,
// which actionlint does not look into.
func TestCompositeActionScripts(t *testing.T) {
	t.Parallel()
	shellcheck := need(t, "shellcheck", "apt-get install shellcheck")
	var action compositeAction
	require.NoError(t, yaml.Unmarshal(mustRead(t, filepath.Join(repoRoot, "action.yml")), &action))
	for i, step := range action.Runs.Steps {
		script := filepath.Join(t.TempDir(), fmt.Sprintf("step%d.sh", i))
		// The runner's bash -e, and every env var the step sets is defined.
		header := "#!/bin/bash\nset -eo pipefail\n"
		for k := range step.Env {
			header += fmt.Sprintf(": \"${%s:?}\"\n", k)
		}
		require.NoError(t, os.WriteFile(script, []byte(header+expression.ReplaceAllString(step.Run, "x")), 0o644))
		r := run(t, repoRoot, nil, shellcheck, "--severity=style", script)
		assert.Equal(t, 0, r.code, "step %q:\n%s", step.Name, r.stdout)
	}
}

// serveRelease writes every module of the workspace in tree (go.work's use
// list) into proxy, a GOPROXY directory, at version, as a release would
// publish them: each go.mod requires the other dbaudit modules at version
// and replaces none (go install pkg@version refuses replace directives).
// tree's go.mod files are rewritten in place, so the zips hold them too.
func serveRelease(t *testing.T, tree, version, proxy string) {
	t.Helper()
	work, err := modfile.ParseWork("go.work", mustRead(t, filepath.Join(tree, "go.work")), nil)
	require.NoError(t, err)
	require.NotEmpty(t, work.Use)
	for _, use := range work.Use {
		dir := filepath.Join(tree, use.Path)
		gomod := filepath.Join(dir, "go.mod")
		f, err := modfile.Parse(gomod, mustRead(t, gomod), nil)
		require.NoError(t, err)
		for _, r := range f.Replace {
			if isDbaudit(r.Old.Path) {
				require.NoError(t, f.DropReplace(r.Old.Path, r.Old.Version))
			}
		}
		for _, r := range f.Require {
			if isDbaudit(r.Mod.Path) {
				require.NoError(t, f.AddRequire(r.Mod.Path, version))
			}
		}
		f.Cleanup()
		data, err := f.Format()
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(gomod, data, 0o644))

		path := f.Module.Mod.Path
		at := filepath.Join(proxy, filepath.FromSlash(path), "@v")
		require.NoError(t, os.MkdirAll(at, 0o755))
		zf, err := os.Create(filepath.Join(at, version+".zip"))
		require.NoError(t, err)
		// CreateFromDir leaves out the directories of nested modules.
		require.NoError(t, modzip.CreateFromDir(zf, module.Version{Path: path, Version: version}, dir))
		require.NoError(t, zf.Close())
		require.NoError(t, os.WriteFile(filepath.Join(at, version+".mod"), data, 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(at, version+".info"), []byte(`{"Version":"`+version+`"}`), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(at, "list"), []byte(version+"\n"), 0o644))
	}
}

func isDbaudit(path string) bool {
	return path == "github.com/dbaudit/dbaudit" || strings.HasPrefix(path, "github.com/dbaudit/dbaudit/")
}
