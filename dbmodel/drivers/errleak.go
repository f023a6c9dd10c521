package drivers

import (
	"net/url"
	"strings"

	"github.com/dbaudit/dbaudit/dbmodel/dsn"
)

// Errors that carry the password: which driver calls return an error whose
// text repeats the DSN's password, and for which DSN shapes. Measured with
// pgx v5.12.0 and lib/pq v1.12.3: integration/drivers/dsnleak
// (TestDriverErrorsCarryPassword) produces the error of each call below
// from DSNs of every shape, looks for the password in err.Error(), and
// fails where the family's Leaks, applied to DSNShapeOf of each DSN, says
// otherwise. The calls whose error text it finds clean (pgx.ParseConfig,
// pgxpool.ParseConfig, pgxpool.New: pgconn masks the password of every
// parse error) leak only through fmt's %#v, which prints the
// *pgconn.ParseConfigError's ConnString field (ErrorLeak.ParseConfigError).
// analyzers/dsnleak reports from these tables.

// LeakFamily is a group of calls whose errors carry the password for the
// same DSN shapes.
type LeakFamily int

const (
	// LeakNone: the error text never carries the password.
	LeakNone LeakFamily = iota
	// LeakPgxDial: pgx resolves the URL host itself, and its URL parser
	// ends the userinfo at the first '@'; with an unescaped '@' in the
	// password the host is the rest of the password, which the resolver's
	// error repeats: "hostname resolving error: lookup <rest>@127.0.0.1: no such host".
	LeakPgxDial
	// LeakNetURL: net/url.Parse, and lib/pq, which parses URLs with it and
	// returns its error: a URL that net/url refuses (a non-numeric port, an
	// unescaped '/' or '#' in the password) comes back whole, password
	// included: parse "postgres://app:<password>@127.0.0.1:notaport/app": invalid port.
	LeakNetURL
)

// String names the family as the Go code of its consts does.
func (f LeakFamily) String() string {
	switch f {
	case LeakNone:
		return "LeakNone"
	case LeakPgxDial:
		return "LeakPgxDial"
	case LeakNetURL:
		return "LeakNetURL"
	}
	return "LeakFamily(?)"
}

// Leaks reports whether the error carries the password for a DSN of shape
// sh, as measured.
func (f LeakFamily) Leaks(sh DSNShape) bool {
	switch f {
	case LeakPgxDial:
		return sh.HostHasAt
	case LeakNetURL:
		return sh.NetURLRefuses
	}
	return false
}

// MayLeak reports whether the error may carry the password though the
// text's shape does not show it: a password interpolated unescaped into a
// URL's userinfo breaks the URL when it holds '@' (pgx) or '/', '?', '#'
// (net/url); lib/pq and net/url also leak for a DSN whose text is not
// known at all, since any malformed URL comes back whole.
func (f LeakFamily) MayLeak(sh DSNShape) bool {
	switch f {
	case LeakPgxDial:
		return sh.DynamicUserinfoPassword
	case LeakNetURL:
		return sh.DynamicUserinfoPassword || !sh.Known
	}
	return false
}

// Measured is the error text the measurement saw for the family, the
// password masked as ****; "" for LeakNone.
func (f LeakFamily) Measured() string {
	switch f {
	case LeakPgxDial:
		return "failed to connect to `user=app database=app`: hostname resolving error: lookup ****@127.0.0.1: no such host " +
			"(DSN postgres://app:****@****@127.0.0.1/app)"
	case LeakNetURL:
		return `parse "postgres://app:****@127.0.0.1:notaport/app?sslmode=disable": invalid port ":notaport" after host`
	}
	return ""
}

// ErrorLeak is what a call's error shows of the DSN it was given.
type ErrorLeak struct {
	// Family says for which DSN shapes the error text carries the password.
	Family LeakFamily
	// ParseConfigError: the call returns pgx's *pgconn.ParseConfigError as
	// it is for a DSN pgx cannot parse. Its Error masks the password, but
	// its ConnString field holds the DSN as written, and fmt's %#v prints
	// the field.
	ParseConfigError bool
}

// ErrorCall is a driver call whose error may carry the DSN's password.
type ErrorCall struct {
	ErrorLeak
	// Name is the call as a message names it: "pgx.Connect", "(*pgxpool.Pool).Ping".
	Name string
	// DSNArg is the index of the DSN argument; -1: the DSN is that of the
	// handle the method is called on (see SQLDriverErrorLeak for
	// database/sql's).
	DSNArg int
	// AnyURL: the call parses any URL, not only DSNs (net/url.Parse).
	AnyURL bool
}

