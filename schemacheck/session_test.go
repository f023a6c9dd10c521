package schemacheck_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbaudit/dbaudit/schemacheck"
)

// TestOpenConnectTimeout: a server that accepts and never answers is given
// up on after SessionOptions.ConnectTimeout (D6), with the DSN masked.
func TestOpenConnectTimeout(t *testing.T) {
	t.Parallel()
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
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	defer func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}()
	dsn := "postgres://me:silentsecret@" + ln.Addr().String() + "/db?sslmode=disable"
	start := time.Now()
	_, err = schemacheck.Open(context.Background(), dsn, schemacheck.SessionOptions{ConnectTimeout: 500 * time.Millisecond})
	took := time.Since(start)
	var ce *schemacheck.ConnectError
	if !errors.As(err, &ce) {
		t.Fatalf("want a ConnectError, got %v", err)
	}
	if took > 10*time.Second {
		t.Errorf("took %s with a 500ms connect timeout", took)
	}
	if msg := err.Error(); strings.Contains(msg, "silentsecret") || !strings.Contains(msg, "me:xxxxx@") || !strings.Contains(msg, "connect timeout (500ms)") {
		t.Errorf("message: %s", msg)
	}
}

// TestOpenHostWithAt: a password with an unescaped '@' is refused before
// connecting, without printing the part pgx takes for the host (D15).
func TestOpenHostWithAt(t *testing.T) {
	t.Parallel()
	_, err := schemacheck.Open(context.Background(), "postgres://app:Pw@Rest1234@127.0.0.1:1/db", schemacheck.SessionOptions{})
	if err == nil {
		t.Fatal("connected")
	}
	if msg := err.Error(); strings.Contains(msg, "Rest1234") || !strings.Contains(msg, "percent-encode the password") || !strings.Contains(msg, "xxxxx@127.0.0.1") {
		t.Errorf("message: %s", msg)
	}
}

// TestOpenUnparsable: pgx's parse error quotes the DSN with its own
// best-effort masking; the ConnectError shows none of the password.
func TestOpenUnparsable(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{
		"POSTGRES://app:upper1234@127.0.0.1:1/db",
		`host=127.0.0.1 password='a\'b c1234 d`,
		"host=127.0.0.1 port=1 password=two words1234",
	} {
		_, err := schemacheck.Open(context.Background(), dsn, schemacheck.SessionOptions{ConnectTimeout: 2 * time.Second})
		if err == nil {
			t.Fatalf("%s: connected", dsn)
		}
		if msg := err.Error(); strings.Contains(msg, "1234") {
			t.Errorf("%s: %s", dsn, msg)
		}
	}
}
