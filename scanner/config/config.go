// Package config holds the scanner service's settings. They come from the
// environment (the twelve-factor way, so a deployment sets them once) and a
// few may be overridden by command-line flags. Secrets — the database URL and
// the API token — are only ever read from the environment, so they never
// appear in a process listing.
package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the whole service configuration.
type Config struct {
	DB    DB
	API   API
	Jobs  Jobs
	Fetch Fetch
	// LogFormat is "text" (default) or "json".
	LogFormat string
}

// PoolerMode says whether the database URL points at a transaction-mode
// pooler (PgBouncer, Supavisor), which cannot keep server-side prepared
// statements between transactions.
type PoolerMode string

const (
	// PoolerAuto detects a pooler from the URL: port 6543, a host under
	// pooler.supabase.com, or a host containing "pgbouncer".
	PoolerAuto PoolerMode = "auto"
	// PoolerOn forces the pooler-safe settings.
	PoolerOn PoolerMode = "on"
	// PoolerOff never applies them.
	PoolerOff PoolerMode = "off"
)

// DB configures the one connection pool of the process.
type DB struct {
	// URL is the PostgreSQL connection string (DATABASE_URL). It may hold a
	// password: never log it; log store.Target instead.
	URL string
	// MaxConns is the pool size (SCANNER_DB_MAX_CONNS, default 10). Values
	// below MinMaxConns are raised to it: a smaller pool starves the job
	// workers and the API of connections.
	MaxConns int32
	// Pooler selects the pooler-safe exec mode (SCANNER_DB_POOLER).
	Pooler PoolerMode
	// MigrateOnStart runs the embedded migrations before serving
	// (SCANNER_MIGRATE_ON_START, default true).
	MigrateOnStart bool
	// ConnectTimeout bounds how long start-up waits for the database
	// (SCANNER_DB_CONNECT_TIMEOUT, default 30s).
	ConnectTimeout time.Duration
}

// API configures the HTTP side.
type API struct {
	// Addr is the listen address (ADDR, default 127.0.0.1:8000).
	Addr string
	// Token is the bearer token every /api request must present (API_TOKEN).
	Token string
	// DefaultMaxPages applies when a request names no max_pages.
	DefaultMaxPages int
	// MaxPagesLimit is the largest max_pages a request may ask for.
	MaxPagesLimit int
	// MaxBatchDomains bounds the domains of one batch request.
	MaxBatchDomains int
	// DefaultBatchConcurrency applies when a batch names no max_concurrent_jobs.
	DefaultBatchConcurrency int
	// MaxBatchConcurrency is the largest max_concurrent_jobs allowed.
	MaxBatchConcurrency int
	// MaxConnections bounds the connections the API serves at once
	// (SCANNER_MAX_CONNECTIONS, default 256); more wait to be accepted.
	MaxConnections int
	// AllowPrivate lets requests name private and loopback targets
	// (SCANNER_ALLOW_PRIVATE), mirrored from Fetch.AllowPrivate.
	AllowPrivate bool
}

// Jobs configures the background workers.
type Jobs struct {
	// Workers is how many scans run at once in this process (SCANNER_WORKERS).
	Workers int
	// InstanceID names this process as the owner of the jobs it runs
	// (SCANNER_INSTANCE_ID, default the host name). At start-up, jobs this
	// instance left running are recovered, so two processes on one host need
	// different ids.
	InstanceID string
	// PollInterval is how often idle workers look for pending jobs that
	// another instance (or an earlier run) queued (SCANNER_POLL_INTERVAL).
	PollInterval time.Duration
	// HeartbeatInterval is how often running jobs are marked alive.
	HeartbeatInterval time.Duration
	// StaleAfter is how old a running job's heartbeat may get before any
	// instance takes it as abandoned (SCANNER_STALE_AFTER).
	StaleAfter time.Duration
	// JobTimeout bounds one scan (SCANNER_JOB_TIMEOUT).
	JobTimeout time.Duration
	// ShutdownTimeout bounds graceful shutdown (SCANNER_SHUTDOWN_TIMEOUT).
	ShutdownTimeout time.Duration
	// MaxAttempts is how many times a job is started before a crash during
	// it marks it failed instead of resuming it (SCANNER_MAX_ATTEMPTS).
	MaxAttempts int
	// WriteRetry is how long a job retries a database write that failed on
	// the connection (a restart, a failover, a terminated backend) before
	// giving up on it (SCANNER_WRITE_RETRY). Its lease is kept alive
	// meanwhile, so an outage shorter than this costs a pause, not a rerun.
	WriteRetry time.Duration
}

