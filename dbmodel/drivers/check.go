package drivers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dbaudit/dbaudit/dbmodel/dsn"
)

// Kind classifies a problem by when and how it shows.
type Kind string

const (
	// Rejected: the driver refuses the connection string before connecting.
	Rejected Kind = "rejected"
	// Refused: the driver forwards the key and the server ends the
	// connection with a FATAL error.
	Refused Kind = "refused"
	// Ignored: the driver reads the key and never acts on it.
	Ignored Kind = "ignored"
	// QueryFails: connecting works, every query fails.
	QueryFails Kind = "query_fails"
	// Misread: the driver reads the string in a way that loses its meaning
	// (a foreign URL scheme parsed as keyword/value).
	Misread Kind = "misread"
	// Unsafe: the setting works, but the module's driver version has known
	// vulnerabilities in what it turns on (pgx's simple protocol before the
	// SQL-injection fixes).
	Unsafe Kind = "unsafe"
)

// Problem is one thing the sink's driver or the server will not do.
type Problem struct {
	Kind Kind
	// Param is the index in DSN.Params of the setting at fault; -1 for the
	// scheme or the whole string.
	Param int
	Key   string
	// Answer is the exact error the driver or server gives (an ellipsis …
	// stands for text that varies, such as the whole DSN); empty for Ignored
	// and for Misread strings whose failure depends on the machine.
	Answer string
	// Why explains the problem; Instead names the Go way.
	Why, Instead string
	// Short, when set, is a one-line headline for a Why too long for one
	// (see Headline).
	Short string
	// Detail is more help text (the advisories of an Unsafe setting).
	Detail string
	Fix    *Fix
	// Sink is the sink the string was judged for.
	Sink *Sink
}

// Fix is a mechanical edit of the connection string text.
type Fix struct {
	Message string
	Range   dsn.Range
	NewText string
}

// Message is the finding text: what is wrong, what the driver answers, and
// what to write instead.
func (p Problem) Message() string {
	s := p.Sink
	var b strings.Builder
	b.WriteString(p.Why)
	if p.Answer != "" {
		fmt.Fprintf(&b, "; %s answers %s `%s`", s.short(), s.when(p.Kind), p.Answer)
	}
	if p.Instead != "" {
		b.WriteString("; " + p.Instead)
	}
	return b.String()
}

// MaxHeadline is the longest a finding's one-line message may be.
const MaxHeadline = 120

// Headline is the one-line finding text (at most MaxHeadline characters
// for the tables' own texts): what is wrong and what breaks. The driver's
// answer and the fix are in Help.
func (p Problem) Headline() string {
	h := p.Short
	if h == "" {
		h = p.Why
	}
	h = escapeControl(h)
	if len(h) > MaxHeadline {
		// A key or value of the user's own: cut at a word.
		cut := strings.LastIndexByte(h[:MaxHeadline-1], ' ')
		if cut < MaxHeadline/2 {
			cut = MaxHeadline - 1
		}
		h = h[:cut] + "…"
	}
	return h
}

// Help is the text under the headline, one item a line: the whole reason
// when the headline is shortened, the exact answer of the driver or server
// and when it comes (worded as in Message), and what to write instead.
func (p Problem) Help() string {
	s := p.Sink
	var lines []string
	if p.Short != "" || len(p.Why) > MaxHeadline {
		lines = append(lines, escapeControl(p.Why))
	}
	if p.Answer != "" {
		// The answer may quote the string, newlines and all: one line.
		lines = append(lines, escapeControl(fmt.Sprintf("%s answers %s `%s`", s.short(), s.when(p.Kind), p.Answer)))
	}
	if p.Detail != "" {
		lines = append(lines, p.Detail)
	}
	if p.Instead != "" {
		lines = append(lines, escapeControl(p.Instead))
	}
	if dv := s.DriverVersion(); dv != "" && s.Version != "" && s.Version != s.Measured {
		lines = append(lines, "Judged for "+dv+", the version the module requires.")
	}
	return strings.Join(lines, "\n")
}

// when says when the answer comes: database/sql parses nothing before the
// first Ping or query, and pgxpool connects only when a connection is
// first needed.
func (s *Sink) when(k Kind) string {
	switch {
	case k == QueryFails:
		return "on every query"
	case s.Lazy:
		return "at the first Ping or query"
	case k == Rejected || k == Misread:
		return "when it parses the string"
	case s.LazyConnect:
		return "at the first Ping or query"
	}
	return "at connect time"
}

