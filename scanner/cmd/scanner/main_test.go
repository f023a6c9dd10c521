package main

import (
	"bytes"
	"strings"
	"testing"
)

// The service's end-to-end tests (migrate, kill and restart, SIGTERM) build
// this command and run it as a subprocess: see scanner/e2e.

const token = "cmd-test-token-0123456789"

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestUsageAndConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"no command", nil, nil, 2, "usage: scanner"},
		{"help", []string{"help"}, nil, 0, "usage: scanner"},
		{"unknown command", []string{"scan"}, nil, 2, `unknown command "scan"`},
		{"no database", []string{"serve"}, map[string]string{"API_TOKEN": token}, 2, "DATABASE_URL is not set"},
		{"no token", []string{"serve"}, map[string]string{"DATABASE_URL": "postgres://x@db/x"}, 2, "API_TOKEN is not set"},
		{"short token", []string{"serve"}, map[string]string{"DATABASE_URL": "postgres://x@db/x", "API_TOKEN": "abc"}, 2, "API_TOKEN is too short"},
		{"bad int", []string{"serve"}, map[string]string{"DATABASE_URL": "postgres://x@db/x", "API_TOKEN": token, "SCANNER_WORKERS": "many"}, 2, `SCANNER_WORKERS: "many" is not an integer`},
		{"bad duration", []string{"migrate"}, map[string]string{"DATABASE_URL": "postgres://x@db/x", "SCANNER_FETCH_TIMEOUT": "30"}, 2, "SCANNER_FETCH_TIMEOUT"},
		{"bad pooler", []string{"migrate"}, map[string]string{"DATABASE_URL": "postgres://x@db/x", "SCANNER_DB_POOLER": "maybe"}, 2, "SCANNER_DB_POOLER"},
		{"bad flag", []string{"serve", "-workers=x"}, map[string]string{"DATABASE_URL": "postgres://x@db/x", "API_TOKEN": token}, 2, "invalid value"},
		{"bad migrate arg", []string{"migrate", "down"}, map[string]string{"DATABASE_URL": "postgres://x@db/x"}, 2, `unexpected argument "down"`},
		// A DATABASE_URL pgx cannot parse is a configuration error (exit 2),
		// not a runtime failure (reliability report D12); serve and migrate alike.
		{"unparsable url", []string{"migrate"}, map[string]string{"DATABASE_URL": "postgres://app:hunter2@db:port/x"}, 2, "DATABASE_URL cannot be parsed"},
		{"upper-case scheme", []string{"migrate"}, map[string]string{"DATABASE_URL": "POSTGRES://app:hunter2@db/x"}, 2, "DATABASE_URL cannot be parsed"},
		{"port out of range", []string{"migrate", "status"}, map[string]string{"DATABASE_URL": "postgres://app:hunter2@db:99999/x"}, 2, "DATABASE_URL cannot be parsed"},
		{"unparsable url serving", []string{"serve"}, map[string]string{"DATABASE_URL": "postgres://app:hunter2@db:99999/x", "API_TOKEN": token}, 2, "DATABASE_URL cannot be parsed"},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		code := run(tt.args, envOf(tt.env), &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", tt.name, code, stderr.String(), tt.code, tt.want)
		}
		if strings.Contains(stderr.String(), "hunter2") {
			t.Errorf("%s: the password was printed: %s", tt.name, stderr.String())
		}
	}
}
