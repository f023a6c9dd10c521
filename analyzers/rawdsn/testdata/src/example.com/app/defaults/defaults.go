// Package defaults holds a service's default settings: a connection string
// compared with the configured one connects nowhere (miniflux's
// IsDefaultDatabaseURL), while the same text kept as a value is written into
// the code.
package defaults

const defaultURL = "user=app password=s3cret dbname=app sslmode=disable" // want `a database password is written into the code`

// One mistyped key (sslMode, which driveropts reports) leaves a connection
// string a connection string.
const mistyped = "host=db user=svc password=Sup3rS3cret dbname=orders sslMode=require" // want `a database password is written into the code`

// The stock local credentials (password = user name, on this machine only)
// are a development default, not a secret: silent.
const (
	stockKV     = "user=postgres password=postgres dbname=app sslmode=disable"
	stockURL    = "postgres://postgres:postgres@localhost:5432/app?sslmode=disable"
	stockSocket = "host=/var/run/postgresql user=app password=app dbname=app"
)

// The same credentials on another host reach a deployment: flagged.
const (
	remoteKV  = "host=db.internal user=postgres password=postgres dbname=app" // want `a database password is written into the code`
	remoteURL = "postgres://postgres:postgres@db.internal/app"                // want `a database password is written into the code`
)

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

var _ = []string{mistyped, defaultURL, stockKV, stockURL, stockSocket, remoteKV, remoteURL}
