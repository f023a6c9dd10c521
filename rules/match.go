package rules

import (
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// MatchPackage reports whether the import path pkgPath matches one of the go
// list patterns. Patterns starting with ./ or ../ are taken relative to the
// config's directory; "..." matches any string, as in go list.
func (c *Config) MatchPackage(patterns []string, pkgPath string) bool {
	for _, p := range patterns {
		if matchPattern(c.absPattern(p), pkgPath) {
			return true
		}
	}
	return false
}

func (c *Config) absPattern(p string) string {
	if !strings.HasPrefix(p, "./") && !strings.HasPrefix(p, "../") && p != "." {
		return p
	}
	base := c.ModulePath
	if base == "" {
		base = "."
	}
	return path.Clean(base + "/" + p)
}

// matchPattern implements go list's pattern rule: "..." is a wildcard, and
// "x/..." also matches "x" itself.
func matchPattern(pattern, name string) bool {
	if !strings.Contains(pattern, "...") {
		return pattern == name
	}
	if strings.HasSuffix(pattern, "/...") && name == strings.TrimSuffix(pattern, "/...") {
		return true
	}
	parts := strings.Split(pattern, "...")
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	name = name[len(parts[0]):]
	for i, part := range parts[1:] {
		last := i == len(parts)-2
		j := strings.Index(name, part)
		if last {
			return strings.HasSuffix(name, part)
		}
		if j < 0 {
			return false
		}
		name = name[j+len(part):]
	}
	return true
}

// defaultApprovedNames are the last path elements approved to build pools
// when rules.yaml names no approved_packages.
var defaultApprovedNames = map[string]bool{
	"db": true, "database": true, "store": true, "storage": true,
	"postgres": true, "pg": true, "repository": true,
}

// HasPoolPolicy reports whether rules.yaml sets approved_packages. Without
// one, poolconstruct reports only what is a bug under any policy (a pool per
// request, per iteration or per job), never "not approved".
func (c *Config) HasPoolPolicy() bool { return len(c.ApprovedPackages) > 0 }

// Approved reports whether pkgPath may construct pools.
func (c *Config) Approved(pkgPath string, isMain bool) bool {
	if len(c.ApprovedPackages) > 0 {
		return c.MatchPackage(c.ApprovedPackages, pkgPath)
	}
	return isMain || defaultApprovedNames[path.Base(trimTestSuffix(pkgPath))]
}

// testPackageSuffixes end the last element of a test-support package's path
// by convention. A bare "test" is not one of them: latest, contest and
// protest are ordinary packages (and httptest-style helpers import testing,
// which is evidence enough: see dbindex).
var testPackageSuffixes = []string{"testutil", "testutils", "testhelper", "testhelpers", "testsupport"}

// IsTestPackage reports whether pkgPath holds test code for every rule: an
// external test package (its path ends in _test), a package whose last
// element is named like test support (dbtestutil, testhelpers, testing), or
// one matching rules.yaml test_packages. Evidence found in the code (a
// testing import, importers that are all tests) is the index's business.
func (c *Config) IsTestPackage(pkgPath string) bool {
	if strings.HasSuffix(pkgPath, "_test") {
		return true
	}
	base := path.Base(pkgPath)
	if base == "testing" {
		return true
	}
	for _, suffix := range testPackageSuffixes {
		if strings.HasSuffix(base, suffix) {
			return true
		}
	}
	return c.MatchPackage(c.TestPackages, pkgPath)
}

// testDirs are directory names under which code is test support.
var testDirs = map[string]bool{
	"test": true, "tests": true, "testing": true, "testutil": true, "testutils": true,
	"testhelper": true, "testhelpers": true, "testsupport": true, "testenv": true,
	"e2e": true, "e2etest": true, "e2etests": true, "acceptance": true, "itest": true,
	"integration-tests": true, "integration_tests": true, "integrationtests": true, "integrationtest": true,
}

// InTestDir reports whether some element of pkgPath is a directory that by
// its name holds test support: test, tests, testing, testutil(s),
// testhelper(s), e2e, acceptance, integration-tests and the like, or an
// element ending in -test(s) or _test(s) (persistence-tests). A name that
// merely ends in "test" (latest, contest) is not one.
func InTestDir(pkgPath string) bool {
	for _, el := range strings.Split(pkgPath, "/") {
		el = strings.ToLower(el)
		if testDirs[el] {
			return true
		}
		for _, sep := range []string{"-", "_", "."} {
			for _, word := range []string{"test", "tests", "e2e"} {
				if strings.HasSuffix(el, sep+word) && len(el) > len(sep+word) {
					return true
				}
			}
		}
	}
	return false
}

// trimTestSuffix drops the "_test" of an external test package's path.
func trimTestSuffix(p string) string { return strings.TrimSuffix(p, "_test") }

// Enabled reports whether a rule runs.
func (c *Config) Enabled(rule string) bool {
	if rc, ok := c.Rules[rule]; ok && rc.Enabled != nil {
		return *rc.Enabled
	}
	return true
}

// SeverityOf is the severity of a finding of rule. A rule may grade its own
// findings (rawdsn: a DSN without a password is a warning) by passing the
// grade as hint; an explicit rules.yaml severity overrides both.
func (c *Config) SeverityOf(rule string, hint Severity) Severity {
	if rc, ok := c.Rules[rule]; ok && rc.Severity != "" {
		return rc.Severity
	}
	if hint != "" {
		return hint
	}
	if m, ok := MetaOf(rule); ok && m.Severity != "" {
		return m.Severity
	}
	return SeverityError
}

// Ignored reports whether findings in file (slash-separated, relative to the
// working directory or absolute) are dropped by an ignore glob.
func (c *Config) Ignored(file string) bool {
	rel := c.relative(file)
	for _, g := range c.Ignore {
		if matchGlob(g, rel) {
			return true
		}
	}
	return false
}

// ComponentOf returns the first component whose globs match file, or "".
// Component names are checked in sorted order so the answer is stable.
func (c *Config) ComponentOf(file string) string {
	rel := c.relative(file)
	for _, name := range sortedKeys(c.Components) {
		for _, g := range c.Components[name] {
			if matchGlob(g, rel) {
				return name
			}
		}
	}
	return ""
}

func (c *Config) relative(file string) string {
	if c.Dir != "" && filepath.IsAbs(file) {
		if rel, err := filepath.Rel(c.Dir, file); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(file)
}

// DSNEnvPatterns are the environment variable globs holding DSNs.
func (c *Config) DSNEnvPatterns() []string {
	if len(c.DSNEnv) > 0 {
		return c.DSNEnv
	}
	return []string{"DATABASE_URL", "*_DSN", "*_DATABASE_URL", "PG*PASSWORD"}
}

// IsDSNEnv reports whether the environment variable name holds a DSN or password.
func (c *Config) IsDSNEnv(name string) bool {
	for _, g := range c.DSNEnvPatterns() {
		if ok, _ := path.Match(g, name); ok {
			return true
		}
	}
	return false
}

// PoolerHosts are host globs of transaction-mode poolers.
func (c *Config) PoolerHosts() []string {
	if len(c.Pooler.Hosts) > 0 {
		return c.Pooler.Hosts
	}
	return []string{"*.pooler.supabase.com", "*pgbouncer*"}
}

// PoolerPorts are ports of transaction-mode poolers.
func (c *Config) PoolerPorts() []int {
	if len(c.Pooler.Ports) > 0 {
		return c.Pooler.Ports
	}
	return []int{6543}
}

// IsPooler reports whether host:port is a transaction-mode pooler.
func (c *Config) IsPooler(host string, port int) bool {
	for _, p := range c.PoolerPorts() {
		if p == port {
			return true
		}
	}
	host = strings.ToLower(host)
	for _, g := range c.PoolerHosts() {
		if ok, _ := path.Match(strings.ToLower(g), host); ok {
			return true
		}
	}
	return false
}

// PoolLimits are the effective pool rules with defaults applied.
type PoolLimits struct {
	MinMaxConns          int
	RecommendedMaxConns  int
	MaxMaxConns          int // 0: no upper bound
	MaxHealthCheckPeriod time.Duration
	MinConnLifetime      time.Duration // 0: not judged
}

// PoolLimits returns the pool section with defaults: at least 5 connections,
// 10 recommended, health checks at most every 5 minutes.
func (c *Config) PoolLimits() PoolLimits {
	l := PoolLimits{MinMaxConns: 5, RecommendedMaxConns: 10, MaxHealthCheckPeriod: 5 * time.Minute}
	if c.Pool.MinMaxConns != nil {
		l.MinMaxConns = *c.Pool.MinMaxConns
	}
	if c.Pool.RecommendedMaxConns != nil {
		l.RecommendedMaxConns = *c.Pool.RecommendedMaxConns
	}
	if c.Pool.MaxMaxConns != nil {
		l.MaxMaxConns = *c.Pool.MaxMaxConns
	}
	if d, err := parseDuration(c.Pool.MaxHealthCheckPeriod); err == nil && d > 0 {
		l.MaxHealthCheckPeriod = d
	}
	if d, err := parseDuration(c.Pool.MinConnLifetime); err == nil {
		l.MinConnLifetime = d
	}
	return l
}

func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	return time.ParseDuration(s)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
