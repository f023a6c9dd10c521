package redact_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/lib/pq"

	"github.com/dbaudit/dbaudit/dbmodel/redact"
)

// FuzzDSN builds connection strings from fuzzed parts — user, password,
// host, one extra key and value — in URL and keyword/value form, with the
// scheme in varied case and the password raw, escaped or quoted, and, for
// every string pgx accepts, asserts that no 4-byte run of a password
// survives in DSN's output unless the rest of the string holds it too. The
// passwords are the one put in and the ones pgx and lib/pq read (they differ
// when the password holds an unescaped '@', '/' or '?').
func FuzzDSN(f *testing.F) {
	for _, seed := range []struct {
		user, password, host, key, value string
		form                             uint8
	}{
		{"app", "hunter2secret", "127.0.0.1:1", "sslmode", "disable", 0},
		{"app", "hunter2secret", "127.0.0.1:1", "sslmode", "disable", 2},   // POSTGRES://
		{"app", "keypass123", "127.0.0.1", "sslpassword", "keypass123", 8}, // key=value
		{"app", "Pw@Rest", "host", "application_name", "x", 0},             // D15
		{"app", "p@ss/w0rd?#&", "db", "search_path", "public", 1},
		{"app", "it's a 'quoted' secret\\", "db", "options", "-c geqo=off", 9},
		{"app", "sec:ret", "db", "password", "second", 4},
		{"", "onlypass", "h1,h2:5433", "target_session_attrs", "read-write", 0},
		{"app", "nbsp\u00a0pass", "db", "application_name", "a b", 10},
		{"app", "plain", "[::1]:5432", "connect_timeout", "5", 3},
	} {
		f.Add(seed.user, seed.password, seed.host, seed.key, seed.value, seed.form)
	}
	f.Fuzz(func(t *testing.T, user, password, host, key, value string, form uint8) {
		if strings.ContainsRune(user+password+host+key+value, 0) || readsFiles(key) {
			return
		}
		if form&8 == 0 && form&4 != 0 && form&16 == 0 && rawAmpersandStartsParam(password) {
			// A raw '&' before an '=' in a query value starts a new
			// parameter for every reader: nothing tells it was meant as
			// part of the password.
			return
		}
		dsn, skeleton := buildDSN(user, password, host, key, value, form)
		cfg, err := pgconn.ParseConfig(dsn)
		if err != nil {
			return
		}
		secrets := []string{password, cfg.Password}
		for k, v := range cfg.RuntimeParams {
			if strings.HasSuffix(strings.ToLower(k), "password") {
				secrets = append(secrets, v)
			}
		}
		if strings.HasSuffix(strings.ToLower(key), "password") {
			secrets = append(secrets, value)
		}
		if pqCfg, err := pq.NewConfig(dsn); err == nil {
			secrets = append(secrets, pqCfg.Password)
		}
		got := redact.DSN(dsn)
		for _, s := range secrets {
			if w, ok := survives(got, skeleton, s); ok {
				t.Fatalf("DSN(%q)\n= %q\nkeeps %q of the password %q", dsn, got, w, s)
			}
		}
	})
}

// rawAmpersandStartsParam: an '&' followed later by an '='.
func rawAmpersandStartsParam(s string) bool {
	i := strings.IndexByte(s, '&')
	return i >= 0 && strings.IndexByte(s[i:], '=') >= 0
}

// survives returns a 4-byte run of secret that got holds and skeleton (the
// string with its passwords masked) does not.
func survives(got, skeleton, secret string) (string, bool) {
	const n = 4
	for i := 0; i+n <= len(secret); i++ {
		w := secret[i : i+n]
		if strings.Contains(got, w) && !strings.Contains(skeleton, w) {
			return w, true
		}
	}
	return "", false
}

// readsFiles: keys that make pgx read files or services; they add nothing
// to the shapes and slow the fuzzer down.
func readsFiles(key string) bool {
	switch strings.ToLower(strings.TrimSpace(key)) {
	case "passfile", "service", "servicefile", "sslrootcert", "sslcert", "sslkey", "sslmode", "sslnegotiation":
		return true
	}
	return false
}

// buildDSN assembles a connection string; skeleton is the same string with
// the password (and a password-named extra value) written as redact.Mask.
//
// form bits: 0-1 scheme spelling, 2 password in the query instead of the
// userinfo, 3 keyword/value instead of URL, 4 escape the password (URL) or
// quote it (keyword/value), 5 escape the other parts too.
func buildDSN(user, password, host, key, value string, form uint8) (dsn, skeleton string) {
	pwSecret := strings.HasSuffix(strings.ToLower(key), "password")
	if form&8 != 0 {
		q := func(s string) string {
			if form&16 != 0 || s == "" || strings.ContainsAny(s, " \t\n\r\v\f'\\") {
				return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
			}
			return s
		}
		build := func(pw, v string) string {
			parts := []string{"host=" + q(host)}
			if user != "" {
				parts = append(parts, "user="+q(user))
			}
			parts = append(parts, "password="+q(pw))
			if key != "" {
				parts = append(parts, key+"="+q(v))
			}
			return strings.Join(parts, " ")
		}
		dsn = build(password, value)
		skeleton = strings.ReplaceAll(build("\x00", value), "'\x00'", "\x00")
		skeleton = strings.ReplaceAll(skeleton, "\x00", redact.Mask)
		if pwSecret {
			skeleton = build(redact.Mask, redact.Mask)
		}
		return dsn, skeleton
	}
	scheme := []string{"postgres", "postgresql", "POSTGRES", "PostgreSQL"}[form&3]
	esc := func(s string) string {
		if form&32 != 0 {
			return url.PathEscape(s)
		}
		return s
	}
	build := func(pw, v string) string {
		var b strings.Builder
		b.WriteString(scheme + "://")
		if form&4 == 0 {
			b.WriteString(esc(user) + ":" + pw + "@")
		} else if user != "" {
			b.WriteString(esc(user) + "@")
		}
		b.WriteString(host + "/db")
		sep := "?"
		if form&4 != 0 {
			b.WriteString(sep + "password=" + pw)
			sep = "&"
		}
		if key != "" {
			b.WriteString(sep + esc(key) + "=" + v)
		}
		return b.String()
	}
	pw := password
	if form&16 != 0 {
		if form&4 != 0 {
			pw = url.QueryEscape(password)
		} else {
			pw = url.UserPassword("", password).String()[1:]
		}
	}
	v := esc(value)
	dsn = build(pw, v)
	if pwSecret {
		v = redact.Mask
	}
	skeleton = build(redact.Mask, v)
	return dsn, skeleton
}
