package poolercompat

import "github.com/dbaudit/dbaudit/dbmodel/drivers"

// SessionHelps returns the help text of each session feature the rule finds
// in sql, for the pooler tests to compare with what the pooler does.
func SessionHelps(sql string) []string {
	var out []string
	for _, f := range sessionFeatures(sql) {
		out = append(out, sessionHelp(f.kind, "test"))
	}
	return out
}

// StartupRefused reports whether the rule says PgBouncer refuses the
// startup parameter key, with the help it gives.
func StartupRefused(key string) (bool, string) {
	if drivers.PoolerAcceptsStartupParam(key) {
		return false, ""
	}
	return true, startupHelp(key, "test")
}

// MigrationHelp is the help for a migration tool.
func MigrationHelp(tool string) string { return migrationHelp(tool, "test") }