// errorCalls are the measured calls, by dbapi.FullName. What the errors
// of (*sql.DB).Ping show depends on the driver the handle was opened with
// (sqlDriverLeaks).
var errorCalls = map[string]ErrorCall{
	"github.com/jackc/pgx/v5.Connect":              {Name: "pgx.Connect", ErrorLeak: ErrorLeak{Family: LeakPgxDial, ParseConfigError: true}, DSNArg: 1},
	"github.com/jackc/pgx/v5.ParseConfig":          {Name: "pgx.ParseConfig", ErrorLeak: ErrorLeak{ParseConfigError: true}, DSNArg: 0},
	"github.com/jackc/pgx/v5/pgxpool.ParseConfig":  {Name: "pgxpool.ParseConfig", ErrorLeak: ErrorLeak{ParseConfigError: true}, DSNArg: 0},
	"github.com/jackc/pgx/v5/pgxpool.New":          {Name: "pgxpool.New", ErrorLeak: ErrorLeak{ParseConfigError: true}, DSNArg: 1},
	"github.com/jackc/pgx/v5/pgxpool.Pool.Ping":    {Name: "(*pgxpool.Pool).Ping", ErrorLeak: ErrorLeak{Family: LeakPgxDial}, DSNArg: -1},
	"github.com/jackc/pgx/v5/pgxpool.Pool.Acquire": {Name: "(*pgxpool.Pool).Acquire", ErrorLeak: ErrorLeak{Family: LeakPgxDial}, DSNArg: -1},
	"github.com/lib/pq.NewConnector":               {Name: "pq.NewConnector", ErrorLeak: ErrorLeak{Family: LeakNetURL}, DSNArg: 0},
	"net/url.Parse":                                {Name: "url.Parse", ErrorLeak: ErrorLeak{Family: LeakNetURL}, DSNArg: 0, AnyURL: true},
	"database/sql.DB.Ping":                         {Name: "(*sql.DB).Ping", DSNArg: -1},
	"database/sql.DB.PingContext":                  {Name: "(*sql.DB).PingContext", DSNArg: -1},
}

// LookupErrorCall returns the measured call named fullName (as
// dbapi.FullName spells it: "github.com/jackc/pgx/v5.Connect",
// "github.com/jackc/pgx/v5/pgxpool.Pool.Ping", "database/sql.DB.Ping").
// For a method called on a handle (DSNArg -1) the DSN is the handle's; the
// ErrorLeak of (*sql.DB).Ping and PingContext is empty, since their errors
// are those of the driver the handle was opened with (SQLDriverErrorLeak).
func LookupErrorCall(fullName string) (ErrorCall, bool) {
	c, ok := errorCalls[fullName]
	return c, ok
}

// sqlDriverLeaks are the database/sql driver names of lib/pq and pgx's
// stdlib: lib/pq returns net/url's errors, pgx's driver parses the DSN on
// first use and returns pgx's errors as they are.
var sqlDriverLeaks = map[string]ErrorLeak{
	"postgres": {Family: LeakNetURL},
	"pgx":      {Family: LeakPgxDial, ParseConfigError: true},
	"pgx/v5":   {Family: LeakPgxDial, ParseConfigError: true},
}

// SQLDriverErrorLeak returns what the errors of the first use
// ((*sql.DB).Ping, a query) of a database/sql handle opened with driver
// (sql.Open's first argument) show of its DSN; false for a driver that
// was not measured.
func SQLDriverErrorLeak(driver string) (ErrorLeak, bool) {
	l, ok := sqlDriverLeaks[driver]
	return l, ok
}

// DSNShape is what the text of a DSN shows about where its password is.
type DSNShape struct {
	// Known: some text of the DSN is known.
	Known bool
	// KVPassword, QueryPassword: a password outside the URL userinfo (a
	// keyword/value password=, a ?password=), which (*url.URL).Redacted
	// keeps.
	KVPassword, QueryPassword bool
	// HostHasAt: the URL's host, read as pgx reads it, holds an '@'.
	HostHasAt bool
	// NetURLRefuses: a URL with a password that net/url.Parse refuses.
	NetURLRefuses bool
	// DynamicUserinfoPassword: a password interpolated into the URL
	// userinfo (a dsn.Hole in it). Whether it was escaped is for the
	// caller to tell.
	DynamicUserinfoPassword bool
}

// Or is the shape of a DSN that may be written as a or as b.
func (a DSNShape) Or(b DSNShape) DSNShape {
	return DSNShape{
		Known:                   a.Known || b.Known,
		KVPassword:              a.KVPassword || b.KVPassword,
		QueryPassword:           a.QueryPassword || b.QueryPassword,
		HostHasAt:               a.HostHasAt || b.HostHasAt,
		NetURLRefuses:           a.NetURLRefuses || b.NetURLRefuses,
		DynamicUserinfoPassword: a.DynamicUserinfoPassword || b.DynamicUserinfoPassword,
	}
}

// DSNShapeOf reads one text of a DSN, dsn.Hole standing for each unknown
// part.
func DSNShapeOf(s string) DSNShape {
	d := dsn.Parse(s)
	pw, hasPassword := d.Password()
	sh := DSNShape{Known: d.Form != dsn.NotDSN}
	switch d.Form {
	case dsn.KeywordValue, dsn.ForeignURL:
		sh.KVPassword = hasPassword
	case dsn.URL:
		// A hole stands for a value that fits where it is. net/url ends
		// the userinfo at the last '@', pgx at the first '@' before a '/':
		// a password net/url sees counts even where pgx sees none
		// (postgres://app:pass/word@host).
		if _, err := url.Parse(strings.ReplaceAll(s, string(dsn.Hole), "0")); err != nil {
			sh.NetURLRefuses = hasPassword || netURLUserinfoPassword(s)
		}
		if !hasPassword {
			break
		}
		switch pw.Part {
		case dsn.PartQuery:
			sh.QueryPassword = true
		case dsn.PartPassword:
			sh.DynamicUserinfoPassword = pw.ValueDynamic()
		}
		for _, h := range d.Hosts() {
			if strings.ContainsRune(h.Host, '@') {
				sh.HostHasAt = true
			}
		}
	}
	return sh
}

// netURLUserinfoPassword reports whether the URL s has a password in its
// userinfo as net/url delimits it (up to the last '@').
func netURLUserinfoPassword(s string) bool {
	_, rest, ok := strings.Cut(s, "://")
	if !ok {
		return false
	}
	i := strings.LastIndexByte(rest, '@')
	return i >= 0 && strings.ContainsRune(rest[:i], ':')
}
