// Package rules reads rules.yaml, dbaudit's single configuration file: which
// packages may build pools, which drivers and poolers are in play, which SQL is
// forbidden, how components are recognised, and how each rule is set.
package rules

import "regexp"

// Config is a decoded rules.yaml. The zero value is not useful: use Default or
// Load. A Config is immutable once loaded and safe to share between goroutines.
type Config struct {
	// Path is the file the config was read from; empty for the embedded default.
	Path string `yaml:"-"`
	// Dir is the directory relative package patterns are resolved against.
	Dir string `yaml:"-"`
	// ModulePath is the module holding Dir, if any, for resolving ./ patterns.
	ModulePath string `yaml:"-"`

	// Version is the format version: 1, or 0 when the file does not say,
	// which means 1.
	Version int `yaml:"version"`

	// ApprovedPackages may construct pools (go list patterns). Empty means no
	// policy: poolconstruct then reports only pools per request, iteration or
	// job (Approved still answers with the naming defaults: main packages and
	// packages named db, database, store, storage, postgres, pg or repository).
	ApprovedPackages []string `yaml:"approved_packages"`
	// TestPackages are treated as test code, beside the built-in heuristic.
	TestPackages []string `yaml:"test_packages"`
	// CheckTests makes rules that exempt _test.go files judge them too.
	CheckTests bool `yaml:"check_tests"`
	// Constructors adds functions that build pools or connections.
	Constructors []Constructor `yaml:"constructors"`
	// HandleTypes adds types that are database handles.
	HandleTypes []HandleType `yaml:"handle_types"`
	// GlobalAccessors are functions returning a process-wide handle (db.Get()).
	GlobalAccessors []string `yaml:"global_accessors"`
	// Drivers extends the built-in driver option tables, keyed by sink name.
	Drivers map[string]DriverExtension `yaml:"drivers"`
	Pool    PoolRules                  `yaml:"pool"`
	Pooler  PoolerRules                `yaml:"pooler"`
	SQL     SQLRules                   `yaml:"sql"`
	// DSNEnv are environment variable name globs whose values are DSNs.
	DSNEnv []string `yaml:"dsn_env"`
	// Redactors are functions (pkg.Func or pkg.Type.Method) whose result is safe to log.
	Redactors []string `yaml:"redactors"`
	// Components maps a component name to path globs (slash-separated,
	// relative to Dir, ** allowed).
	Components map[string][]string `yaml:"components"`
	// JobRunners are functions whose function-typed arguments run as workers.
	JobRunners []string `yaml:"job_runners"`
	// MigrationPackages are go list patterns of migration packages.
	MigrationPackages []string              `yaml:"migration_packages"`
	Rules             map[string]RuleConfig `yaml:"rules"`
	// Ignore are path globs whose findings are dropped.
	Ignore []string     `yaml:"ignore"`
	Schema SchemaConfig `yaml:"schema"`
}

// Constructor names a function (pkg.Func) or method (pkg.Type.Method) that
// builds a pool or connection, and which argument, if any, is its DSN.
type Constructor struct {
	Func string `yaml:"func"`
	// DSNArg is the index of the DSN argument, or -1 when there is none.
	DSNArg *int `yaml:"dsn_arg"`
	// Sink names the driver option table the DSN is judged against.
	Sink string `yaml:"sink"`
}

// HandleType names a type (pkg.Type) that is a database handle.
type HandleType struct {
	Type string `yaml:"type"`
	// Kind is pool, conn or tx.
	Kind string `yaml:"kind"`
}

// DriverExtension adds keys to a built-in sink's option table.
type DriverExtension struct {
	Consumed  []string            `yaml:"consumed"`
	Forwarded []string            `yaml:"forwarded"`
	Enums     map[string][]string `yaml:"enums"`
}

// PoolRules bounds pool sizing and health settings.
type PoolRules struct {
	MinMaxConns          *int   `yaml:"min_max_conns"`
	RecommendedMaxConns  *int   `yaml:"recommended_max_conns"`
	MaxMaxConns          *int   `yaml:"max_max_conns"`
	MaxHealthCheckPeriod string `yaml:"max_health_check_period"`
	MinConnLifetime      string `yaml:"min_conn_lifetime"`
}

// PoolerRules recognises transaction-mode poolers.
type PoolerRules struct {
	Hosts []string `yaml:"hosts"` // globs
	Ports []int    `yaml:"ports"`
}

// SQLRules holds the forbidden SQL patterns.
type SQLRules struct {
	Forbidden []ForbiddenSQL `yaml:"forbidden"`
}

// ForbiddenSQL is one sql.forbidden entry.
type ForbiddenSQL struct {
	Pattern Regexp `yaml:"pattern"`
	Message string `yaml:"message"`
}

// RuleConfig is rules.<id>.
type RuleConfig struct {
	Enabled  *bool    `yaml:"enabled"`
	Severity Severity `yaml:"severity"`
}

// SchemaConfig configures schemacheck.
type SchemaConfig struct {
	Packages []string          `yaml:"packages"` // model packages (go list patterns)
	Schemas  []string          `yaml:"schemas"`  // default: public
	Tables   map[string]string `yaml:"tables"`   // pkg.Struct → [schema.]table
	DSNEnv   string            `yaml:"dsn_env"`
}

// Regexp is a regular expression compiled while decoding, so a bad pattern
// is reported with its line.
type Regexp struct {
	*regexp.Regexp
}