// short is the driver's name in a message.
func (s *Sink) short() string {
	switch s.Family {
	case FamilyLibpq:
		if s.Name == "migrate" {
			return "golang-migrate"
		}
		return "lib/pq"
	}
	switch strings.TrimSuffix(s.Name, "4") { // pgx v4's sinks: pgconn4, pgx4, pgxpool4, stdlib4
	case "pgxpool":
		return "pgxpool"
	case "stdlib":
		return "pgx's database/sql driver"
	case "gorm":
		return "gorm's postgres driver (pgx)"
	case "pgconn":
		return "pgconn"
	}
	return "pgx"
}

// Check judges a parsed connection string against the sink. Settings with
// holes in their value are judged by key only; settings with holes in the
// key are not judged.
func (s *Sink) Check(d *dsn.DSN) []Problem {
	out := s.check(d)
	for i := range out {
		out[i].Sink = s
	}
	return out
}

func (s *Sink) check(d *dsn.DSN) []Problem {
	if d.Form == dsn.NotDSN {
		return nil
	}
	sink := s
	if s.URLOnly {
		var p []Problem
		if sink, p = s.migrateTarget(d); sink == nil {
			return p
		}
	} else if d.Form == dsn.ForeignURL {
		return []Problem{s.foreignScheme(d)}
	}
	if d.Err != nil && !d.Partial() {
		return []Problem{{Kind: Rejected, Param: -1, Why: "the connection string does not parse",
			Answer: d.Err.Error()}}
	}
	var out []Problem
	for i, p := range d.Params {
		if p.KeyDynamic() {
			continue
		}
		if prob, ok := sink.checkParam(d, i, s); ok {
			out = append(out, prob)
		}
	}
	out = append(out, sink.checkWhole(d)...)
	return out
}

// migrateTarget resolves golang-migrate's scheme to the sink that parses
// the rest, or reports why migrate.New will fail.
func (s *Sink) migrateTarget(d *dsn.DSN) (*Sink, []Problem) {
	if d.Form == dsn.KeywordValue {
		answer := "no scheme"
		if i := strings.IndexByte(d.Input, ':'); i > 0 {
			answer = fmt.Sprintf("database driver: unknown driver %s (forgotten import?)", d.Input[:i])
		}
		if d.Partial() {
			return nil, nil
		}
		return nil, []Problem{{Kind: Rejected, Param: -1, Answer: answer,
			Why:     "golang-migrate takes a URL, not a keyword/value connection string",
			Instead: "write postgres://user:password@host:port/dbname?sslmode=…"}}
	}
	if d.Scheme == "" {
		return nil, nil // a fragment: the scheme is dynamic
	}
	target, ok := s.Schemes[d.Scheme]
	if !ok {
		scheme := d.Scheme
		if i := strings.IndexByte(scheme, ':'); i >= 0 {
			scheme = scheme[:i] // migrate takes everything before the first ':'
		}
		if scheme == "pgx" || scheme == "pgx4" {
			return nil, nil // pgx v4 through migrate: not judged
		}
		return nil, []Problem{{Kind: Rejected, Param: -1,
			Answer:  fmt.Sprintf("database driver: unknown driver %s (forgotten import?)", scheme),
			Why:     fmt.Sprintf("golang-migrate has no database driver for the scheme %s://", d.Scheme),
			Instead: "use postgres:// (lib/pq) or pgx5:// (pgx v5)",
			Fix:     &Fix{Message: "use postgres://", Range: d.SchemeRange, NewText: "postgres"}}}
	}
	base := s.tables.sinks[target]
	// The migrate table adds its x- keys on top of the target driver's.
	merged := *base
	merged.Name = s.Name
	merged.Driver = s.Driver
	merged.StripPrefix = s.StripPrefix
	merged.Lazy = s.Lazy
	merged.Keys = map[string]*Key{}
	for k, v := range base.Keys {
		merged.Keys[k] = v
	}
	for k, v := range s.Keys {
		if strings.HasPrefix(k, s.StripPrefix) {
			merged.Keys[k] = v
		}
	}
	if target == "libpq" {
		merged.Family = FamilyLibpq
	}
	return &merged, nil
}

