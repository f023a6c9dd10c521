package poolercompat

import "github.com/dbaudit/dbaudit/dbmodel/drivers"

// The help the rule gives, for the tests that compare it with what PgBouncer
// and the migration tools do: integration/drivers/poolercompat runs real
// pgx, golang-migrate and goose through a real transaction-mode PgBouncer
// and checks that every error a help text quotes is the one they return.
// The evidence the help names (which DSN or config reaches the pooler) is
// "measured" in each of them.

const measuredEvidence = "measured"

// SessionHelps returns the help text of each session feature (a session
// SET, a session advisory lock, a prepared statement, LISTEN, …) the rule
// finds in sql, one per feature in the order they appear; none for SQL the
// rule leaves alone.
func SessionHelps(sql string) []string {
	var out []string
	for _, f := range sessionFeatures(sql) {
		out = append(out, sessionHelp(f.kind, measuredEvidence))
	}
	return out
}

// StartupRefused reports whether the rule says a transaction-mode PgBouncer
// refuses the startup parameter key (drivers.PoolerAcceptsStartupParam),
// with the help it gives for it; "" where it accepts the key.
func StartupRefused(key string) (refused bool, help string) {
	if drivers.PoolerAcceptsStartupParam(key) {
		return false, ""
	}
	return true, startupHelp(key, measuredEvidence)
}

// MigrationHelp returns the help the rule gives for the migration tool
// ("golang-migrate", "goose", "atlas") pointed at a pooler.
func MigrationHelp(tool string) string { return migrationHelp(tool, measuredEvidence) }