// Fetch configures how sitemaps are fetched.
type Fetch struct {
	// UserAgent is sent with every request (SCANNER_USER_AGENT).
	UserAgent string
	// Timeout bounds one HTTP fetch including its body (SCANNER_FETCH_TIMEOUT).
	Timeout time.Duration
	// PerHost bounds concurrent requests to one host across all jobs
	// (SCANNER_PER_HOST).
	PerHost int
	// MaxRedirects bounds the redirects followed per fetch (SCANNER_MAX_REDIRECTS).
	MaxRedirects int
	// MaxDepth bounds sitemap index nesting (SCANNER_MAX_DEPTH).
	MaxDepth int
	// MaxFiles bounds the sitemap files read per job (SCANNER_MAX_FILES).
	MaxFiles int
	// MaxJobBytes bounds the uncompressed sitemap bytes one job reads
	// (SCANNER_MAX_JOB_BYTES, default 200 MB).
	MaxJobBytes int
	// MaxJobEntries bounds the sitemap entries one job parses, page URLs
	// and child sitemaps alike (SCANNER_MAX_JOB_ENTRIES, default 2,000,000).
	MaxJobEntries int
	// AllowPrivate allows private, loopback and link-local targets
	// (SCANNER_ALLOW_PRIVATE=true): for tests and intranets only.
	AllowPrivate bool
}

// MinMaxConns is the smallest pool the service runs with.
const MinMaxConns = 5

// Default returns the configuration with every default applied and no
// database URL or token.
func Default() Config {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "scanner"
	}
	return Config{
		DB: DB{
			MaxConns:       10,
			Pooler:         PoolerAuto,
			MigrateOnStart: true,
			ConnectTimeout: 30 * time.Second,
		},
		API: API{
			Addr:                    "127.0.0.1:8000",
			DefaultMaxPages:         10000,
			MaxPagesLimit:           1000000,
			MaxBatchDomains:         100,
			DefaultBatchConcurrency: 5,
			MaxBatchConcurrency:     20,
			MaxConnections:          256,
		},
		Jobs: Jobs{
			Workers:           8,
			InstanceID:        host,
			PollInterval:      2 * time.Second,
			HeartbeatInterval: 10 * time.Second,
			StaleAfter:        2 * time.Minute,
			JobTimeout:        15 * time.Minute,
			ShutdownTimeout:   20 * time.Second,
			MaxAttempts:       3,
			WriteRetry:        time.Minute,
		},
		Fetch: Fetch{
			UserAgent:    "dbaudit-sitemap-scanner/1.0 (+https://github.com/dbaudit/dbaudit)",
			Timeout:      30 * time.Second,
			PerHost:      4,
			MaxRedirects: 5,
			MaxDepth:     5,
			MaxFiles:     1000,
			// A job may read four files of the 50 MB maximum, or 40 of the
			// 50,000-URL maximum; bounds a hostile site's cost per job.
			MaxJobBytes:   200 << 20,
			MaxJobEntries: 2_000_000,
		},
		LogFormat: "text",
	}
}

