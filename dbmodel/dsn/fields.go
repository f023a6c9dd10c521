package dsn

import (
	"go/types"
	"strings"
)

// passwordFieldNames are field names that hold a database password.
var passwordFieldNames = map[string]bool{
	"password": true, "passwd": true, "dbpassword": true, "dbpass": true, "pgpassword": true, "databasepassword": true,
}

// connStringFieldNames are string fields that hold connection strings.
var connStringFieldNames = map[string]bool{
	"dsn": true, "databaseurl": true, "dburl": true, "database_url": true, "connstring": true, "connectionstring": true,
	"connstr": true, "postgresurl": true, "postgresdsn": true, "pgurl": true, "pgdsn": true, "dburi": true, "databaseuri": true,
	"databasedsn": true, "dbdsn": true,
}

// configWords mark a struct as connection configuration.
var configWords = []string{"config", "conf", "cfg", "settings", "options", "opts", "db", "database", "postgres", "pg", "conn", "dsn", "credentials", "creds", "secret"}

// IsPasswordField reports whether field holds a database password: the
// Password of pgconn.Config (and so of pgx.ConnConfig), or a string field
// named like a password in a struct whose name says it is configuration
// (Config, DBSettings, PostgresOptions, Credentials…). owner is the struct's
// type name.
func IsPasswordField(field *types.Var, owner string) bool {
	if !field.IsField() {
		return false
	}
	if field.Pkg() != nil && field.Pkg().Path() == "github.com/jackc/pgx/v5/pgconn" {
		return field.Name() == "Password"
	}
	return isStringType(field.Type()) && passwordFieldNames[strings.ToLower(field.Name())] && isConfigName(owner)
}

// IsConnStringField reports whether field is a string field named like a
// connection string (DSN, DatabaseURL, ConnString…).
func IsConnStringField(field *types.Var) bool {
	return field.IsField() && isStringType(field.Type()) && connStringFieldNames[strings.ToLower(field.Name())]
}

func isConfigName(owner string) bool {
	owner = strings.ToLower(owner[strings.LastIndexByte(owner, '.')+1:])
	for _, w := range configWords {
		if strings.Contains(owner, w) {
			return true
		}
	}
	return false
}

func isStringType(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}
