// Package pgbouncertest starts a transaction-mode PgBouncer of the test's own
// in front of the test PostgreSQL (DBAUDIT_TEST_DATABASE_URL), so that what
// the rules say about transaction poolers is proven through a real one.
//
// The pooler listens on a free loopback port, authenticates with trust (the
// test server trusts loopback connections), and keeps few server
// connections per database and user (Options.PoolSize, default 2), so a
// session feature used by one client really lands on a server connection
// that another client's transaction then gets. It is stopped when the test
// ends. Tests skip when the pgbouncer binary is absent, except under
// CI=true, where they fail (.ci/run installs it).
package pgbouncertest

import (
	"bytes"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dbaudit/dbaudit/internal/pgtest"
)

// Options configure the pooler; the zero value is a transaction-mode pooler
// with two server connections per pool.
type Options struct {
	// PoolSize is default_pool_size (default 2).
	PoolSize int
	// Settings are more [pgbouncer] settings, for example
	// ignore_startup_parameters.
	Settings map[string]string
}

// Bouncer is a running PgBouncer.
type Bouncer struct {
	// DSN reaches the test database through the pooler (URL form,
	// sslmode=disable).
	DSN string
	// Port is the pooler's loopback port.
	Port int
	// Version is what `pgbouncer --version` prints first, e.g.
	// "PgBouncer 1.18.0".
	Version string

	log *syncBuffer
}

// Log returns what the pooler has written so far.
func (b *Bouncer) Log() string { return b.log.String() }

// Binary returns the pgbouncer executable, skipping the test when there is
// none (failing it under CI=true).
func Binary(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"pgbouncer", "/usr/sbin/pgbouncer", "/usr/local/sbin/pgbouncer"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("pgbouncer is not installed, and CI=true requires the pooler tests to run (.ci/run installs the pgbouncer package)")
	}
	t.Skip("pgbouncer is not installed (apt-get install pgbouncer); skipping a test that needs a transaction-mode pooler")
	return ""
}

// Start starts a transaction-mode PgBouncer in front of the test database
// and stops it when the test ends.
func Start(t testing.TB, opts Options) *Bouncer {
	t.Helper()
	b, err := TryStart(t, opts)
	if err != nil {
		t.Fatalf("starting pgbouncer: %v", err)
	}
	return b
}

// TryStart is Start that returns the pooler's refusal to start (a setting
// it does not know, say) instead of failing the test.
func TryStart(t testing.TB, opts Options) (*Bouncer, error) {
	t.Helper()
	bin := Binary(t)
	server, err := url.Parse(pgtest.DSN(t))
	if err != nil || server.Host == "" {
		t.Fatalf("DBAUDIT_TEST_DATABASE_URL is not a postgres:// URL with a host (%v)", err)
	}
	version := pgbouncerVersion(t, bin)
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // the free port may be taken between probe and bind
		b, err := start(t, bin, server, opts)
		if err == nil {
			b.Version = version
			return b, nil
		}
		lastErr = err
		if strings.Contains(err.Error(), "cannot load config") {
			break
		}
	}
	return nil, lastErr
}

func pgbouncerVersion(t testing.TB, bin string) string {
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v\n%s", bin, err, out)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(first)
}

func start(t testing.TB, bin string, server *url.URL, opts Options) (*Bouncer, error) {
	dir := t.TempDir()
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	host, serverPort := server.Hostname(), server.Port()
	if serverPort == "" {
		serverPort = "5432"
	}
	username := server.User.Username()
	if username == "" {
		username = "postgres"
	}
	dbname := strings.TrimPrefix(server.Path, "/")
	if dbname == "" {
		dbname = username
	}
	settings := map[string]string{
		"listen_addr":       "127.0.0.1",
		"listen_port":       strconv.Itoa(port),
		"unix_socket_dir":   "",
		"auth_type":         "trust",
		"auth_file":         filepath.Join(dir, "userlist.txt"),
		"pool_mode":         "transaction",
		"default_pool_size": strconv.Itoa(max(opts.PoolSize, 0)),
		"max_client_conn":   "100",
	}
	if opts.PoolSize == 0 {
		settings["default_pool_size"] = "2"
	}
	for k, v := range opts.Settings {
		settings[k] = v
	}
	var ini strings.Builder
	fmt.Fprintf(&ini, "[databases]\n* = host=%s port=%s\n\n[pgbouncer]\n", host, serverPort)
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&ini, "%s = %s\n", k, settings[k])
	}
	iniPath := filepath.Join(dir, "pgbouncer.ini")
	if err := os.WriteFile(iniPath, []byte(ini.String()), 0o644); err != nil {
		return nil, err
	}
	password, _ := server.User.Password()
	if err := os.WriteFile(settings["auth_file"], []byte(fmt.Sprintf("%q %q\n", username, password)), 0o644); err != nil {
		return nil, err
	}

	args := []string{iniPath}
	if os.Geteuid() == 0 {
		// PgBouncer refuses to run as root; it reads its files first, then
		// drops to this user. It logs to stderr, so it writes no file.
		if _, err := user.Lookup("nobody"); err != nil {
			return nil, fmt.Errorf("running as root and there is no user nobody for pgbouncer -u: %v", err)
		}
		args = append([]string{"-u", "nobody"}, args...)
	}
	log := &syncBuffer{}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGINT) // safe shutdown
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}

	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-exited:
			return nil, fmt.Errorf("pgbouncer exited (%v):\n%s", err, log.String())
		default:
		}
		if strings.Contains(log.String(), "listening on "+addr) {
			if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				c.Close()
				break
			}
		}
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("pgbouncer did not accept connections on %s within 15s:\n%s", addr, log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Cleanup(stop)

	u := url.URL{Scheme: "postgres", Host: addr, Path: "/" + dbname, RawQuery: "sslmode=disable"}
	if password != "" {
		u.User = url.UserPassword(username, password)
	} else {
		u.User = url.User(username)
	}
	return &Bouncer{DSN: u.String(), Port: port, log: log}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