// FromEnv returns Default overridden by the environment read through getenv
// (os.Getenv in production). Errors name the variable.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Default()
	e := envReader{getenv: getenv}
	c.DB.URL = getenv("DATABASE_URL")
	c.API.Token = getenv("API_TOKEN")
	e.str("ADDR", &c.API.Addr)
	e.boolean("SCANNER_ALLOW_PRIVATE", &c.Fetch.AllowPrivate)
	e.int32("SCANNER_DB_MAX_CONNS", &c.DB.MaxConns)
	var pooler string
	e.str("SCANNER_DB_POOLER", &pooler)
	if pooler != "" {
		c.DB.Pooler = PoolerMode(strings.ToLower(pooler))
	}
	e.boolean("SCANNER_MIGRATE_ON_START", &c.DB.MigrateOnStart)
	e.duration("SCANNER_DB_CONNECT_TIMEOUT", &c.DB.ConnectTimeout)
	e.integer("SCANNER_DEFAULT_MAX_PAGES", &c.API.DefaultMaxPages)
	e.integer("SCANNER_MAX_PAGES_LIMIT", &c.API.MaxPagesLimit)
	e.integer("SCANNER_WORKERS", &c.Jobs.Workers)
	e.str("SCANNER_INSTANCE_ID", &c.Jobs.InstanceID)
	e.duration("SCANNER_POLL_INTERVAL", &c.Jobs.PollInterval)
	e.duration("SCANNER_HEARTBEAT_INTERVAL", &c.Jobs.HeartbeatInterval)
	e.duration("SCANNER_STALE_AFTER", &c.Jobs.StaleAfter)
	e.duration("SCANNER_JOB_TIMEOUT", &c.Jobs.JobTimeout)
	e.duration("SCANNER_SHUTDOWN_TIMEOUT", &c.Jobs.ShutdownTimeout)
	e.integer("SCANNER_MAX_ATTEMPTS", &c.Jobs.MaxAttempts)
	e.duration("SCANNER_WRITE_RETRY", &c.Jobs.WriteRetry)
	e.str("SCANNER_USER_AGENT", &c.Fetch.UserAgent)
	e.duration("SCANNER_FETCH_TIMEOUT", &c.Fetch.Timeout)
	e.integer("SCANNER_PER_HOST", &c.Fetch.PerHost)
	e.integer("SCANNER_MAX_REDIRECTS", &c.Fetch.MaxRedirects)
	e.integer("SCANNER_MAX_DEPTH", &c.Fetch.MaxDepth)
	e.integer("SCANNER_MAX_FILES", &c.Fetch.MaxFiles)
	e.integer("SCANNER_MAX_JOB_BYTES", &c.Fetch.MaxJobBytes)
	e.integer("SCANNER_MAX_JOB_ENTRIES", &c.Fetch.MaxJobEntries)
	e.integer("SCANNER_MAX_CONNECTIONS", &c.API.MaxConnections)
	e.str("SCANNER_LOG_FORMAT", &c.LogFormat)
	c.API.AllowPrivate = c.Fetch.AllowPrivate
	return c, errors.Join(e.errs...)
}

// RegisterFlags adds the flags that may override the environment. Call
// Sync after parsing so mirrored fields follow.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.API.Addr, "addr", c.API.Addr, "listen address (env ADDR)")
	fs.BoolVar(&c.Fetch.AllowPrivate, "allow-private", c.Fetch.AllowPrivate,
		"allow private, loopback and link-local targets (env SCANNER_ALLOW_PRIVATE)")
	fs.IntVar(&c.Jobs.Workers, "workers", c.Jobs.Workers, "concurrent scans (env SCANNER_WORKERS)")
	fs.Func("max-conns", fmt.Sprintf("database pool size, at least %d (env SCANNER_DB_MAX_CONNS, default %d)", MinMaxConns, c.DB.MaxConns),
		func(s string) error {
			n, err := strconv.ParseInt(s, 10, 32)
			if err != nil {
				return fmt.Errorf("not an integer: %q", s)
			}
			c.DB.MaxConns = int32(n)
			return nil
		})
	fs.BoolVar(&c.DB.MigrateOnStart, "migrate", c.DB.MigrateOnStart, "run migrations at start-up (env SCANNER_MIGRATE_ON_START)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text or json (env SCANNER_LOG_FORMAT)")
}

// Sync copies settings that two sections share after flags changed one.
func (c *Config) Sync() {
	c.API.AllowPrivate = c.Fetch.AllowPrivate
}