// foreignScheme explains what pgx or lib/pq does with a URL scheme of
// another ecosystem: neither recognises it, so the string is read as
// keyword/value.
func (s *Sink) foreignScheme(d *dsn.DSN) Problem {
	p := Problem{Kind: Misread, Param: -1,
		Why:     fmt.Sprintf("%s:// is not a scheme the Go drivers recognise (only postgres:// and postgresql://), so %s reads the whole string as keyword/value", d.Scheme, s.short()),
		Short:   fmt.Sprintf("%s:// is not a scheme the Go drivers recognise: %s reads the string as keyword/value", d.Scheme, s.short()),
		Instead: "write postgres://",
		Fix:     &Fix{Message: "use postgres://", Range: d.SchemeRange, NewText: "postgres"}}
	// Reparse as keyword/value the way the driver will.
	asKV := dsn.ParseKeywordValue(d.Input)
	if d.Partial() {
		return p
	}
	if asKV.Err != nil {
		p.Kind = Rejected
		if s.Family == FamilyLibpq {
			p.Answer = `missing "=" after "…" in connection info string`
		} else {
			p.Answer = asKV.Err.Error()
		}
		return p
	}
	p.Why += ": the host, user and database in it are lost and the driver dials its default socket as the OS user"
	return p
}

// checkParam judges one setting. orig is the sink the string was handed to
// (for migrate, whose keys are judged by the driver underneath).
func (s *Sink) checkParam(d *dsn.DSN, i int, orig *Sink) (Problem, bool) {
	p := d.Params[i]
	switch p.Part {
	case dsn.PartUser, dsn.PartPassword, dsn.PartHost, dsn.PartDatabase:
		return Problem{}, false
	}
	key := p.Key
	if s.StripPrefix != "" && strings.HasPrefix(key, s.StripPrefix) {
		k, ok := s.Keys[key]
		if !ok || p.ValueDynamic() {
			return Problem{}, false // migrate strips every x- key
		}
		return s.checkValue(d, i, k)
	}
	if k, ok := s.Keys[key]; ok {
		if k.Ignored != "" {
			return Problem{Kind: Ignored, Param: i, Key: key,
				Why:   fmt.Sprintf("%s does nothing here: %s", key, k.Ignored),
				Short: fmt.Sprintf("%s does nothing here: %s reads it and never sends it to the server", key, s.short()),
				Fix:   s.renameOrDrop(d, i)}, true
		}
		if p.ValueDynamic() {
			return Problem{}, false
		}
		if key == "options" {
			return s.checkOptions(d, i) // lib/pq passes it on to the server
		}
		return s.checkValue(d, i, k)
	}
	if s.URLAliasSSLTrue && d.Form == dsn.URL && key == "ssl" && p.Value == "true" {
		return Problem{}, false // pgconn's JDBC alias for sslmode=require
	}
	if s.forwardOK[key] {
		return Problem{}, false
	}
	return s.checkForwarded(d, i)
}

