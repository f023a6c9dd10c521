// Command dbaudit-vet runs the dbaudit rules under go vet, with the go
// command's own per-package caching:
//
//	go install github.com/dbaudit/dbaudit/cmd/dbaudit-vet@latest
//	go vet -vettool="$(command -v dbaudit-vet)" ./...
//
// Findings print as "file:line:col: rule: message". go vet runs the tool once
// per package, in the package's directory; the tool reads the rules.yaml
// nearest above that directory (with one rules.yaml at the module root, the
// file dbaudit check reads), else the embedded default. DBAUDIT_CONFIG, an
// absolute path, names a rules.yaml to use instead.
//
// go vet caches a clean package's result under the tool's version. The
// version this tool reports covers its own build and the rules.yaml found
// from the directory go vet runs in (or DBAUDIT_CONFIG), so editing that
// file reruns the analysis instead of replaying stale results.
package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/dbaudit/dbaudit/plugin"
	"github.com/dbaudit/dbaudit/rules"
)

// configEnv names the environment variable that overrides the rules.yaml
// lookup.
const configEnv = "DBAUDIT_CONFIG"

func main() {
	args := os.Args[1:]
	if len(args) == 1 && args[0] == "-V=full" {
		if err := printVersion(os.Stdout); err != nil {
			fatal(err)
		}
		return
	}
	dir := packageDir(args)
	cfg, err := loadConfig(dir)
	switch {
	case err != nil && dir == "":
		// go vet's -flags query, whose stderr it hides: the flags do not
		// depend on the configuration, and each package's run reports the
		// error.
		cfg = rules.Default("")
	case err != nil:
		fatal(err)
	}
	unitchecker.Main(plugin.Analyzers(cfg, plugin.Options{PrefixRule: true, KeepDisabled: true})...)
}

// packageDir reads the package's directory from go vet's per-package
// config file (the argument ending in .cfg); "" when there is none (-flags,
// help). It is also the working directory go vet gives the tool, but the
// file says so explicitly.
func packageDir(args []string) string {
	if len(args) == 0 || !strings.HasSuffix(args[len(args)-1], ".cfg") {
		return ""
	}
	data, err := os.ReadFile(args[len(args)-1])
	if err != nil {
		return "" // unitchecker reports it
	}
	var unit struct{ Dir string }
	_ = json.Unmarshal(data, &unit)
	return unit.Dir
}

// loadConfig resolves rules.yaml for a package in dir ("" outside a
// package: the working directory).
func loadConfig(dir string) (*rules.Config, error) {
	if p := os.Getenv(configEnv); p != "" {
		if !filepath.IsAbs(p) {
			return nil, fmt.Errorf("%s=%s: give an absolute path (go vet runs this tool in each package's directory)", configEnv, p)
		}
		return rules.Load(p)
	}
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return nil, err
		}
	}
	return rules.Resolve(dir, "")
}

// printVersion answers go vet's -V=full in the form it parses
// ("NAME version devel ... buildID=ID"); ID hashes this executable and the
// configuration in force, which go vet mixes into every cache key (of every
// dependency too: editing rules.yaml costs one uncached run).
func printVersion(w io.Writer) error {
	h := sha256.New()
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	if err := hashFile(h, exe); err != nil {
		return err
	}
	path := os.Getenv(configEnv)
	if path == "" {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		if path, err = rules.Find(wd); err != nil {
			return err
		}
	}
	if path != "" {
		// The file's content and where it sits in its module (which ./
		// patterns depend on), not its absolute path: a checkout elsewhere
		// with the same rules keeps the cache. A missing or unreadable file
		// is reported when a package runs.
		dir, _ := filepath.Abs(filepath.Dir(path))
		fmt.Fprintf(h, "\x00config in module %q\x00", rules.Default(dir).ModulePath)
		_ = hashFile(h, path)
	}
	_, err = fmt.Fprintf(w, "%s version devel dbaudit buildID=%x\n", filepath.Base(os.Args[0]), h.Sum(nil))
	return err
}

func hashFile(w io.Writer, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", filepath.Base(os.Args[0]), err)
	os.Exit(1)
}
