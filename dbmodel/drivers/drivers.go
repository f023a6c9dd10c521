// Package drivers holds the connection-string option tables of the Go
// PostgreSQL drivers as data (tables.yaml, gucs.yaml, embedded): for each sink
// — pgconn, pgx, pgxpool, database/sql with pgx's stdlib, lib/pq, gorm,
// golang-migrate, and writes to RuntimeParams — which keys the driver
// consumes and which values it accepts, which keys it forwards to the server
// (and so must be server settings), and which keys belong to other drivers
// or languages, with the Go way to get what they meant. Check judges a
// parsed connection string against one sink and words each problem with the
// error the driver or server gives at connect time.
//
// rules.yaml `drivers` extends a sink's table (consumed keys, keys allowed to
// be forwarded, extra enum values); see New.
//
// It also holds what the drivers' errors show of a connection string
// (errleak.go): which calls return an error that repeats the password, for
// which DSN shapes (LookupErrorCall, SQLDriverErrorLeak, DSNShapeOf,
// LeakFamily), measured against pgx and lib/pq by
// integration/drivers/dsnleak; and which startup parameters PgBouncer
// refuses (PoolerAcceptsStartupParam).
package drivers

import (
	_ "embed"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/dbaudit/dbaudit/rules"
)

//go:embed tables.yaml
var tablesYAML []byte

//go:embed gucs.yaml
var gucsYAML []byte

// Family decides how errors are worded: pgx wraps server errors as
// "FATAL: … (SQLSTATE x)", lib/pq as "pq: … (x)".
type Family string

const (
	FamilyPgx   Family = "pgx"
	FamilyLibpq Family = "libpq"
)

// Key is one key a sink's driver consumes.
type Key struct {
	Name     string            `yaml:"-"`
	Type     string            `yaml:"type"`
	Enum     []string          `yaml:"enum"`
	Order    []string          `yaml:"order"` // the enum as the driver lists it in errors
	PrefixOK string            `yaml:"prefix_ok"`
	Min      *int64            `yaml:"min"`
	Error    string            `yaml:"error"`
	MinError string            `yaml:"min_error"`
	Fixes    map[string]string `yaml:"fixes"`
	Ignored  string            `yaml:"ignored"`
	TLSOnly  bool              `yaml:"tls_only"`
	Aliases  []string          `yaml:"aliases"`
	Since    string            `yaml:"since"`
	Note     string            `yaml:"note"`
	// Older is the wording of releases before Older.Before.
	Older *OlderError `yaml:"older"`
}

// OlderError is how releases before a version word a key's errors.
type OlderError struct {
	Before   string `yaml:"before"`
	Error    string `yaml:"error"`
	MinError string `yaml:"min_error"`
}

// Sink is the option table of one place a connection string is parsed.
type Sink struct {
	Name   string `yaml:"-"`
	Driver string `yaml:"driver"`
	Family Family `yaml:"family"`
	// Lazy sinks (database/sql) report a bad DSN at the first Ping or query,
	// never at Open.
	Lazy bool `yaml:"lazy"`
	// LazyConnect sinks parse at once but connect on first use (pgxpool).
	LazyConnect     bool              `yaml:"lazy_connect"`
	URLOnly         bool              `yaml:"url_only"`
	StripPrefix     string            `yaml:"strip_prefix"`
	Schemes         map[string]string `yaml:"schemes"`
	URLAliasSSLTrue bool              `yaml:"url_alias_ssl_true"`
	Inherits        string            `yaml:"inherits"`
	Keys            map[string]*Key   `yaml:"keys"`
	// GoFields maps a key to the Go config field that means the same
	// (for RuntimeParams writes of driver keys).
	GoFields map[string]string `yaml:"go_fields"`
	// Module is the driver module whose required version picks the table
	// (see Tables.SinkFor).
	Module string `yaml:"module"`
	// Measured is the Module version the table was measured with.
	Measured string `yaml:"measured"`
	// V4 names the sink that applies instead when the analysed module
	// requires pgx v4 and not pgx v5.
	V4 string `yaml:"v4"`
	// ForeignKeys override the shared foreign table for this sink (a pgx v5
	// key handed to pgx v4 means something else than one handed to lib/pq).
	ForeignKeys map[string]*Foreign `yaml:"foreign"`

	// Version is the Module version the sink was chosen for by SinkFor
	// ("" for the table as measured).
	Version string `yaml:"-"`
	// tooNew are the keys the table's driver reads that Version does not
	// read yet: key → the first version that reads it.
	tooNew map[string]string

	// forwardOK are keys rules.yaml allows to be forwarded.
	forwardOK map[string]bool
	tables    *Tables
}