// checkForwarded judges a key the driver sends to the server as a run-time
// parameter.
func (s *Sink) checkForwarded(d *dsn.DSN, i int) (Problem, bool) {
	p := d.Params[i]
	key := p.Key
	t := s.tables
	if t.startupKeys[key] {
		if key == "options" && !p.ValueDynamic() {
			return s.checkOptions(d, i)
		}
		return Problem{}, false
	}
	if strings.HasPrefix(key, "_pq_.") {
		return Problem{}, false // protocol extension: the server ignores it
	}
	if se, ok := t.startupErrors[strings.ToLower(key)]; ok {
		return Problem{Kind: Refused, Param: i, Key: key, Answer: s.serverError(se.Message, se.Code),
			Why: fmt.Sprintf("%s cannot be set when a session starts", key), Instead: "write " + se.Instead + " instead",
			Fix: s.renameOrDrop(d, i)}, true
	}
	if ctx, ok := t.GUCContext(key); ok {
		var msg string
		switch ctx {
		case "internal":
			msg = fmt.Sprintf(`parameter "%s" cannot be changed`, key)
		case "postmaster":
			msg = fmt.Sprintf(`parameter "%s" cannot be changed without restarting the server`, key)
		case "sighup":
			msg = fmt.Sprintf(`parameter "%s" cannot be changed now`, key)
		default:
			return Problem{}, false // a real setting a session may set
		}
		prob := Problem{Kind: Refused, Param: i, Key: key, Answer: s.serverError(msg, "55P02"),
			Why: fmt.Sprintf("%s is not a key %s reads, so it goes to the server, where %s is a server-wide setting no session may change", key, s.short(), key),
			Fix: s.renameOrDrop(d, i)}
		prob.Short = fmt.Sprintf("%s goes to the server, where it is a server-wide setting no session may change", key)
		if f, ok := s.foreignOf(key); ok {
			prob.Why = fmt.Sprintf("%s is %s option that %s does not read, so it goes to the server, where %s is a server-wide setting no session may change", key, article(f.From), s.short(), key)
			prob.Short = fmt.Sprintf("%s is %s option; %s forwards it and the server refuses a server-wide setting", key, article(f.From), s.short())
			prob.Instead = "use " + f.Instead
		}
		return prob, true
	}
	if strings.Contains(key, ".") {
		if validCustomName(key) {
			return Problem{}, false // an extension's or the application's own setting
		}
		return Problem{Kind: Refused, Param: i, Key: key,
			Answer: s.serverError(fmt.Sprintf(`invalid configuration parameter name "%s"`, key), "42602"),
			Why:    fmt.Sprintf("%s is sent to the server as a custom setting, but each part of a custom setting name must be an identifier", key),
			Fix:    s.renameOrDrop(d, i)}, true
	}
	prob := Problem{Kind: Refused, Param: i, Key: key,
		Answer: s.serverError(fmt.Sprintf(`unrecognized configuration parameter "%s"`, key), "42704"),
		Fix:    s.renameOrDrop(d, i)}
	switch f, ok := s.foreignOf(key); {
	case s.tooNew[key] != "":
		prob.Why = fmt.Sprintf("%s is read by pgx only since %s; the module requires %s, which sends it to the server", key, s.tooNew[key], s.Version)
		prob.Short = fmt.Sprintf("%s is a pgx %s+ key; the module's pgx %s sends it to the server, which refuses it", key, s.tooNew[key], s.Version)
		prob.Instead = fmt.Sprintf("upgrade %s to %s or later, or drop %s", s.Module, s.tooNew[key], key)
	case s.GoFields[key] != "":
		prob.Why = fmt.Sprintf("RuntimeParams go to the server as they are, and %s is read by pgx only while it parses a connection string", key)
		prob.Short = fmt.Sprintf("RuntimeParams go to the server as they are; %s is a connection-string key, the server refuses it", key)
		prob.Instead = "set " + s.GoFields[key] + " instead"
		prob.Fix = nil
	case ok:
		prob.Why = fmt.Sprintf("%s is %s option that %s does not read, so it goes to the server as a setting", key, article(f.From), s.short())
		prob.Short = fmt.Sprintf("%s is %s option %s does not read; the server refuses it as a setting", key, article(f.From), s.short())
		prob.Instead = "use " + f.Instead
	case s.caseTwin(key) != "":
		twin := s.caseTwin(key)
		prob.Why = fmt.Sprintf("%s is not %s (keys are case-sensitive), so %s sends it to the server as a setting", key, twin, s.short())
		prob.Instead = "write " + twin
		r := p.KeyRange
		if p.Part == dsn.PartQuery || p.Part == dsn.PartKV {
			prob.Fix = &Fix{Message: "write " + twin, Range: r, NewText: twin}
		}
	default:
		prob.Why = fmt.Sprintf("%s is not a key %s reads, nor a server setting, so the server refuses it", key, s.short())
		prob.Instead = "drop it, or set what it means in Go"
	}
	return prob, true
}

// article prefixes a driver or language name with "a"/"an".
func article(from string) string {
	if from == "" {
		return "a foreign"
	}
	switch strings.ToLower(from[:1]) {
	case "a", "e", "i", "o", "u":
		return "an " + from
	}
	return "a " + from
}

// caseTwin is the driver key that equals key but for case.
func (s *Sink) caseTwin(key string) string {
	for _, k := range s.driverKeys() {
		if k != key && strings.EqualFold(k, key) {
			return k
		}
	}
	return ""
}

// validCustomName mirrors the server's check of a custom setting name:
// dot-separated identifiers.
func validCustomName(name string) bool {
	for _, part := range strings.Split(name, ".") {
		if part == "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			ok := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 ||
				i > 0 && (c >= '0' && c <= '9' || c == '$')
			if !ok {
				return false
			}
		}
	}
	return true
}

