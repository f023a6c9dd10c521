package dsn

import "testing"

func TestAsLiteral(t *testing.T) {
	t.Parallel()
	known := func(k string) bool {
		switch k {
		case "host", "port", "user", "password", "dbname", "sslmode", "application_name":
			return true
		}
		return false
	}
	tests := []struct {
		in           string
		dsn, hasPass bool
	}{
		{"postgres://app:s3cret@db.internal:5432/orders", true, true},
		{"postgres://app@db.internal:5432/orders?sslmode=disable", true, false},
		{"postgres://postgres:postgres@localhost:5432/postgres", true, true},
		{"host=db port=5432 user=app password=s3cret dbname=orders", true, true},
		{"host=localhost port=5432 dbname=app", true, false},
		{"postgres://USER:PASSWORD@HOST:5432/DB", false, false},
		{"postgres://user:password@host:5432/dbname", false, false},
		{"postgres://%s:%s@%s:%d/%s?sslmode=%s", false, false},
		{"postgres://app:s3cret@%s/orders", true, true},
		{"postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}/app", false, false},
		{"postgres://app:<password>@db/orders", false, false},
		{"postgres://app:****@db/orders", false, false},
		{"postgres://USER@HOST/DB", false, false},
		{"postgres://", false, false},
		{"postgresql://", false, false},
		{"https://example.com/?user=a&password=b", false, false},
		{"a=b c=d", false, false},
		{"sslmode=disable application_name=x", false, false},                           // no core key
		{"name=foo host=bar", false, false},                                            // an unknown key beside one core key
		{"host=db user=svc password=s3cret dbname=orders sslMode=require", true, true}, // one mistyped key
		{"level=info msg=started host=db", false, false},                               // a log line
		{"host=db dbname=x a=1 b=2 c=3", false, false},                                 // more unknown keys than known
		{"postgresql+asyncpg://app:hunter2@db/orders", true, true},
		{"host=%s port=%d user=%s password=%s dbname=%s", false, false},
		{"postgres://app:S3CR3T@db/orders", true, true},
	}
	for _, tt := range tests {
		lit, ok := AsLiteral(tt.in, known)
		if ok != tt.dsn || ok && (lit.Password != nil) != tt.hasPass {
			t.Errorf("%q: dsn %v password %v, want %v %v", tt.in, ok, lit.Password != nil, tt.dsn, tt.hasPass)
		}
	}
}

func TestAsLiteralMessages(t *testing.T) {
	t.Parallel()
	known := func(string) bool { return true }
	if _, ok := AsLiteral("postgres://xxxxx (unparsable URL)", known); ok {
		t.Error("a message that starts like a URL is not a connection string")
	}
	if lit, ok := AsLiteral("postgres://app:p@ss word@db/app", known); !ok || lit.Password == nil {
		t.Error("a broken URL with a password is still a credential in code")
	}
}
