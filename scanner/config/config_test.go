package config_test

import (
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/dbaudit/dbaudit/scanner/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsAreValid(t *testing.T) {
	c, err := config.FromEnv(env(map[string]string{"DATABASE_URL": "x", "API_TOKEN": strings.Repeat("t", 16)}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(true); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if c.API.Addr != "127.0.0.1:8000" || c.DB.MaxConns != 10 || c.DB.Pooler != config.PoolerAuto ||
		c.Fetch.AllowPrivate || !c.DB.MigrateOnStart || c.Jobs.InstanceID == "" {
		t.Errorf("defaults: %+v", c)
	}
}

func TestFromEnvReadsEverySetting(t *testing.T) {
	c, err := config.FromEnv(env(map[string]string{
		"DATABASE_URL":               "dsn",
		"API_TOKEN":                  "tok",
		"ADDR":                       ":9000",
		"SCANNER_ALLOW_PRIVATE":      "true",
		"SCANNER_DB_MAX_CONNS":       "7",
		"SCANNER_DB_POOLER":          "ON",
		"SCANNER_MIGRATE_ON_START":   "false",
		"SCANNER_DB_CONNECT_TIMEOUT": "5s",
		"SCANNER_DEFAULT_MAX_PAGES":  "50",
		"SCANNER_MAX_PAGES_LIMIT":    "500",
		"SCANNER_WORKERS":            "3",
		"SCANNER_INSTANCE_ID":        "pod-1",
		"SCANNER_POLL_INTERVAL":      "1s",
		"SCANNER_HEARTBEAT_INTERVAL": "2s",
		"SCANNER_STALE_AFTER":        "1m",
		"SCANNER_JOB_TIMEOUT":        "3m",
		"SCANNER_SHUTDOWN_TIMEOUT":   "4s",
		"SCANNER_MAX_ATTEMPTS":       "2",
		"SCANNER_WRITE_RETRY":        "30s",
		"SCANNER_USER_AGENT":         "ua/1",
		"SCANNER_FETCH_TIMEOUT":      "6s",
		"SCANNER_PER_HOST":           "1",
		"SCANNER_MAX_REDIRECTS":      "0",
		"SCANNER_MAX_DEPTH":          "2",
		"SCANNER_MAX_FILES":          "9",
		"SCANNER_MAX_JOB_BYTES":      "1000000",
		"SCANNER_MAX_JOB_ENTRIES":    "5000",
		"SCANNER_MAX_CONNECTIONS":    "64",
		"SCANNER_LOG_FORMAT":         "json",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := config.Config{
		DB:  config.DB{URL: "dsn", MaxConns: 7, Pooler: config.PoolerOn, MigrateOnStart: false, ConnectTimeout: 5 * time.Second},
		API: config.API{Addr: ":9000", Token: "tok", DefaultMaxPages: 50, MaxPagesLimit: 500, MaxBatchDomains: 100, DefaultBatchConcurrency: 5, MaxBatchConcurrency: 20, MaxConnections: 64, AllowPrivate: true},
		Jobs: config.Jobs{Workers: 3, InstanceID: "pod-1", PollInterval: time.Second, HeartbeatInterval: 2 * time.Second,
			StaleAfter: time.Minute, JobTimeout: 3 * time.Minute, ShutdownTimeout: 4 * time.Second, MaxAttempts: 2,
			WriteRetry: 30 * time.Second},
		Fetch: config.Fetch{UserAgent: "ua/1", Timeout: 6 * time.Second, PerHost: 1, MaxRedirects: 0, MaxDepth: 2, MaxFiles: 9,
			MaxJobBytes: 1000000, MaxJobEntries: 5000, AllowPrivate: true},
		LogFormat: "json",
	}
	if c != want {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
	if err := c.Validate(false); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestErrorsNameTheVariable(t *testing.T) {
	_, err := config.FromEnv(env(map[string]string{
		"SCANNER_ALLOW_PRIVATE": "yes please",
		"SCANNER_WORKERS":       "four",
		"SCANNER_DB_MAX_CONNS":  "99999999999",
		"SCANNER_JOB_TIMEOUT":   "10",
	}))
	for _, name := range []string{"SCANNER_ALLOW_PRIVATE", "SCANNER_WORKERS", "SCANNER_DB_MAX_CONNS", "SCANNER_JOB_TIMEOUT"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error %v does not name %s", err, name)
		}
	}

	c := config.Default()
	c.Jobs.Workers = 0
	c.Jobs.StaleAfter = c.Jobs.HeartbeatInterval
	c.API.DefaultMaxPages = c.API.MaxPagesLimit + 1
	c.LogFormat = "xml"
	err = c.Validate(true)
	for _, want := range []string{"DATABASE_URL is not set", "API_TOKEN is not set", "SCANNER_WORKERS must be positive",
		"SCANNER_STALE_AFTER", "exceeds SCANNER_MAX_PAGES_LIMIT", "SCANNER_LOG_FORMAT"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate error %v lacks %q", err, want)
		}
	}
	// migrate needs no token.
	c = config.Default()
	c.DB.URL = "x"
	if err := c.Validate(false); err != nil {
		t.Errorf("Validate(false) without a token: %v", err)
	}
}

func TestFlagsOverrideTheEnvironment(t *testing.T) {
	c, err := config.FromEnv(env(map[string]string{"ADDR": ":1", "SCANNER_WORKERS": "2"}))
	if err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.RegisterFlags(fs)
	if err := fs.Parse([]string{"-addr=:2", "-allow-private", "-max-conns=3", "-migrate=false"}); err != nil {
		t.Fatal(err)
	}
	c.Sync()
	if c.API.Addr != ":2" || c.Jobs.Workers != 2 || !c.Fetch.AllowPrivate || !c.API.AllowPrivate || c.DB.MaxConns != 3 || c.DB.MigrateOnStart {
		t.Errorf("after flags: %+v", c)
	}
	if got := c.DB.EffectiveMaxConns(); got != config.MinMaxConns {
		t.Errorf("EffectiveMaxConns = %d, want the minimum %d", got, config.MinMaxConns)
	}
}