// checkOptions judges the options startup key: the server reads it as
// command-line switches (-c name=value, --name=value).
func (s *Sink) checkOptions(d *dsn.DSN, i int) (Problem, bool) {
	v := strings.TrimLeft(d.Params[i].Value, " \t\n\r\v\f")
	if v == "" || strings.HasPrefix(v, "-") {
		return Problem{}, false
	}
	first := v
	if j := strings.IndexAny(v, " \t\n\r\v\f"); j >= 0 {
		first = v[:j]
	}
	prob := Problem{Kind: Refused, Param: i, Key: "options",
		Answer: s.serverError("invalid command-line argument for server process: "+first, "42601"),
		Why:    "the server reads options as command-line switches (-c name=value), and " + strconv.Quote(first) + " is none",
	}
	prob.Short = fmt.Sprintf("options=%s is no -c name=value switch: the server refuses the connection", first)
	if strings.HasPrefix(first, "reference=") {
		prob.Why += " (options=reference=… routes a Supavisor tenant and only works through Supavisor)"
		prob.Short = "options=reference=… routes a Supavisor tenant; PostgreSQL itself refuses the connection"
		prob.Instead = "put the tenant in the user name (postgres.<project-ref>) instead"
	} else {
		prob.Instead = "write options=-c name=value"
	}
	return prob, true
}

// serverError words a server error the way the sink's driver wraps it.
func (s *Sink) serverError(msg, code string) string {
	if s.Family == FamilyLibpq {
		return fmt.Sprintf("pq: %s (%s)", msg, code)
	}
	return fmt.Sprintf("FATAL: %s (SQLSTATE %s)", msg, code)
}

// renameOrDrop is the fix for a key the sink does not take: rename it to
// the Go key with the same meaning when there is one (and the DSN does not
// set that key already), else drop the setting.
func (s *Sink) renameOrDrop(d *dsn.DSN, i int) *Fix {
	p := d.Params[i]
	if p.Part != dsn.PartQuery && p.Part != dsn.PartKV {
		return nil
	}
	if f, ok := s.foreignOf(p.Key); ok && f.Rename != "" && (f.Only == "" || string(s.Family) == f.Only) {
		_, taken := d.Get(f.Rename)
		value := p.Value
		if f.Values != nil {
			value = f.Values[p.Value]
		}
		if f.Rename == "default_query_exec_mode" && value == "simple_protocol" && !s.simpleProtocolOK() {
			value = "exec" // no prepared statements either, without the simple protocol's flaws
		}
		if _, known := s.Keys[f.Rename]; (known || s.isSessionGUC(f.Rename)) && !taken && value != "" && !p.ValueDynamic() {
			return &Fix{Message: fmt.Sprintf("write %s=%s", f.Rename, value), Range: p.PairRange,
				NewText: f.Rename + "=" + encodeValue(d, p, value)}
		}
	}
	r, ok := d.RemovalRange(i)
	if !ok {
		return nil
	}
	return &Fix{Message: "drop " + p.Key, Range: r, NewText: ""}
}

func (s *Sink) isSessionGUC(name string) bool {
	ctx, ok := s.tables.GUCContext(name)
	return ok && (ctx == "user" || ctx == "superuser" || ctx == "backend" || ctx == "superuser-backend")
}

// encodeValue writes a value for the form of the string.
func encodeValue(d *dsn.DSN, p dsn.Param, v string) string {
	if p.Part == dsn.PartKV {
		return dsn.QuoteKV(v)
	}
	return urlEscape(v)
}

