package redact_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/dbmodel/redact"
)

// dsnCases are connection strings with what DSN must print for them and
// the secrets that must not appear. The shapes are those of the
// reliability report (D2, D15), those pgx's and lib/pq's parsers accept, and
// malformed ones that only the fallback sees. integration/drivers/redact's
// TestDSNDriverPasswords reads the inputs from this file and checks that the
// passwords pgx reads from them are gone too.
var dsnCases = []struct {
	in, want string
	secrets  []string
}{
	// URL form, any scheme spelling.
	{"postgres://app:s3cret@db:5432/app?sslmode=require", "postgres://app:xxxxx@db:5432/app?sslmode=require", []string{"s3cret"}},
	{"postgresql://app:s3cret@db/app", "postgresql://app:xxxxx@db/app", []string{"s3cret"}},
	{"POSTGRES://app:hunter2secret@127.0.0.1:1/db", "POSTGRES://app:xxxxx@127.0.0.1:1/db", []string{"hunter2secret"}},
	{"PostgreSQL://app:hunter2secret@127.0.0.1:1/db", "PostgreSQL://app:xxxxx@127.0.0.1:1/db", []string{"hunter2secret"}},
	{"jdbc:postgresql://app:jdbcsecret@db/app", "jdbc:postgresql://app:xxxxx@db/app", []string{"jdbcsecret"}},
	{"pgx://app:othersecret@db/app", "pgx://app:xxxxx@db/app", []string{"othersecret"}},
	{"  postgres://app:leadingspace@db/app", "  postgres://app:xxxxx@db/app", []string{"leadingspace"}},
	{"postgresql://app@db/app", "postgresql://app@db/app", nil},
	{"postgres://db/app", "postgres://db/app", nil},
	{"postgres://:onlypass@db/app", "postgres://:xxxxx@db/app", []string{"onlypass"}},
	{"postgres://app:@db/app", "postgres://app:@db/app", nil},
	{"postgres://app:p%40ss%2Fw0rd@db/app", "postgres://app:xxxxx@db/app", []string{"p%40ss%2Fw0rd", "p@ss/w0rd"}},
	// Query parameters ending in "password", any case, encoded keys.
	{"postgres://db/app?user=app&password=s3cret", "postgres://db/app?user=app&password=xxxxx", []string{"s3cret"}},
	{"postgres://app:x@127.0.0.1:1/db?sslpassword=keypass123", "postgres://app:xxxxx@127.0.0.1:1/db?sslpassword=xxxxx", []string{"keypass123"}},
	{"postgres://db/app?PASSWORD=upper123&sslmode=disable", "postgres://db/app?PASSWORD=xxxxx&sslmode=disable", []string{"upper123"}},
	{"postgres://db/app?pass%77ord=encodedkey", "postgres://db/app?pass%77ord=xxxxx", []string{"encodedkey"}},
	{"postgres://db/app?db_password=under_score&x=1", "postgres://db/app?db_password=xxxxx&x=1", []string{"under_score"}},
	{"postgres://db/app?password=has#hash&sslmode=disable", "postgres://db/app?password=xxxxx&sslmode=disable", []string{"has#hash"}},
	{"postgres://db/app?password=q?mark", "postgres://db/app?password=xxxxx", []string{"q?mark"}},
	{"postgres://db/app?password=amp&ersand&sslmode=disable", "postgres://db/app?password=xxxxx&sslmode=disable", []string{"amp&ersand", "ersand"}},
	{"POSTGRES://0@0/db?password=& 000&0=0", "POSTGRES://0@0/db?password=xxxxx&0=0", []string{"& 000"}},
	{"POSTGRES://app:pw1secret@db/app?sslpassword=pw2secret", "POSTGRES://app:xxxxx@db/app?sslpassword=xxxxx", []string{"pw1secret", "pw2secret"}},
	// pgx reads a scheme other than postgres:// and postgresql:// as
	// keyword/value text: the key runs to the first '='.
	{"PostgreSQL://0@0/db?password=&&0=0", "PostgreSQL://0@0/db?password=xxxxx", []string{"&&0=0"}},
	// Multiple hosts, IPv6, unescaped delimiters in the password.
	{"postgres://app:multihost@h1:5432,h2:5433/app", "postgres://app:xxxxx@h1:5432,h2:5433/app", []string{"multihost"}},
	{"postgres://app:ipv6secret@[::1]:5432/app", "postgres://app:xxxxx@[::1]:5432/app", []string{"ipv6secret"}},
	{"postgres://app:Pw@Rest@host/db", "postgres://app:xxxxx@host/db", []string{"Pw@Rest", "Rest"}},
	{"postgres://app:sec:ret:more@db/app", "postgres://app:xxxxx@db/app", []string{"sec:ret:more"}},
	{"postgres://app:pa/ss@db/app", "postgres://app:xxxxx@db/app", []string{"pa/ss"}},
	{"postgres://app:pa?ss@db/app", "postgres://app:xxxxx@db/app", []string{"pa?ss"}},
	{"postgres://app:pa#ss@db/app", "postgres://app:xxxxx@db/app", []string{"pa#ss"}},
	{"postgres://a@u:sec:ret@h/db", "postgres://a@u:xxxxx@h/db", []string{"sec:ret"}},
	{"postgres://db:notaport/app", "postgres://db:xxxxx/app", []string{"notaport"}},
	// After a userinfo a port that is not a number is a typo, shown.
	{"postgres://app@db:5o32/orders", "postgres://app@db:5o32/orders", nil},
	{"postgres://app:s3cret@db:5o32/orders", "postgres://app:xxxxx@db:5o32/orders", []string{"s3cret"}},
	{"postgres://h?password=se@cret&sslpassword=abcdef", "postgres://h?password=xxxxx&sslpassword=xxxxx", []string{"se@cret", "abcdef"}},
	// An '@' after the first '/' may end a password holding an unescaped
	// '/': masked from the first ':' to the last '@', even in a valid URL.
	{"postgres://u:12/ab@db/app", "postgres://u:xxxxx@db/app", []string{"12/ab"}},
	{"PostgreSQL://0:,00/@0/db?0=0", "PostgreSQL://0:xxxxx@0/db?0=0", []string{",00/"}},
	{"postgres:///:0000@0/db?0=0", "postgres:///:xxxxx@0/db?0=0", []string{"0000"}},
	{"postgresql://0[:/000@0/db?0=0", "postgresql://0[:xxxxx@0/db?0=0", []string{"/000"}},
	{"postgres://app:s3cret@db:5432/app?application_name=a@b", "postgres://app:xxxxx@b", []string{"s3cret"}},
	// Keyword/value form.
	{"host=db user=app password=s3cret dbname=app", "host=db user=app password=xxxxx dbname=app", []string{"s3cret"}},
	{"host=127.0.0.1 port=1 user=app password=x sslpassword=keypass123", "host=127.0.0.1 port=1 user=app password=xxxxx sslpassword=xxxxx", []string{"keypass123"}},
	{`host=db password = 's3 cret\' x' dbname=app`, "host=db password = xxxxx dbname=app", []string{`'s3 cret\' x'`, "s3 cret' x"}},
	{`host=db password=esc\ aped\ space user=u`, "host=db password=xxxxx user=u", []string{`esc\ aped\ space`, "esc aped space"}},
	{"host=db PASSWORD=caps123 SSLPassword=caps456", "host=db PASSWORD=xxxxx SSLPassword=xxxxx", []string{"caps123", "caps456"}},
	{"host=db password=", "host=db password=", nil},
	{"host=db password=''", "host=db password=xxxxx", nil},
	{"host=db\tpassword=tabbed\nuser=u", "host=db\tpassword=xxxxx\nuser=u", []string{"tabbed"}},
	{"host=db password=nbsp\u00a0user=u", "host=db password=xxxxx", []string{"nbsp"}},
	{"host=a\u00a0password=libpqreads user=u", "host=a\u00a0password=xxxxx user=u", []string{"libpqreads"}},
	{"host=db password=two words user=u", "host=db password=xxxxx xxxxx user=u", []string{"two", "words"}},
	{"host=db password='unterminated secret", "host=db password=xxxxx", []string{"unterminated", "secret"}},
	{"host=db password='quoted'trailing user=u", "host=db password=xxxxx user=u", []string{"quoted", "trailing"}},
	// Neither form: the fallback.
	{"postgres//app:fallback1@db/app", "postgres//app:xxxxx@db/app", []string{"fallback1"}},
	{"app:fallback2@db", "app:xxxxx@db", []string{"fallback2"}},
	{"just some text", "just some text", nil},
	{"", "", nil},
}

