// Package defaults holds a service's default settings: a connection string
// compared with the configured one connects nowhere (miniflux's
// IsDefaultDatabaseURL), while the same text kept as a value is written into
// the code.
package defaults

const defaultURL = "user=postgres password=postgres dbname=app sslmode=disable" // want `a database password is written into the code`

type options struct{ databaseURL string }

// IsDefault compares with a literal: silent.
func (o options) IsDefault() bool {
	return o.databaseURL == "user=postgres password=postgres dbname=app sslmode=disable"
}

// IsNotLocal compares with != on the left: silent.
func (o options) IsNotLocal() bool {
	return "postgres://app:hunter2@localhost/app" != o.databaseURL
}

// Kind switches over known strings: silent.
func (o options) Kind() string {
	switch o.databaseURL {
	case "postgres://app:hunter2@localhost/app":
		return "local"
	}
	return "other"
}

// Fallback returns a literal as a value: flagged.
func (o options) Fallback() string {
	if o.databaseURL == "" {
		return "postgres://app:hunter2@localhost/app" // want `a database password is written into the code`
	}
	return o.databaseURL
}

var _ = defaultURL
