package drivers

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
	"golang.org/x/tools/go/packages"
)

// Module paths of the drivers whose version decides which table applies.
const (
	ModulePgx5    = "github.com/jackc/pgx/v5"
	ModulePgx4    = "github.com/jackc/pgx/v4"
	ModulePgconn1 = "github.com/jackc/pgconn" // pgx v4's pgconn
	ModuleLibpq   = "github.com/lib/pq"
)

// driverModules are the modules Versions records.
var driverModules = []string{ModulePgx5, ModulePgx4, ModulePgconn1, ModuleLibpq}

// Versions are the driver versions an analysed module requires: module path
// → semantic version ("v5.5.4"). A missing module is not required (or not
// known); the nil Versions knows nothing, and the tables then judge by the
// versions they were measured with.
type Versions map[string]string

// Pgx5 is the required github.com/jackc/pgx/v5 version, or "".
func (v Versions) Pgx5() string { return v[ModulePgx5] }

// Pgx4 is the required github.com/jackc/pgx/v4 version, or "".
func (v Versions) Pgx4() string { return v[ModulePgx4] }

// String is the flag form: path@version,… sorted.
func (v Versions) String() string {
	var parts []string
	for _, m := range slices.Sorted(maps.Keys(v)) {
		parts = append(parts, m+"@"+v[m])
	}
	return strings.Join(parts, ",")
}

// ParseVersions reads the flag form path@version,….
func ParseVersions(s string) (Versions, error) {
	v := Versions{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		path, version, ok := strings.Cut(part, "@")
		if !ok || path == "" || !semver.IsValid(version) {
			return nil, fmt.Errorf("driver version %q is not module@vX.Y.Z", part)
		}
		v[path] = version
	}
	return v, nil
}

// VersionsFlagName is the flag through which a whole-program driver tells
// the analyzers that judge driver options which driver versions the
// program selected (see ProgramVersions). Without it they read the go.mod
// of the module each file belongs to (see VersionsForDir).
const VersionsFlagName = "driver_versions"

// VersionsFlag is a flag.Value holding Versions.
type VersionsFlag struct {
	mu sync.RWMutex
	v  Versions
}

var _ flag.Value = (*VersionsFlag)(nil)

func (f *VersionsFlag) String() string {
	if f == nil {
		return ""
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.v.String()
}

// Set parses the flag form; an empty string clears it.
func (f *VersionsFlag) Set(s string) error {
	v, err := ParseVersions(s)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(v) == 0 {
		v = nil
	}
	f.v = v
	return nil
}

// Versions returns the flag's versions, or nil when it is unset.
func (f *VersionsFlag) Versions() Versions {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.v
}

// For returns the flag's versions when it is set, else the requirements of
// the go.mod governing filename.
func (f *VersionsFlag) For(filename string) Versions {
	if v := f.Versions(); v != nil {
		return v
	}
	return VersionsForDir(filepath.Dir(filename))
}

// ProgramVersions returns the driver versions of the program the packages
// (as go list named them) belong to: the versions of the driver modules
// among the loaded packages where go list reported them (with
// packages.NeedModule and the dependencies loaded), else the highest
// requirement among the go.mod files of the named packages' modules (the
// version minimal version selection starts from). Replacements apply.
func ProgramVersions(pkgs []*packages.Package) Versions {
	selected, required := Versions{}, Versions{}
	gomods := map[string]bool{}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		m := p.Module
		if m == nil {
			return
		}
		if slices.Contains(driverModules, m.Path) {
			version := m.Version
			if m.Replace != nil && m.Replace.Version != "" {
				version = m.Replace.Version
			}
			if semver.IsValid(version) {
				selected[m.Path] = version
			}
		}
		if m.Main && m.GoMod != "" && !gomods[m.GoMod] {
			gomods[m.GoMod] = true
			v, err := ReadGoMod(m.GoMod)
			if err != nil {
				return
			}
			for path, version := range v {
				if old := required[path]; old == "" || semver.Compare(version, old) > 0 {
					required[path] = version
				}
			}
		}
	})
	maps.Copy(required, selected)
	return required
}

// ReadGoMod returns the driver requirements of a go.mod file, with its
// replace directives applied (a replacement by a local directory has no
// version and leaves the module unknown).
func ReadGoMod(path string) (Versions, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := modfile.Parse(path, data, nil)
	if err != nil {
		// A directive this x/mod does not know: the requirements, without
		// the replacements ParseLax skips.
		if f, err = modfile.ParseLax(path, data, nil); err != nil {
			return nil, err
		}
	}
	v := Versions{}
	for _, r := range f.Require {
		if slices.Contains(driverModules, r.Mod.Path) {
			v[r.Mod.Path] = r.Mod.Version
		}
	}
	for _, r := range f.Replace {
		if _, ok := v[r.Old.Path]; !ok || r.Old.Version != "" && r.Old.Version != v[r.Old.Path] {
			continue
		}
		if r.New.Version != "" && r.New.Path == r.Old.Path {
			v[r.Old.Path] = r.New.Version
		} else {
			delete(v, r.Old.Path) // a fork or a directory: its version says nothing
		}
	}
	return v, nil
}

var goModCache sync.Map // directory → Versions (nil: no go.mod)

// VersionsForDir returns the driver requirements of the go.mod of the
// module dir belongs to (dir's nearest ancestor holding a go.mod), or nil
// when there is none or it does not parse. Results are cached per
// directory.
func VersionsForDir(dir string) Versions {
	if dir == "" || dir == "." {
		return nil
	}
	if v, ok := goModCache.Load(dir); ok {
		return v.(Versions)
	}
	var v Versions
	if gomod := filepath.Join(dir, "go.mod"); fileExists(gomod) {
		v, _ = ReadGoMod(gomod)
	} else if parent := filepath.Dir(dir); parent != dir {
		v = VersionsForDir(parent)
	}
	goModCache.Store(dir, v)
	return v
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}

// Before reports whether version is known and older than min.
func Before(version, min string) bool {
	return semver.IsValid(version) && semver.Compare(version, min) < 0
}
