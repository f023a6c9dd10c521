// Package doctor is the connection check a team runs before a deploy: it
// parses the DSN as the configured driver does, connects, and reports the
// server version, TLS, round-trip latency, search_path, statement_timeout,
// and whether the endpoint is a transaction-mode pooler (per rules.yaml)
// together with the exec mode in effect — failing the checks that will
// break the service.
package doctor

import (
	"cmp"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/dbaudit/dbaudit/dbmodel/drivers"
	"github.com/dbaudit/dbaudit/dbmodel/dsn"
	"github.com/dbaudit/dbaudit/dbmodel/redact"
	"github.com/dbaudit/dbaudit/rules"
)

// Status grades a check.
type Status string

const (
	OK   Status = "ok"
	Info Status = "info"
	Warn Status = "warn"
	// Fail: this will break the service.
	Fail Status = "fail"
)

// Check is one line of the report.
type Check struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
}

// Drivers doctor can connect through, by the sink names of rules.yaml.
var Drivers = []string{"pgxpool", "pgx", "stdlib"}

// Options configure a check.
type Options struct {
	DSN    string
	Config *rules.Config
	// Driver is pgxpool (default), pgx or stdlib (database/sql with pgx).
	Driver string
	// Timeout bounds the whole check (default 10s).
	Timeout time.Duration
	// Pings is how many round trips the latency is measured over (default 5).
	Pings int
}

// Report is the outcome. No field holds a password: DSN is masked by
// redact.DSN, and every check's detail (driver and server errors, hosts,
// parameter names) goes through redact.Secrets with the DSN.
type Report struct {
	// DSN is the connection string with its password masked.
	DSN    string  `json:"dsn"`
	Driver string  `json:"driver"`
	Checks []Check `json:"checks"`
	// Unreachable is set when no connection could be made (exit code 2).
	Unreachable bool `json:"unreachable"`

	// secrets is the unmasked DSN, whose passwords add removes.
	secrets string
}

// Broken reports whether a check failed.
func (r *Report) Broken() bool {
	return slices.ContainsFunc(r.Checks, func(c Check) bool { return c.Status == Fail })
}

func (r *Report) add(name string, s Status, format string, args ...any) {
	r.Checks = append(r.Checks, Check{Name: name, Status: s, Detail: redact.Secrets(fmt.Sprintf(format, args...), r.secrets)})
}

// execModes are rules.yaml-style names of pgx's exec modes.
var execModes = map[pgx.QueryExecMode]string{
	pgx.QueryExecModeCacheStatement: "cache_statement",
	pgx.QueryExecModeCacheDescribe:  "cache_describe",
	pgx.QueryExecModeDescribeExec:   "describe_exec",
	pgx.QueryExecModeExec:           "exec",
	pgx.QueryExecModeSimpleProtocol: "simple_protocol",
}

