package dsn

import (
	"strings"
	"unicode"
)

// Literal is what a connection string written into code gives away.
type Literal struct {
	DSN *DSN
	// Password is the password setting when it is a real one (not a
	// placeholder).
	Password *Param
}

// coreKeys are the keys that make a keyword/value string a connection
// string rather than any list of settings.
var coreKeys = map[string]bool{"host": true, "hostaddr": true, "dbname": true, "database": true, "password": true, "service": true}

// AsLiteral decides whether s, found as a string constant in code, is a
// connection string — and not another URL, a list of unrelated key=value
// pairs, or a help text or template whose parts are placeholders
// (postgres://USER:PASSWORD@HOST/DB, %s, ${DB_HOST}, <password>). knownKey
// tells whether a key belongs to some driver or the server; keyword/value
// strings must consist of known keys only.
func AsLiteral(s string, knownKey func(string) bool) (Literal, bool) {
	d := Parse(s)
	switch d.Form {
	case URL, ForeignURL:
		if d.Opaque || !hasAny(d, "host", "dbname", "password", "user") {
			return Literal{}, false
		}
	case KeywordValue:
		if d.Err != nil || d.Opaque || len(d.Params) < 2 {
			return Literal{}, false
		}
		// One mistyped key (sslMode) does not make a connection string
		// anything else: unknown keys are allowed beside at least two core
		// keys and more known keys than unknown ones; driveropts reports
		// the unknown key.
		known, core := 0, 0
		for _, p := range d.Params {
			if knownKey(p.Key) {
				known++
				if coreKeys[p.Key] {
					core++
				}
			}
		}
		unknown := len(d.Params) - known
		if core == 0 || unknown > 0 && (core < 2 || unknown >= known) {
			return Literal{}, false
		}
	default:
		return Literal{}, false
	}
	lit := Literal{DSN: d}
	pw, hasPassword := d.Password()
	if d.Err != nil && (!hasPassword || pw.Value == "") {
		return Literal{}, false // text that only starts like a URL (a message, a mask)
	}
	if hasPassword && pw.Value != "" {
		if IsPlaceholder(pw.Value) {
			return Literal{}, false // a help text or template
		}
		lit.Password = &pw
		return lit, true
	}
	for _, k := range []string{"host", "user", "dbname"} {
		if p, ok := d.Get(k); ok && IsPlaceholder(p.Value) {
			return Literal{}, false
		}
	}
	return lit, true
}

func hasAny(d *DSN, keys ...string) bool {
	for _, k := range keys {
		if p, ok := d.Get(k); ok && p.Value != "" {
			return true
		}
	}
	return false
}

// placeholderWords are values that name a part instead of being one.
// "secret" and "changeme" are not among them: as passwords they are real
// (if weak) more often than not.
var placeholderWords = map[string]bool{
	"user": true, "username": true, "usr": true, "pass": true, "password": true, "passwd": true, "pwd": true, "pw": true,
	"host": true, "hostname": true, "server": true, "port": true, "db": true, "dbname": true, "database": true,
	"database_name": true, "db_name": true, "dbuser": true, "db_user": true, "dbpass": true, "db_pass": true,
	"yourpassword": true, "your_password": true, "your-password": true, "mypassword": true, "my_password": true,
	"example": true, "example.com": true,
}

// IsPlaceholder reports whether a DSN part stands for a value instead of
// being one: a fmt verb, ${VAR} or $VAR, {name}, <name>, [name], a hole,
// a name in capitals (USER, DB_HOST), a word such as "password" or "host",
// or a mask (****, xxx, …).
func IsPlaceholder(v string) bool {
	if v == "" {
		return false
	}
	if strings.ContainsAny(v, "%{}<>[]$\x00…") {
		return true
	}
	if placeholderWords[strings.ToLower(v)] {
		return true
	}
	if strings.Trim(v, "*xX.") == "" {
		return true
	}
	// An all-capitals name: USER, DB_PASSWORD, YOUR_HOST (with a digit it
	// is more likely a real secret, S3CR3T).
	upper := false
	for _, r := range v {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case r == '_' || r == '-':
		default:
			return false
		}
	}
	return upper
}
