package dsn

import (
	"strings"
	"testing"
)

// kv renders the settings as "key=value" lines for comparison.
func kv(d *DSN) string {
	var b strings.Builder
	for _, p := range d.Params {
		b.WriteString(p.Key + "=" + strings.ReplaceAll(p.Value, string(Hole), "<?>") + "\n")
	}
	return b.String()
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		form   Form
		scheme string
		want   string // settings, one per line
		err    string // substring of the syntax error
		opaque bool
	}{
		{in: "postgres://app:s3cret@db.example.com:5432/orders?sslmode=require&application_name=api", form: URL, scheme: "postgres",
			want: "user=app\npassword=s3cret\nhost=db.example.com\nport=5432\ndbname=orders\nsslmode=require\napplication_name=api\n"},
		{in: "postgresql://localhost/mydb", form: URL, scheme: "postgresql", want: "host=localhost\ndbname=mydb\n"},
		{in: "postgres://", form: URL, scheme: "postgres"},
		{in: "postgres://u@h1:5432,h2:5433/db", form: URL, want: "user=u\nhost=h1,h2\nport=5432,5433\ndbname=db\n"},
		{in: "postgres://u@[::1]:5432/db", form: URL, want: "user=u\nhost=::1\nport=5432\ndbname=db\n"},
		{in: "postgres://%2Fvar%2Frun%2Fpostgresql/db", form: URL, want: "host=/var/run/postgresql\ndbname=db\n"},
		// libpq: the first '@' ends the userinfo.
		{in: "postgres://u:p@ss@h/db", form: URL, want: "user=u\npassword=p\nhost=ss@h\ndbname=db\n"},
		{in: "postgres://u:p%40ss@h/db", form: URL, want: "user=u\npassword=p@ss\nhost=h\ndbname=db\n"},
		{in: "postgres://h/db?sslmode", form: URL, err: `missing key/value separator "="`},
		{in: "postgres://h/db?a=b=c", form: URL, err: `extra key/value separator "="`},
		{in: "postgres://h/db?a=%zz", form: URL, err: "invalid percent-encoded token"},
		{in: "postgres://h/db?a=b c", form: URL, err: "unexpected spaces"},
		{in: "postgres://[::1/db", form: URL, err: `matching "]"`},
		{in: "host=localhost port=5432 dbname=app user=app password=secret sslmode=disable", form: KeywordValue,
			want: "host=localhost\nport=5432\ndbname=app\nuser=app\npassword=secret\nsslmode=disable\n"},
		{in: "host=h password='it''s' ", form: KeywordValue, err: "invalid keyword/value"},
		{in: `host=h password='it\'s a secret' dbname=d`, form: KeywordValue, want: "host=h\npassword=it's a secret\ndbname=d\n"},
		{in: `password=a\ b host=h`, form: KeywordValue, want: "password=a b\nhost=h\n"},
		{in: "host = h  sslmode =disable", form: KeywordValue, want: "host=h\nsslmode=disable\n"},
		{in: "ho st=h", form: KeywordValue, err: `missing "=" after "ho"`},
		{in: "host='h", form: KeywordValue, err: "unterminated quoted string"},
		{in: "user= host=h", form: KeywordValue, want: "user=host=h\n"}, // as libpq: the value after "=" starts at the next non-space
		{in: "user='' host=h", form: KeywordValue, want: "host=h\n"},    // pgconn drops an empty user
		{in: "postgresql+asyncpg://u:p@h:5432/db?ssl=require", form: ForeignURL, scheme: "postgresql+asyncpg",
			want: "user=u\npassword=p\nhost=h\nport=5432\ndbname=db\nssl=require\n"},
		{in: "jdbc:postgresql://h:5432/db?user=u", form: ForeignURL, scheme: "jdbc:postgresql", want: "host=h\nport=5432\ndbname=db\nuser=u\n"},
		{in: "POSTGRES://h/db", form: ForeignURL, scheme: "POSTGRES", want: "host=h\ndbname=db\n"},
		{in: "https://example.com/x?a=b", form: NotDSN, scheme: "https"},
		{in: "redis://localhost:6379/0", form: NotDSN, scheme: "redis"},
		// Fragments: holes for dynamic parts.
		{in: "\x00?sslmode=require&command_timeout=30", form: URL, want: "sslmode=require\ncommand_timeout=30\n", opaque: true},
		{in: "\x00&pool_max_conns=10", form: URL, want: "pool_max_conns=10\n", opaque: true},
		{in: "\x00:5432/db?sslmode=disable", form: URL, want: "sslmode=disable\n", opaque: true},
		{in: "postgres://\x00:\x00@\x00:\x00/\x00?sslmode=disable", form: URL,
			want: "user=<?>\npassword=<?>\nhost=<?>\nport=<?>\ndbname=<?>\nsslmode=disable\n"},
		{in: "host=\x00 port=\x00 user=\x00 password=\x00 dbname=\x00 sslmode=disable", form: KeywordValue,
			want: "host=<?>\nport=<?>\nuser=<?>\npassword=<?>\ndbname=<?>\nsslmode=disable\n"},
		{in: "\x00 sslmode=disable", form: KeywordValue, want: "sslmode=disable\n", opaque: true},
		{in: "postgres://h/db?sslmode=disable&\x00", form: URL, want: "host=h\ndbname=db\nsslmode=disable\n", opaque: true},
	}
	for _, tt := range tests {
		d := Parse(tt.in)
		name := strings.ReplaceAll(tt.in, "\x00", "<?>")
		if d.Form != tt.form {
			t.Errorf("%s: form %v, want %v", name, d.Form, tt.form)
		}
		if tt.scheme != "" && d.Scheme != tt.scheme {
			t.Errorf("%s: scheme %q, want %q", name, d.Scheme, tt.scheme)
		}
		if tt.err != "" {
			if d.Err == nil || !strings.Contains(d.Err.Error(), tt.err) {
				t.Errorf("%s: error %v, want %q", name, d.Err, tt.err)
			}
			continue
		}
		if d.Err != nil {
			t.Errorf("%s: unexpected error %v", name, d.Err)
		}
		if got := kv(d); got != tt.want {
			t.Errorf("%s: settings\n%s\nwant\n%s", name, got, tt.want)
		}
		if d.Opaque != tt.opaque {
			t.Errorf("%s: opaque %v, want %v", name, d.Opaque, tt.opaque)
		}
		checkRanges(t, d)
	}
}