func TestDSN(t *testing.T) {
	t.Parallel()
	for _, c := range dsnCases {
		got := redact.DSN(c.in)
		if got != c.want {
			t.Errorf("DSN(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
		for _, s := range c.secrets {
			if strings.Contains(got, s) {
				t.Errorf("DSN(%q) = %q keeps %q", c.in, got, s)
			}
		}
	}
	if len(dsnCases) < 30 {
		t.Errorf("only %d shapes", len(dsnCases))
	}
}

func TestSecrets(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text, dsn, want string
	}{
		// The DSN repeated in a message.
		{"cannot use POSTGRES://app:hunter2secret@db/app: refused", "POSTGRES://app:hunter2secret@db/app", "cannot use POSTGRES://app:xxxxx@db/app: refused"},
		// The password alone, as written and decoded.
		{"auth for hunter2secret failed", "postgres://app:hunter2secret@db/app", "auth for xxxxx failed"},
		{"got p@ss/w0rd and p%40ss%2Fw0rd", "postgres://app:p%40ss%2Fw0rd@db/app", "got xxxxx and xxxxx"},
		// Re-encoded by a driver (lib/pq writes password='…').
		{"password='it\\'s a secret'", "host=db password='it\\'s a secret'", "password=xxxxx"},
		{"escaped a+b%2Bc here", "host=db password='a b+c'", "escaped xxxxx here"},
		// D15: pgx's host is the tail of the password.
		{"lookup Rest@host: no such host", "postgres://app:Pw@Rest@host/db", "lookup xxxxx@host: no such host"},
		// pgx forwards an unknown key as a run-time parameter.
		{"sent to the server as run-time parameters: POSTGRES://app:runtimepw@h/db?x", "POSTGRES://app:runtimepw@h/db?x=y", "sent to the server as run-time parameters: POSTGRES://app:xxxxx@h/db?x"},
		// Short passwords are masked in the DSN, not hunted in free text.
		{"pw is short", "postgres://app:pw@db/app", "pw is short"},
		// Text's fallback still runs: password=... anywhere.
		{"other password=leaked here", "postgres://app@db/app", "other password=xxxxx here"},
		// Nothing to remove.
		{"connection refused", "postgres://app@db/app", "connection refused"},
		{"a user:pass1234@host word", "", "a user:xxxxx@host word"},
	} {
		if got := redact.Secrets(c.text, c.dsn); got != c.want {
			t.Errorf("Secrets(%q, %q)\n got %q\nwant %q", c.text, c.dsn, got, c.want)
		}
	}
}

// serverError stands for a driver's typed error (pgconn.PgError): what
// errors.As must still find under the redaction.
type serverError struct{ Code, Message string }

func (e *serverError) Error() string { return e.Message + " (SQLSTATE " + e.Code + ")" }

func TestError(t *testing.T) {
	t.Parallel()
	dsn := "postgres://app:hunter2secret@127.0.0.1:1/db"
	base := &serverError{Code: "28P01", Message: "password authentication failed"}
	err := redact.Error(fmt.Errorf("connecting to %s: %w", dsn, base), dsn)
	if strings.Contains(err.Error(), "hunter2secret") || !strings.Contains(err.Error(), "postgres://app:xxxxx@127.0.0.1:1/db") {
		t.Errorf("Error: %v", err)
	}
	var srvErr *serverError
	if !errors.As(err, &srvErr) || srvErr.Code != "28P01" {
		t.Errorf("errors.As lost the server error: %#v", err)
	}
	if redact.Error(nil, dsn) != nil {
		t.Error("Error(nil) != nil")
	}
}

func TestHost(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"Rest@host": "xxxxx@host", "a@b@host": "xxxxx@host", "db.internal": "db.internal", "": ""} {
		if got := redact.Host(in); got != want {
			t.Errorf("Host(%q) = %q, want %q", in, got, want)
		}
		if redact.HostHasAt(in) != strings.Contains(in, "@") {
			t.Errorf("HostHasAt(%q)", in)
		}
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"cannot parse `host=db password=abc def`":           "cannot parse `host=db password=xxxxx def`",
		`{"password": "json secret", "user": "app"}`:        `{"password": xxxxx, "user": "app"}`,
		"PGPASSWORD=envsecret psql":                         "PGPASSWORD=xxxxx psql",
		"dial tcp 127.0.0.1:1: connect: connection refused": "dial tcp 127.0.0.1:1: connect: connection refused",
		"mail me at someone@example.com":                    "mail me at someone@example.com",
		"password authentication failed for user \"app\"":   "password authentication failed for user \"app\"",
	} {
		if got := redact.Text(in); got != want {
			t.Errorf("Text(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}