func urlEscape(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '&' || c == '=' || c == '%' || c == ' ' || c == '#' || c < 0x20 || c >= 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// checkValue validates the value of a key the driver consumes.
func (s *Sink) checkValue(d *dsn.DSN, i int, k *Key) (Problem, bool) {
	p := d.Params[i]
	v := p.Value
	bad := func(cause string) (Problem, bool) {
		r := strings.NewReplacer("{key}", p.Key, "{value}", v, "{cause}", cause, "{list}", k.list())
		prob := Problem{Kind: Rejected, Param: i, Key: p.Key, Answer: r.Replace(k.Error),
			Why: fmt.Sprintf("%s=%s is not a value %s accepts", p.Key, v, s.short())}
		if p.Part == dsn.PartPort && s.Family == FamilyLibpq {
			prob.Answer = fmt.Sprintf("invalid port %q after host", ":"+v)
			prob.Why = fmt.Sprintf("the port %s in the URL is not a number", v)
		}
		if k.Type == "enum" {
			prob.Instead = "write one of " + k.list()
			if fixed := k.fixValue(v); fixed != "" && (p.Part == dsn.PartQuery || p.Part == dsn.PartKV) {
				prob.Instead = fmt.Sprintf("write %s=%s", p.Key, fixed)
				prob.Fix = &Fix{Message: fmt.Sprintf("write %s=%s", p.Key, fixed), Range: p.ValueRange, NewText: encodeValue(d, p, fixed)}
			}
		}
		return prob, true
	}
	switch k.Type {
	case "", "string":
		return Problem{}, false
	case "enum":
		if k.TLSOnly && allUnixSockets(d) {
			return Problem{}, false // pgconn skips TLS settings for unix sockets
		}
		for _, e := range k.Enum {
			if v == e {
				return Problem{}, false
			}
		}
		if k.PrefixOK != "" && strings.HasPrefix(v, k.PrefixOK) {
			return Problem{}, false
		}
		return bad("")
	case "port":
		if p.Part == dsn.PartPort && s.Family == FamilyLibpq {
			// lib/pq hands the URL to net/url, which checks the port first.
			if _, err := strconv.ParseUint(v, 10, 16); err != nil && v != "" {
				return bad("")
			}
			return Problem{}, false
		}
		for _, port := range strings.Split(v, ",") {
			if port == "" {
				continue
			}
			n, err := strconv.ParseUint(port, 10, 16)
			if err != nil {
				return bad(err.Error())
			}
			if n < 1 {
				return bad("outside range")
			}
		}
	case "seconds":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return bad(err.Error())
		}
		if n < 0 {
			return bad("negative timeout")
		}
	case "int64":
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return bad(err.Error())
		}
	case "atoi":
		if _, err := strconv.Atoi(v); err != nil {
			return bad(err.Error())
		}
	case "int32":
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			return bad(err.Error())
		}
		if k.Min != nil && n < *k.Min {
			prob, _ := bad("")
			prob.Answer = strings.ReplaceAll(k.MinError, "{value}", v)
			return prob, true
		}
	case "duration":
		if _, err := time.ParseDuration(v); err != nil {
			prob, _ := bad(err.Error())
			if _, err := strconv.ParseInt(v, 10, 64); err == nil {
				prob.Instead = fmt.Sprintf("write a Go duration with a unit, e.g. %s=%ss", p.Key, v)
			}
			return prob, true
		}
	case "bool":
		switch v {
		case "1", "t", "T", "true", "TRUE", "True", "yes", "on", "0", "f", "F", "false", "FALSE", "False", "no", "off":
		default:
			return bad((&strconv.NumError{Func: "ParseBool", Num: v, Err: strconv.ErrSyntax}).Error())
		}
	case "gobool":
		if _, err := strconv.ParseBool(v); err != nil {
			return bad(err.Error())
		}
	case "utf8":
		if !isUTF8(v) {
			return bad("")
		}
	case "require_auth":
		if err := checkRequireAuth(v); err != "" {
			return bad(err)
		}
	}
	return Problem{}, false
}

// list renders the enum as the driver does in its error.
func (k *Key) list() string {
	values := k.Order
	if len(values) == 0 {
		for _, e := range k.Enum {
			if e != "" {
				values = append(values, e)
			}
		}
	}
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + ", or " + values[len(values)-1]
}

// fixValue is the valid value a bad one was meant to be, or "".
func (k *Key) fixValue(v string) string {
	if f, ok := k.Fixes[v]; ok {
		return f
	}
	for _, cand := range []string{strings.ToLower(v), strings.ReplaceAll(strings.ToLower(v), "_", "-"), strings.ReplaceAll(strings.ToLower(v), "-", "_")} {
		for _, e := range k.Enum {
			if e != "" && e == cand {
				return e
			}
		}
		if f, ok := k.Fixes[cand]; ok {
			return f
		}
	}
	return ""
}