// Run performs the checks. It never returns an error: what goes wrong is
// in the report.
func Run(ctx context.Context, opts Options) *Report {
	opts.Driver = cmp.Or(opts.Driver, "pgxpool")
	opts.Timeout = cmp.Or(opts.Timeout, 10*time.Second)
	opts.Pings = cmp.Or(opts.Pings, 5)
	if opts.Config == nil {
		opts.Config = rules.Default("")
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	r := &Report{DSN: redact.DSN(opts.DSN), Driver: opts.Driver, secrets: opts.DSN}

	connCfg, poolCfg, err := parse(opts.Driver, opts.DSN)
	if err != nil {
		r.add("dsn", Fail, "%s cannot parse it: %v", opts.Driver, err)
		return r
	}
	r.add("dsn", OK, "%s parses it", opts.Driver)
	if hostsWithAt(connCfg) {
		// Connecting would only print the tail of the password as a host.
		r.add("dsn host", Fail, "%s", redact.HostAdvice)
		return r
	}
	for _, p := range driverProblems(opts.Config, opts.Driver, opts.DSN) {
		s := Warn
		if p.Kind != drivers.Ignored {
			s = Fail
		}
		name := "dsn"
		if p.Key != "" { // a problem with the whole string (a jdbc: URL) names no key
			name += " " + p.Key
		}
		r.add(name, s, "%s", p.Message())
	}
	forwarded := slices.Sorted(mapsKeys(connCfg.RuntimeParams))
	if len(forwarded) > 0 {
		r.add("startup parameters", Info, "sent to the server as run-time parameters: %s", strings.Join(forwarded, ", "))
	}
	checkPooler(r, opts.Config, connCfg, forwarded)

	conn, release, err := connect(ctx, opts.Driver, connCfg, poolCfg)
	if err != nil {
		// A server that answers and refuses (a FATAL for a bad startup
		// parameter, a failed login) is a broken configuration; no answer
		// at all is an unreachable database.
		var pgErr *pgconn.PgError
		r.Unreachable = !errors.As(err, &pgErr)
		r.add("connect", Fail, "%v", err)
		return r
	}
	defer release()
	r.add("connect", OK, "connected to %s:%d as %s, database %s", redact.Host(conn.Config().Host), conn.Config().Port, conn.Config().User, conn.Config().Database)
	inspect(ctx, r, conn, opts)
	return r
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// hostsWithAt reports whether a host the driver read contains '@': the
// password holds an unescaped '@' (postgres://app:Pw@Rest@db).
func hostsWithAt(cc *pgx.ConnConfig) bool {
	if redact.HostHasAt(cc.Host) {
		return true
	}
	return slices.ContainsFunc(cc.Fallbacks, func(fb *pgconn.FallbackConfig) bool { return redact.HostHasAt(fb.Host) })
}

// parse reads the DSN the way the driver does: pgxpool accepts its pool_*
// keys, pgx and database/sql forward them to the server.
func parse(driver, dsn string) (*pgx.ConnConfig, *pgxpool.Config, error) {
	switch driver {
	case "pgxpool":
		pc, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			return nil, nil, err
		}
		return pc.ConnConfig, pc, nil
	case "pgx", "stdlib":
		cc, err := pgx.ParseConfig(dsn)
		return cc, nil, err
	}
	return nil, nil, fmt.Errorf("unknown driver %q (want one of %s)", driver, strings.Join(Drivers, ", "))
}

// checkPooler judges the exec mode and startup parameters for the
// endpoint: a transaction-mode pooler (PgBouncer, Supavisor) hands each
// transaction a different server connection.
func checkPooler(r *Report, cfg *rules.Config, cc *pgx.ConnConfig, forwarded []string) {
	mode := execModes[cc.DefaultQueryExecMode]
	if cc.DefaultQueryExecMode == pgx.QueryExecModeCacheStatement && cc.StatementCacheCapacity <= 0 {
		r.add("exec mode", Fail, "statement_cache_capacity=0 disables the statement cache while the mode stays cache_statement: every query fails with `cannot use QueryExecModeCacheStatement with disabled statement cache` (Ping still works); also set default_query_exec_mode=cache_describe or exec")
	}
	if cc.DefaultQueryExecMode == pgx.QueryExecModeCacheDescribe && cc.DescriptionCacheCapacity <= 0 {
		r.add("exec mode", Fail, "description_cache_capacity=0 with cache_describe: every query fails with `cannot use QueryExecModeCacheDescribe with disabled description cache`")
	}
	var pooler []string
	hosts := []string{cc.Host}
	ports := []uint16{cc.Port}
	for _, fb := range cc.Fallbacks {
		hosts, ports = append(hosts, fb.Host), append(ports, fb.Port)
	}
	for i := range hosts {
		if cfg.IsPooler(hosts[i], int(ports[i])) {
			pooler = append(pooler, fmt.Sprintf("%s:%d", redact.Host(hosts[i]), ports[i]))
		}
	}
	if len(pooler) == 0 {
		r.add("pooler", Info, "%s:%d is not a transaction-mode pooler per rules.yaml pooler (hosts %s, ports %v); exec mode %s", redact.Host(cc.Host), cc.Port, strings.Join(cfg.PoolerHosts(), ", "), cfg.PoolerPorts(), mode)
		return
	}
	where := strings.Join(pooler, ", ")
	switch cc.DefaultQueryExecMode {
	case pgx.QueryExecModeCacheStatement:
		r.add("pooler", Fail, "%s is a transaction-mode pooler and the exec mode is cache_statement: server-side prepared statements land on whichever server connection the pooler picks, and queries fail with `prepared statement \"stmtcache_…\" already exists (SQLSTATE 42P05)`; add default_query_exec_mode=cache_describe (or exec)", where)
	case pgx.QueryExecModeDescribeExec:
		r.add("pooler", Fail, "%s is a transaction-mode pooler and the exec mode is describe_exec, which describes and executes in two round trips that the pooler may send to different servers (`bind message has 2 result formats but query has 1 columns`, 08P01); use cache_describe", where)
	case pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol:
		r.add("pooler", OK, "%s is a transaction-mode pooler and the exec mode is %s, which does not keep prepared statements (note: [16]byte, maps and structs as arguments cannot be encoded in this mode; cache_describe can)", where, mode)
	default:
		r.add("pooler", OK, "%s is a transaction-mode pooler and the exec mode is %s, which does not keep prepared statements", where, mode)
	}
	var refused []string
	for _, k := range forwarded {
		if !drivers.PoolerAcceptsStartupParam(k) {
			refused = append(refused, k)
		}
	}
	if len(refused) > 0 {
		r.add("pooler startup parameters", Fail, "PgBouncer refuses startup parameters other than application_name, client_encoding, datestyle, timezone and standard_conforming_strings, so connecting with %s fails with `FATAL: unsupported startup parameter: %s (SQLSTATE 08P01)`; set them on the role or database (ALTER ROLE … SET) or per transaction with SET LOCAL (a session SET lands on one server connection only), or list them in PgBouncer's ignore_startup_parameters (which drops the value)", strings.Join(refused, ", "), refused[0])
	}
}

// connect opens one connection through the driver and returns it with its
// release function.
func connect(ctx context.Context, driver string, cc *pgx.ConnConfig, pc *pgxpool.Config) (*pgx.Conn, func(), error) {
	switch driver {
	case "pgxpool":
		pc.MinConns = 0
		pool, err := pgxpool.NewWithConfig(ctx, pc)
		if err != nil {
			return nil, nil, err
		}
		c, err := pool.Acquire(ctx)
		if err != nil {
			pool.Close()
			return nil, nil, err
		}
		return c.Conn(), func() { c.Release(); pool.Close() }, nil
	case "stdlib":
		db := stdlib.OpenDB(*cc)
		c, err := db.Conn(ctx)
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		var conn *pgx.Conn
		if err := c.Raw(func(dc any) error {
			conn = dc.(*stdlib.Conn).Conn()
			return nil
		}); err != nil {
			c.Close()
			db.Close()
			return nil, nil, err
		}
		return conn, func() { c.Close(); db.Close() }, nil
	}
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return nil, nil, err
	}
	return conn, func() { conn.Close(context.Background()) }, nil
}