// Foreign is an option of another driver or language.
type Foreign struct {
	Key     string            `yaml:"-"`
	From    string            `yaml:"from"`
	Instead string            `yaml:"instead"`
	Rename  string            `yaml:"rename"`
	Values  map[string]string `yaml:"values"`
	// Only limits the rename to sinks of one family.
	Only string `yaml:"only"`
}

// StartupError is a server setting the server refuses at session start for
// a reason of its own.
type StartupError struct {
	Message string `yaml:"message"`
	Code    string `yaml:"code"`
	Instead string `yaml:"instead"`
}

// Tables are all sinks' tables and the server's settings.
type Tables struct {
	sinks         map[string]*Sink
	foreign       map[string]*Foreign
	gucs          map[string]string // lower-case name → context
	startupErrors map[string]StartupError
	startupKeys   map[string]bool
	families      map[Family]familyDoc
	views         sync.Map // name@version → *Sink
}

type familyDoc struct {
	ForwardedError string `yaml:"forwarded_error"`
}

type tablesFile struct {
	Families          map[Family]familyDoc `yaml:"families"`
	Sinks             map[string]*Sink     `yaml:"sinks"`
	Foreign           map[string]*Foreign  `yaml:"foreign"`
	ServerStartupKeys []string             `yaml:"server_startup_keys"`
}

type gucsFile struct {
	Releases      map[string]map[string][]string `yaml:",inline"`
	StartupErrors map[string]StartupError        `yaml:"startup_errors"`
}

var defaultTables = func() *Tables {
	t, err := load(nil)
	if err != nil {
		panic("drivers: embedded tables: " + err.Error())
	}
	return t
}()

// Default returns the built-in tables.
func Default() *Tables { return defaultTables }

// SinkNames are the names rules.yaml `drivers` may extend.
func SinkNames() []string { return slices.Sorted(maps.Keys(defaultTables.sinks)) }

// New returns the built-in tables extended by rules.yaml `drivers`. An
// extension of a sink also applies to the sinks built on it (extending pgx
// extends pgxpool, stdlib and gorm).
func New(cfg *rules.Config) (*Tables, error) {
	if cfg == nil || len(cfg.Drivers) == 0 {
		return defaultTables, nil
	}
	return load(cfg.Drivers)
}

