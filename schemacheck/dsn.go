package schemacheck

import (
	"fmt"

	"github.com/dbaudit/dbaudit/rules"
)

// DSNSource says where a DSN came from, for messages (never the DSN itself).
type DSNSource string

// ResolveDSN picks the connection string: the --dsn flag, then the variable
// named by rules.yaml schema.dsn_env, then DATABASE_URL. It returns "" when
// none is set.
func ResolveDSN(flag string, cfg *rules.Config, getenv func(string) string) (dsn string, source DSNSource) {
	if flag != "" {
		return flag, "--dsn"
	}
	names := []string{}
	if cfg != nil && cfg.Schema.DSNEnv != "" {
		names = append(names, cfg.Schema.DSNEnv)
	}
	names = append(names, "DATABASE_URL")
	for _, n := range names {
		if v := getenv(n); v != "" {
			return v, DSNSource("$" + n)
		}
	}
	return "", ""
}

// MissingDSNError explains where a DSN is looked for.
func MissingDSNError(cfg *rules.Config) error {
	env := "DATABASE_URL"
	if cfg != nil && cfg.Schema.DSNEnv != "" && cfg.Schema.DSNEnv != env {
		env = "$" + cfg.Schema.DSNEnv + " or $DATABASE_URL"
	} else {
		env = "$" + env
	}
	return fmt.Errorf("no database to compare with: pass --dsn, set %s, or give --schema-file", env)
}
