// Package testmodules prepares the module cache for the tests' fixture
// modules, which the tests then load offline (GOPROXY=off).
//
// A fixture module that requires only pgx loads, with -mod=mod, go.mod files
// that the repository's own `go mod download` never fetches: graph pruning
// spares the repository the requirements of pre-1.17 modules such as
// pgpassfile (testify v1.3.0), but a module naming pgx alone must read them.
// On a fresh machine the fixtures would then fail with "module lookup
// disabled by GOPROXY=off". Prime fetches them once through the configured
// module proxy, so the README's test command works on a fresh machine.
package testmodules

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// FixtureRequirements are the modules the fixture modules require, at the
// versions the repository's go.mod requires.
var FixtureRequirements = []string{"github.com/jackc/pgx/v5 v5.12.0"}

// primeSource imports the driver packages the fixtures import.
const primeSource = `package prime

import (
	_ "github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib"
)
`

var (
	once     sync.Once
	primeErr error
)

// Prime loads the packages of a module requiring FixtureRequirements
// through the environment's GOPROXY, once per process. Where GOPROXY is off
// it does nothing: the cache must then hold the modules already.
func Prime() error {
	once.Do(func() { primeErr = prime() })
	return primeErr
}

func prime() error {
	proxy, err := exec.Command("go", "env", "GOPROXY").Output()
	if err != nil {
		return fmt.Errorf("go env GOPROXY: %w", err)
	}
	if strings.TrimSpace(string(proxy)) == "off" {
		return nil
	}
	dir, err := os.MkdirTemp("", "dbaudit-prime-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	goMod := "module example.com/prime\n\ngo 1.26\n\nrequire (\n\t" + strings.Join(FixtureRequirements, "\n\t") + "\n)\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(goMod), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "prime.go"), []byte(primeSource), 0o644); err != nil {
		return err
	}
	// -deps downloads the zips of every module the fixtures' imports build
	// from, at the versions a module requiring pgx alone selects.
	cmd := exec.Command("go", "list", "-deps", "-test", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("filling the module cache for the fixture modules (needs the Go module proxy once): %v\n%s", err, out)
	}
	return nil
}