func TestRanges(t *testing.T) {
	t.Parallel()
	d := Parse("postgres://u:pw@h:6543/db?sslmode=required&command_timeout=30")
	p, ok := d.Get("sslmode")
	if !ok || d.Input[p.KeyRange.Start:p.KeyRange.End] != "sslmode" || d.Input[p.ValueRange.Start:p.ValueRange.End] != "required" {
		t.Fatalf("sslmode ranges wrong: %+v", p)
	}
	pw, _ := d.Password()
	if d.Input[pw.ValueRange.Start:pw.ValueRange.End] != "pw" {
		t.Fatalf("password range wrong: %+v", pw)
	}
}

func TestRemovalRange(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, key, want string }{
		{"postgres://h/db?command_timeout=30", "command_timeout", "postgres://h/db"},
		{"postgres://h/db?command_timeout=30&sslmode=disable", "command_timeout", "postgres://h/db?sslmode=disable"},
		{"postgres://h/db?sslmode=disable&command_timeout=30", "command_timeout", "postgres://h/db?sslmode=disable"},
		{"postgres://h/db?a=1&command_timeout=30&b=2", "command_timeout", "postgres://h/db?a=1&b=2"},
		{"host=h command_timeout=30 dbname=d", "command_timeout", "host=h dbname=d"},
		{"host=h dbname=d command_timeout=30", "command_timeout", "host=h dbname=d"},
		{"command_timeout='3 0' host=h", "command_timeout", "host=h"},
	}
	for _, tt := range tests {
		d := Parse(tt.in)
		for i, p := range d.Params {
			if p.Key != tt.key {
				continue
			}
			r, ok := d.RemovalRange(i)
			if !ok {
				t.Fatalf("%s: no removal range", tt.in)
			}
			if got := tt.in[:r.Start] + tt.in[r.End:]; got != tt.want {
				t.Errorf("%s: removing %s gives %q, want %q", tt.in, tt.key, got, tt.want)
			}
		}
	}
}

func TestHosts(t *testing.T) {
	t.Parallel()
	got := Parse("postgres://u@h1:5432,h2:6543/db").Hosts()
	if len(got) != 2 || got[0] != (HostPort{"h1", "5432"}) || got[1] != (HostPort{"h2", "6543"}) {
		t.Fatalf("Hosts = %+v", got)
	}
	got = Parse("host=a,b port=6543").Hosts()
	if len(got) != 2 || got[1] != (HostPort{"b", "6543"}) {
		t.Fatalf("Hosts = %+v", got)
	}
}

func TestQuoteKV(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"plain", "", "a b", `it's`, `back\slash`} {
		d := Parse("password=" + QuoteKV(v) + " host=h")
		p, _ := d.Get("password")
		if d.Err != nil || p.Value != v {
			t.Errorf("QuoteKV(%q) = %q parses to %q (%v)", v, QuoteKV(v), p.Value, d.Err)
		}
	}
}

// checkRanges verifies the invariants every parse must keep: ranges inside
// the input, and keys and values that decode from their ranges.
func checkRanges(t *testing.T, d *DSN) {
	t.Helper()
	in := func(r Range) bool { return 0 <= r.Start && r.Start <= r.End && r.End <= len(d.Input) }
	for i, p := range d.Params {
		if !in(p.KeyRange) || !in(p.ValueRange) || !in(p.PairRange) {
			t.Fatalf("%q: param %d ranges out of bounds: %+v", d.Input, i, p)
		}
		rawKey := d.Input[p.KeyRange.Start:p.KeyRange.End]
		rawVal := d.Input[p.ValueRange.Start:p.ValueRange.End]
		switch p.Part {
		case PartKV:
			if rawKey != p.Key {
				t.Fatalf("%q: key range %q, key %q", d.Input, rawKey, p.Key)
			}
			if unescapeKV(rawVal) != p.Value {
				t.Fatalf("%q: value range %q, value %q", d.Input, rawVal, p.Value)
			}
		case PartQuery:
			if k, err := uriDecode(rawKey); err == "" && k != p.Key {
				t.Fatalf("%q: key range %q decodes to %q, key %q", d.Input, rawKey, k, p.Key)
			}
			if v, err := uriDecode(rawVal); err == "" && v != p.Value {
				t.Fatalf("%q: value range %q decodes to %q, value %q", d.Input, rawVal, v, p.Value)
			}
		}
	}
}