func load(ext map[string]rules.DriverExtension) (*Tables, error) {
	var tf tablesFile
	if err := decodeStrict(tablesYAML, &tf); err != nil {
		return nil, fmt.Errorf("tables.yaml: %w", err)
	}
	var gf gucsFile
	if err := yaml.Unmarshal(gucsYAML, &gf); err != nil {
		return nil, fmt.Errorf("gucs.yaml: %w", err)
	}
	t := &Tables{
		sinks:         tf.Sinks,
		foreign:       tf.Foreign,
		gucs:          map[string]string{},
		startupErrors: gf.StartupErrors,
		startupKeys:   map[string]bool{},
		families:      tf.Families,
	}
	for _, k := range tf.ServerStartupKeys {
		t.startupKeys[k] = true
	}
	for release, contexts := range gf.Releases {
		if release == "startup_errors" {
			continue
		}
		for ctx, names := range contexts {
			for _, n := range names {
				t.gucs[strings.ToLower(n)] = ctx
			}
		}
	}
	for k, f := range t.foreign {
		f.Key = k
	}
	for name, s := range t.sinks {
		for k, f := range s.ForeignKeys {
			f.Key = k
		}
		s.Name = name
		s.tables = t
		s.forwardOK = map[string]bool{}
		if s.Keys == nil {
			s.Keys = map[string]*Key{}
		}
		for k, key := range s.Keys {
			key.Name = k
		}
	}
	// Flatten inheritance: a sink's own keys win over its parent's.
	done := map[string]bool{}
	var flatten func(s *Sink, seen map[string]bool) error
	flatten = func(s *Sink, seen map[string]bool) error {
		if done[s.Name] || s.Inherits == "" {
			done[s.Name] = true
			return nil
		}
		if seen[s.Name] {
			return fmt.Errorf("tables.yaml: %s inherits from itself", s.Name)
		}
		seen[s.Name] = true
		parent, ok := t.sinks[s.Inherits]
		if !ok {
			return fmt.Errorf("tables.yaml: %s inherits unknown sink %s", s.Name, s.Inherits)
		}
		if err := flatten(parent, seen); err != nil {
			return err
		}
		for k, key := range parent.Keys {
			if _, own := s.Keys[k]; !own {
				s.Keys[k] = key
			}
		}
		for k := range parent.forwardOK {
			s.forwardOK[k] = true
		}
		for k, f := range parent.ForeignKeys {
			if _, own := s.ForeignKeys[k]; !own {
				if s.ForeignKeys == nil {
					s.ForeignKeys = map[string]*Foreign{}
				}
				s.ForeignKeys[k] = f
			}
		}
		if !s.URLAliasSSLTrue {
			s.URLAliasSSLTrue = parent.URLAliasSSLTrue
		}
		done[s.Name] = true
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(t.sinks)) {
		if err := flatten(t.sinks[name], map[string]bool{}); err != nil {
			return nil, err
		}
	}
	// rules.yaml extensions apply to the named sink and to every sink
	// built on it.
	for _, name := range slices.Sorted(maps.Keys(ext)) {
		if _, ok := t.sinks[name]; !ok {
			return nil, fmt.Errorf("rules.yaml: drivers: unknown sink %q (known: %s)", name, strings.Join(SinkNamesOf(t), ", "))
		}
		e := ext[name]
		v4 := t.sinks[name].V4 // extending pgx extends pgx4 too
		for _, s := range t.sinks {
			if !t.descends(s, name) && (v4 == "" || !t.descends(s, v4)) {
				continue
			}
			for _, k := range e.Consumed {
				if _, ok := s.Keys[k]; !ok {
					s.Keys[k] = &Key{Name: k}
				}
			}
			for _, k := range e.Forwarded {
				s.forwardOK[k] = true
			}
			for k, values := range e.Enums {
				key := &Key{Name: k, Type: "enum"}
				if old, ok := s.Keys[k]; ok {
					clone := *old
					key = &clone
				}
				if key.Type != "enum" {
					return nil, fmt.Errorf("rules.yaml: drivers: %s: %s is not an enumerated key", name, k)
				}
				if key.Error == "" {
					key.Error = "invalid " + k + " ({value})"
				}
				key.Enum = append(slices.Clone(key.Enum), values...)
				s.Keys[k] = key
			}
		}
	}
	// Aliases become keys of their own.
	for _, s := range t.sinks {
		for _, key := range slices.Collect(maps.Values(s.Keys)) {
			for _, a := range key.Aliases {
				s.Keys[a] = key
			}
		}
		for k, key := range s.Keys {
			if err := key.validate(); err != nil {
				return nil, fmt.Errorf("tables.yaml: %s: %s: %w", s.Name, k, err)
			}
		}
	}
	return t, nil
}

// descends reports whether s is the sink named name or inherits from it.
func (t *Tables) descends(s *Sink, name string) bool {
	for i := 0; s != nil && i < len(t.sinks); i++ {
		if s.Name == name {
			return true
		}
		s = t.sinks[s.Inherits]
	}
	return false
}

// SinkNamesOf lists t's sinks.
func SinkNamesOf(t *Tables) []string { return slices.Sorted(maps.Keys(t.sinks)) }