func allUnixSockets(d *dsn.DSN) bool {
	h, ok := d.Get("host")
	if !ok || h.ValueDynamic() || h.Value == "" {
		return false
	}
	for _, host := range strings.Split(h.Value, ",") {
		if !strings.HasPrefix(host, "/") {
			return false
		}
	}
	return true
}

// isUTF8 mirrors lib/pq: letters and digits only, case-folded.
func isUTF8(name string) bool {
	s := strings.Map(func(c rune) rune {
		if 'A' <= c && c <= 'Z' {
			return c + ('a' - 'A')
		}
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
			return c
		}
		return -1
	}, name)
	return s == "utf8" || s == "unicode"
}

// checkRequireAuth mirrors pgconn's parseRequireAuth; it returns the
// error text or "".
func checkRequireAuth(s string) string {
	if s == "" {
		return ""
	}
	first, negated := true, false
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		method := strings.TrimSpace(part)
		neg := strings.HasPrefix(method, "!")
		if neg {
			method = method[1:]
		}
		if first {
			negated, first = neg, false
		} else if neg != negated {
			if neg {
				return fmt.Sprintf("negative require_auth method %q cannot be mixed with non-negative methods", method)
			}
			return fmt.Sprintf("require_auth method %q cannot be mixed with negative methods", method)
		}
		switch method {
		case "password", "md5", "gss", "sspi", "scram-sha-256", "oauth", "none":
		default:
			return fmt.Sprintf("invalid require_auth method: %q", method)
		}
		if seen[method] {
			return fmt.Sprintf("require_auth method %q is specified more than once", part)
		}
		seen[method] = true
	}
	return ""
}

// checkWhole judges combinations of settings.
func (s *Sink) checkWhole(d *dsn.DSN) []Problem {
	var out []Problem
	if s.Family == FamilyPgx {
		if _, ok := s.Keys["default_query_exec_mode"]; ok {
			out = append(out, s.cacheTraps(d)...) // pgx v4 without a cache prepares unnamed statements
		}
		out = append(out, s.simpleProtocol(d)...)
		if _, ok := s.Keys["sslcertmode"]; ok {
			cert, hasCert := d.Get("sslcert")
			key, hasKey := d.Get("sslkey")
			if hasCert != hasKey && !allUnixSockets(d) {
				i, at := indexOf(d, "sslcert"), cert
				if hasKey {
					i, at = indexOf(d, "sslkey"), key
				}
				out = append(out, Problem{Kind: Rejected, Param: i, Key: at.Key,
					Answer: `failed to configure TLS (both "sslcert" and "sslkey" are required)`,
					Why:    fmt.Sprintf("%s is set without its partner", at.Key), Instead: "set both sslcert and sslkey"})
			}
		}
		if h, ok := d.Get("host"); ok && !h.ValueDynamic() {
			if p, ok := d.Get("port"); ok && !p.ValueDynamic() {
				hosts, ports := strings.Split(h.Value, ","), strings.Split(p.Value, ",")
				if len(ports) > 1 && len(ports) != len(hosts) {
					out = append(out, Problem{Kind: Rejected, Param: indexOf(d, "port"), Key: "port",
						Answer: fmt.Sprintf("could not match %d port numbers to %d hosts", len(ports), len(hosts)),
						Why:    "the port list must have one port, or one port per host"})
				}
			}
		}
	}
	return out
}

// cacheTraps: statement_cache_capacity=0 disables pgx's statement cache
// but leaves the default mode cache_statement, so every query fails (Ping
// still works); likewise description_cache_capacity=0 with cache_describe.
func (s *Sink) cacheTraps(d *dsn.DSN) []Problem {
	mode := "cache_statement"
	if m, ok := d.Get("default_query_exec_mode"); ok {
		if m.ValueDynamic() {
			return nil
		}
		mode = m.Value
	}
	var out []Problem
	trap := func(key, wantMode, answer string) {
		p, ok := d.Get(key)
		if !ok || p.ValueDynamic() || mode != wantMode {
			return
		}
		n, err := strconv.ParseInt(p.Value, 10, 32)
		if err != nil || n > 0 {
			return
		}
		i := indexOf(d, key)
		prob := Problem{Kind: QueryFails, Param: i, Key: key, Answer: answer,
			Why:     fmt.Sprintf("%s=%s turns pgx's cache off but leaves default_query_exec_mode=%s, which needs it", key, p.Value, mode),
			Instead: "to stop pgx from preparing statements write default_query_exec_mode=cache_describe (or exec) instead"}
		if key == "description_cache_capacity" {
			prob.Instead = "keep the description cache, or choose another default_query_exec_mode"
		}
		if r, ok := d.RemovalRange(i); ok && key == "statement_cache_capacity" {
			if _, hasMode := d.Get("default_query_exec_mode"); !hasMode {
				r2 := d.Params[i].PairRange
				prob.Fix = &Fix{Message: "write default_query_exec_mode=cache_describe", Range: r2, NewText: "default_query_exec_mode=cache_describe"}
			} else {
				prob.Fix = &Fix{Message: "drop " + key, Range: r}
			}
		}
		out = append(out, prob)
	}
	trap("statement_cache_capacity", "cache_statement", "cannot use QueryExecModeCacheStatement with disabled statement cache")
	trap("description_cache_capacity", "cache_describe", "cannot use QueryExecModeCacheDescribe with disabled description cache")
	return out
}

