package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// silentServer accepts connections and never answers, as a hung server or
// a half-open load balancer does; it returns the port.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never read
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// TestSchemacheckConnectTimeout is D6 of the reliability report: against a
// server that accepts the connection and never answers, schemacheck waited
// until the server closed it (62 s there; forever with a server that never
// does). Now --connect-timeout bounds it: exit code 2 within the timeout,
// with the DSN masked in the error.
func TestSchemacheckConnectTimeout(t *testing.T) {
	bin, err := exec.LookPath("dbaudit") // the test binary, set up by testscript.Main
	if err != nil {
		t.Fatal(err)
	}
	port := silentServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"go.mod":   "module example.com/silent\n\ngo 1.22\n",
		"model.go": "package silent\n",
	})
	for _, c := range []struct {
		name, dsn string
		args      []string
		limit     time.Duration
	}{
		{"default", "postgres://u:d6secretpw@127.0.0.1:" + port + "/db?sslmode=disable", nil, 10 * time.Second},
		{"flag", "postgres://u:d6secretpw@127.0.0.1:" + port + "/db?sslmode=disable", []string{"--connect-timeout", "1s"}, 1 * time.Second},
		{"the DSN's shorter connect_timeout", "host=127.0.0.1 port=" + port + " user=u password=d6secretpw sslmode=disable connect_timeout=1", []string{"--connect-timeout", "5s"}, 1 * time.Second},
		{"dump-schema", "postgres://u:d6secretpw@127.0.0.1:" + port + "/db?sslmode=disable", []string{"--connect-timeout", "1s", "--dump-schema", filepath.Join(dir, "s.json")}, 1 * time.Second},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"schemacheck", "--dsn", c.dsn}, c.args...)
			// Killed after a minute: on a server that never answers the run
			// would otherwise last until the listener closes.
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, append(args, "./...")...)
			cmd.Dir = dir
			cmd.Env = secretsEnv()
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			err := cmd.Run()
			took := time.Since(start)
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 {
				t.Errorf("exit: %v, want code 2\n%s", err, stderr.String())
			}
			// The timeout, plus process start and module setup on a
			// loaded machine; without it the run would last until the
			// listener closes at the end of the test.
			if took > c.limit+20*time.Second {
				t.Errorf("took %s with a connect timeout of %s", took, c.limit)
			}
			out := stdout.String() + stderr.String()
			if strings.Contains(out, "d6secretpw") || !strings.Contains(out, "xxxxx") || !strings.Contains(out, "connect timeout") {
				t.Errorf("want the masked DSN and the timeout named:\n%s", out)
			}
			t.Logf("%s in %s: %s", c.name, took.Round(time.Millisecond), strings.TrimSpace(stderr.String()))
		})
	}
}