func (k *Key) validate() error {
	switch k.Type {
	case "", "string", "port", "seconds", "int32", "int64", "duration", "bool", "gobool", "utf8", "require_auth", "atoi":
	case "enum":
		if len(k.Enum) == 0 {
			return fmt.Errorf("enum without values")
		}
	default:
		return fmt.Errorf("unknown type %q", k.Type)
	}
	if k.Type != "" && k.Type != "string" && k.Error == "" {
		return fmt.Errorf("type %s without an error text", k.Type)
	}
	return nil
}

func decodeStrict(data []byte, v any) error {
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// Sink returns the table of a sink, or nil.
func (t *Tables) Sink(name string) *Sink { return t.sinks[name] }

// Foreign returns what is known about a key of another driver or language.
func (t *Tables) Foreign(key string) (*Foreign, bool) {
	f, ok := t.foreign[key]
	return f, ok
}

// foreignOf is the sink's own entry for a key of another driver, or the
// shared one.
func (s *Sink) foreignOf(key string) (*Foreign, bool) {
	if f, ok := s.ForeignKeys[key]; ok {
		return f, true
	}
	f, ok := s.tables.foreign[key]
	return f, ok
}

// SinkFor returns the sink's table for the driver versions an analysed
// module requires: pgx v4's table where the module requires pgx v4 and not
// v5, and for an older pgx v5 the v5 table without the keys that version
// does not read yet (which it forwards to the server instead). With
// unknown versions it is Sink(name), the table as measured.
func (t *Tables) SinkFor(name string, v Versions) *Sink {
	s := t.sinks[name]
	if s == nil || s.Module == "" {
		return s
	}
	if s.V4 != "" && v[s.Module] == "" && v.Pgx4() != "" {
		if s4 := t.sinks[s.V4]; s4 != nil {
			s = s4
		}
	}
	version := v[s.Module]
	if version == "" {
		return s
	}
	key := s.Name + "@" + version
	if view, ok := t.views.Load(key); ok {
		return view.(*Sink)
	}
	view := *s
	view.Version = version
	view.Keys = map[string]*Key{}
	view.tooNew = map[string]string{}
	for k, key := range s.Keys {
		if key.Since != "" && Before(version, key.Since) {
			view.tooNew[k] = key.Since
			continue
		}
		if o := key.Older; o != nil && Before(version, o.Before) {
			old := *key
			old.Error = o.Error
			if o.MinError != "" {
				old.MinError = o.MinError
			}
			key = &old
		}
		view.Keys[k] = key
	}
	actual, _ := t.views.LoadOrStore(key, &view)
	return actual.(*Sink)
}

// DriverVersion is the driver and version the sink judges by, e.g.
// "github.com/jackc/pgx/v5 v5.5.5" ("" when the sink names no module).
func (s *Sink) DriverVersion() string {
	v := s.Version
	if v == "" {
		v = s.Measured
	}
	if s.Module == "" || v == "" {
		return ""
	}
	return s.Module + " " + v
}

// GUCContext returns the pg_settings context of a server setting (user,
// superuser, backend, superuser-backend, sighup, postmaster, internal).
func (t *Tables) GUCContext(name string) (string, bool) {
	c, ok := t.gucs[strings.ToLower(name)]
	return c, ok
}

// Key returns the sink's table entry for key, if its driver consumes it.
func (s *Sink) Key(key string) (*Key, bool) {
	k, ok := s.Keys[key]
	return k, ok
}

// Tables returns the tables the sink belongs to.
func (s *Sink) Tables() *Tables { return s.tables }

// driverKeys lists the sink's keys, sorted, for suggestions.
func (s *Sink) driverKeys() []string {
	keys := slices.Collect(maps.Keys(s.Keys))
	sort.Strings(keys)
	return keys
}

// KnownKey reports whether some sink's driver consumes key, the server has
// a setting of that name, or it is a known option of another ecosystem.
func (t *Tables) KnownKey(key string) bool {
	for _, s := range t.sinks {
		if _, ok := s.Keys[key]; ok {
			return true
		}
	}
	if _, ok := t.foreign[key]; ok {
		return true
	}
	_, ok := t.GUCContext(key)
	return ok || t.startupKeys[key]
}
