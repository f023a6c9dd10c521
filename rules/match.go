package rules

import (
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
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

// Approved reports whether pkgPath may construct pools.
func (c *Config) Approved(pkgPath string, isMain bool) bool {
	if len(c.ApprovedPackages) > 0 {
		return c.MatchPackage(c.ApprovedPackages, pkgPath)
	}
	return isMain || defaultApprovedNames[path.Base(trimTestSuffix(pkgPath))]
}

// IsTestPackage reports whether pkgPath holds test-support code: its last
// element ends in test, testutil, testhelper(s) or testing, or it matches
// test_packages.
func (c *Config) IsTestPackage(pkgPath string) bool {
	base := path.Base(trimTestSuffix(pkgPath))
	for _, suffix := range []string{"test", "testutil", "testhelper", "testhelpers", "testing"} {
		if strings.HasSuffix(base, suffix) {
			return true
		}
	}
	return c.MatchPackage(c.TestPackages, pkgPath)
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

// defaultSeverity is each rule's severity unless rules.yaml says otherwise.
var defaultSeverity = map[string]Severity{
	"poolconfig": SeverityWarning,
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
	if s, ok := defaultSeverity[rule]; ok {
		return s
	}
	return SeverityError
}

// Ignored reports whether findings in file (slash-separated, relative to the
// working directory or absolute) are dropped by an ignore glob.
func (c *Config) Ignored(file string) bool {
	rel := c.relative(file)
	for _, g := range c.Ignore {
		if ok, _ := doublestar.Match(g, rel); ok {
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
			if ok, _ := doublestar.Match(g, rel); ok {
				return name
			}
		}
	}
	return ""
}

func (c *Config) relative(file string) string {
	if c.Dir != "" && filepath.IsAbs(file) {
		if rel, err := filepath.Rel(c.Dir, file); err == nil && !strings.HasPrefix(rel, "..") {
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