// Validate checks the settings the given command needs; serving needs the
// API token as well as the database.
func (c *Config) Validate(serving bool) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.DB.URL == "" {
		bad("DATABASE_URL is not set: give the PostgreSQL connection string in the environment")
	}
	switch c.DB.Pooler {
	case PoolerAuto, PoolerOn, PoolerOff:
	default:
		bad("SCANNER_DB_POOLER: %q is not one of auto, on, off", c.DB.Pooler)
	}
	if c.DB.ConnectTimeout <= 0 {
		bad("SCANNER_DB_CONNECT_TIMEOUT must be positive")
	}
	if serving {
		if c.API.Token == "" {
			bad("API_TOKEN is not set: the API refuses to run without bearer-token auth")
		} else if len(c.API.Token) < 16 {
			bad("API_TOKEN is too short: use at least 16 characters")
		}
		if c.API.Addr == "" {
			bad("ADDR is empty")
		}
	}
	positive := func(name string, v int) {
		if v <= 0 {
			bad("%s must be positive, got %d", name, v)
		}
	}
	positive("SCANNER_DEFAULT_MAX_PAGES", c.API.DefaultMaxPages)
	positive("SCANNER_MAX_PAGES_LIMIT", c.API.MaxPagesLimit)
	if c.API.DefaultMaxPages > c.API.MaxPagesLimit {
		bad("SCANNER_DEFAULT_MAX_PAGES (%d) exceeds SCANNER_MAX_PAGES_LIMIT (%d)", c.API.DefaultMaxPages, c.API.MaxPagesLimit)
	}
	positive("SCANNER_WORKERS", c.Jobs.Workers)
	positive("SCANNER_MAX_ATTEMPTS", c.Jobs.MaxAttempts)
	positive("SCANNER_PER_HOST", c.Fetch.PerHost)
	positive("SCANNER_MAX_DEPTH", c.Fetch.MaxDepth)
	positive("SCANNER_MAX_FILES", c.Fetch.MaxFiles)
	positive("SCANNER_MAX_JOB_BYTES", c.Fetch.MaxJobBytes)
	positive("SCANNER_MAX_JOB_ENTRIES", c.Fetch.MaxJobEntries)
	positive("SCANNER_MAX_CONNECTIONS", c.API.MaxConnections)
	if c.Fetch.MaxRedirects < 0 {
		bad("SCANNER_MAX_REDIRECTS must not be negative")
	}
	for name, d := range map[string]time.Duration{
		"SCANNER_POLL_INTERVAL":      c.Jobs.PollInterval,
		"SCANNER_HEARTBEAT_INTERVAL": c.Jobs.HeartbeatInterval,
		"SCANNER_STALE_AFTER":        c.Jobs.StaleAfter,
		"SCANNER_JOB_TIMEOUT":        c.Jobs.JobTimeout,
		"SCANNER_SHUTDOWN_TIMEOUT":   c.Jobs.ShutdownTimeout,
		"SCANNER_WRITE_RETRY":        c.Jobs.WriteRetry,
		"SCANNER_FETCH_TIMEOUT":      c.Fetch.Timeout,
	} {
		if d <= 0 {
			bad("%s must be a positive duration", name)
		}
	}
	if c.Jobs.StaleAfter <= 2*c.Jobs.HeartbeatInterval {
		bad("SCANNER_STALE_AFTER (%s) must exceed twice SCANNER_HEARTBEAT_INTERVAL (%s), or live jobs look abandoned",
			c.Jobs.StaleAfter, c.Jobs.HeartbeatInterval)
	}
	if c.Jobs.InstanceID == "" {
		bad("SCANNER_INSTANCE_ID is empty")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("SCANNER_LOG_FORMAT: %q is not text or json", c.LogFormat)
	}
	return errors.Join(errs...)
}

// EffectiveMaxConns is the pool size actually used: MaxConns, raised to
// MinMaxConns when set lower.
func (d DB) EffectiveMaxConns() int32 {
	return max(d.MaxConns, MinMaxConns)
}

// envReader parses typed environment variables, collecting errors that name
// the variable.
type envReader struct {
	getenv func(string) string
	errs   []error
}

func (e *envReader) lookup(name string) (string, bool) {
	v := strings.TrimSpace(e.getenv(name))
	return v, v != ""
}

func (e *envReader) str(name string, dst *string) {
	if v, ok := e.lookup(name); ok {
		*dst = v
	}
}

func (e *envReader) boolean(name string, dst *bool) {
	if v, ok := e.lookup(name); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("%s: %q is not a boolean (use true or false)", name, v))
			return
		}
		*dst = b
	}
}

func (e *envReader) integer(name string, dst *int) {
	if v, ok := e.lookup(name); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("%s: %q is not an integer", name, v))
			return
		}
		*dst = n
	}
}

func (e *envReader) int32(name string, dst *int32) {
	if v, ok := e.lookup(name); ok {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("%s: %q is not an integer", name, v))
			return
		}
		*dst = int32(n)
	}
}

func (e *envReader) duration(name string, dst *time.Duration) {
	if v, ok := e.lookup(name); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("%s: %q is not a duration (e.g. 30s, 2m)", name, v))
			return
		}
		*dst = d
	}
}