// indexOf is the index of the setting Get(key) returns.
func indexOf(d *dsn.DSN, key string) int {
	key = dsn.Canonical(key)
	for i := len(d.Params) - 1; i >= 0; i-- {
		if d.Params[i].Canonical() == key {
			return i
		}
	}
	return -1
}

// simpleProtocolOK reports whether the sink's pgx version has every fix of
// the simple protocol's SQL-injection advisories; an unknown version is the
// measured one.
func (s *Sink) simpleProtocolOK() bool {
	v := s.Version
	if v == "" {
		v = s.Measured
	}
	return len(SimpleProtocolOpen(s.Module, v)) == 0
}

// simpleProtocol flags the simple protocol (v5 default_query_exec_mode=
// simple_protocol, v4 prefer_simple_protocol=true) where the module's pgx
// lacks the fixes for its SQL-injection advisories.
func (s *Sink) simpleProtocol(d *dsn.DSN) []Problem {
	if s.Version == "" {
		return nil // judged as measured: v5.12.0 has the fixes
	}
	open := SimpleProtocolOpen(s.Module, s.Version)
	if len(open) == 0 {
		return nil
	}
	var key string
	switch {
	case s.Keys["default_query_exec_mode"] != nil:
		key = "default_query_exec_mode"
		if p, ok := d.Get(key); !ok || p.ValueDynamic() || p.Value != "simple_protocol" {
			return nil
		}
	case s.Keys["prefer_simple_protocol"] != nil:
		key = "prefer_simple_protocol"
		p, ok := d.Get(key)
		if !ok || p.ValueDynamic() {
			return nil
		}
		if b, err := strconv.ParseBool(p.Value); err != nil || !b {
			return nil
		}
	default:
		return nil
	}
	i := indexOf(d, key)
	p := d.Params[i]
	prob := Problem{Kind: Unsafe, Param: i, Key: key,
		Why:    fmt.Sprintf("%s=%s turns on the simple protocol, which %s %s leaves open to SQL injection (%s)", key, p.Value, s.Module, s.Version, advisoryIDs(open)),
		Short:  fmt.Sprintf("%s=%s: the simple protocol of pgx %s is open to SQL injection (%s)", key, p.Value, s.Version, plural(len(open), "advisory", "advisories")),
		Detail: advisoryHelp(s.Module, s.Version, open),
	}
	if s.Module == ModulePgx4 {
		prob.Instead = fmt.Sprintf("upgrade to %s %s or later, or drop %s (statement_cache_mode=describe prepares no named statements)", ModulePgx5, SafeSimpleProtocol, key)
		if r, ok := d.RemovalRange(i); ok {
			prob.Fix = &Fix{Message: "drop " + key, Range: r}
		}
	} else {
		prob.Instead = fmt.Sprintf("upgrade %s to %s or later, or write default_query_exec_mode=exec (no prepared statements, parameters sent apart)", s.Module, SafeSimpleProtocol)
		if p.Part == dsn.PartQuery || p.Part == dsn.PartKV {
			prob.Fix = &Fix{Message: "write default_query_exec_mode=exec", Range: p.ValueRange, NewText: "exec"}
		}
	}
	return []Problem{prob}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// escapeControl writes control characters as Go escapes, so text quoting a
// connection string stays on one line and cannot pass for another finding.
func escapeControl(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