// inspect runs the checks that need a live connection.
func inspect(ctx context.Context, r *Report, conn *pgx.Conn, opts Options) {
	pg := conn.PgConn()
	r.add("server", Info, "PostgreSQL %s", cmp.Or(pg.ParameterStatus("server_version"), "(version not reported)"))

	if tc, ok := pg.Conn().(*tls.Conn); ok {
		st := tc.ConnectionState()
		r.add("tls", OK, "%s, %s", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
	} else if isLocal(conn.Config().Host) {
		r.add("tls", Info, "not encrypted (a local connection)")
	} else {
		r.add("tls", Warn, "not encrypted: the password and data cross the network in clear; use sslmode=verify-full (or require)")
	}

	var rtts []time.Duration
	for range opts.Pings {
		t0 := time.Now()
		if err := pg.Ping(ctx); err != nil {
			r.add("latency", Fail, "ping failed: %v", err)
			break
		}
		rtts = append(rtts, time.Since(t0))
	}
	if len(rtts) > 0 {
		slices.Sort(rtts)
		med := rtts[len(rtts)/2]
		s := OK
		if med > 50*time.Millisecond {
			s = Warn
		}
		r.add("latency", s, "round trip median %s, min %s over %d pings", med.Round(time.Microsecond), rtts[0].Round(time.Microsecond), len(rtts))
	}

	// One query through the configured exec mode, with an argument so that
	// pgx uses the extended protocol as the service's queries do.
	var one int32
	if err := conn.QueryRow(ctx, "SELECT $1::int4", int32(1)).Scan(&one); err != nil {
		r.add("query", Fail, "a query in exec mode %s fails: %v", execModes[conn.Config().DefaultQueryExecMode], err)
	} else {
		r.add("query", OK, "a query with an argument works in exec mode %s", execModes[conn.Config().DefaultQueryExecMode])
	}

	var searchPath, timeout, inRecovery, readOnly string
	err := conn.QueryRow(ctx, "SELECT current_setting('search_path'), current_setting('statement_timeout'), pg_is_in_recovery()::text, current_setting('default_transaction_read_only')", pgx.QueryExecModeSimpleProtocol).
		Scan(&searchPath, &timeout, &inRecovery, &readOnly)
	if err != nil {
		r.add("settings", Warn, "cannot read the session settings: %v", err)
		return
	}
	r.add("search_path", Info, "%s", searchPath)
	if timeout == "0" {
		r.add("statement_timeout", Warn, "0 (none): a stuck query holds its connection until it ends; set one for the role (ALTER ROLE … SET statement_timeout) or per query with a context deadline")
	} else {
		r.add("statement_timeout", OK, "%s", timeout)
	}
	switch {
	case inRecovery == "true":
		r.add("role", Warn, "the server is a standby (in recovery): writes fail with `cannot execute … in a read-only transaction`")
	case readOnly == "on":
		r.add("role", Warn, "default_transaction_read_only is on: writes fail unless a transaction asks for READ WRITE")
	default:
		r.add("role", OK, "a primary accepting writes")
	}
}

func isLocal(host string) bool {
	if strings.HasPrefix(host, "/") || host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// WriteText prints one line per check: "ok   name: detail".
func (r *Report) WriteText(w io.Writer) error {
	var errs []error
	_, err := fmt.Fprintf(w, "dbaudit doctor: %s (driver %s)\n", r.DSN, r.Driver)
	errs = append(errs, err)
	for _, c := range r.Checks {
		_, err := fmt.Fprintf(w, "%-4s %s: %s\n", c.Status, c.Name, c.Detail)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// WriteJSON writes {"version":1,"dsn":…,"driver":…,"checks":[…],"unreachable":…}.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Version int `json:"version"`
		*Report
		Broken bool `json:"broken"`
	}{1, r, r.Broken()})
}

// driverProblems judges the DSN with the driveropts rule's tables (extended
// by rules.yaml drivers), as the rule judges a literal in source.
func driverProblems(cfg *rules.Config, sink, connString string) []drivers.Problem {
	tables, err := drivers.New(cfg)
	if err != nil {
		return []drivers.Problem{{Kind: drivers.Rejected, Why: err.Error()}}
	}
	s := tables.Sink(sink)
	if s == nil {
		return nil
	}
	return s.Check(dsn.Parse(connString))
}
