package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/dbaudit/dbaudit/internal/testmodules"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"dbaudit": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: each builds a
// small module (requiring the real pgx from the module cache, offline) and
// runs dbaudit on it, checking output and exit status.
func TestScripts(t *testing.T) {
	goEnv := func(name string) string {
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", name, err)
		}
		return strings.TrimSpace(string(out))
	}
	modcache, gocache := goEnv("GOMODCACHE"), goEnv("GOCACHE")
	goSum := testmodules.GoSum()
	dbURL := os.Getenv("DBAUDIT_TEST_DATABASE_URL")
	if dbURL == "" && os.Getenv("CI") == "true" {
		t.Fatal("DBAUDIT_TEST_DATABASE_URL is not set, and CI=true requires the database scripts to run")
	}
	if err := testmodules.Prime(); err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fingerprints": fingerprints,
		},
		Condition: func(cond string) (bool, error) {
			if cond == "db" {
				return dbURL != "", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(env *testscript.Env) error {
			if dbURL != "" {
				// Each script gets its own schema, dropped when it ends.
				schema := "dbaudit_script_" + randomHex()
				env.Setenv("DBURL", dbURL)
				env.Setenv("SCHEMA", schema)
				env.Defer(func() { dropSchema(dbURL, schema) })
			}
			env.Setenv("GOMODCACHE", modcache)
			env.Setenv("GOCACHE", gocache)
			env.Setenv("GOPROXY", "off")
			env.Setenv("GOFLAGS", "-mod=mod")
			env.Setenv("GOSUMDB", "off")
			env.Setenv("GOTOOLCHAIN", "local")
			env.Setenv("DBAUDIT_CACHE", filepath.Join(env.WorkDir, ".dbaudit-cache")) // each script its own result cache
			env.Setenv("CI", "")
			// Every fixture module may use the repository's go.sum lines.
			return os.WriteFile(filepath.Join(env.WorkDir, "go.sum"), goSum, 0o644)
		},
	})
}

// fingerprints SARIF OUT writes each result's rule id and partial
// fingerprints to OUT, one result a line, so scripts can compare runs.
func fingerprints(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: fingerprints SARIF OUT")
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID              string            `json:"ruleId"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &log))
	var sb strings.Builder
	for _, run := range log.Runs {
		for _, r := range run.Results {
			fmt.Fprintf(&sb, "%s", r.RuleID)
			for _, k := range slices.Sorted(maps.Keys(r.PartialFingerprints)) {
				fmt.Fprintf(&sb, " %s=%s", k, r.PartialFingerprints[k])
			}
			sb.WriteByte('\n')
		}
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(sb.String()), 0o644))
}

func randomHex() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func dropSchema(url, schema string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	_, _ = conn.Exec(ctx, "drop schema if exists "+pgx.Identifier{schema}.Sanitize()+" cascade")
}
