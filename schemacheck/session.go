package schemacheck

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dbaudit/dbaudit/dbmodel/redact"
)

// SessionOptions bound what schemacheck may cost the server.
type SessionOptions struct {
	// StatementTimeout caps each statement (default 30s).
	StatementTimeout time.Duration
	// LockTimeout caps waiting for a lock (default 2s): preparing a
	// statement takes AccessShareLock on the relations it names, and a
	// waiting migration must not be held up behind dbaudit.
	LockTimeout time.Duration
	// ConnectTimeout bounds connecting and starting the session (default
	// 10s): a server that accepts the connection and never answers would
	// otherwise hold schemacheck until the OS or the server gives up. It is
	// also pgx's per-host dial timeout when the DSN sets no connect_timeout.
	ConnectTimeout time.Duration
}

func (o SessionOptions) withDefaults() SessionOptions {
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = 30 * time.Second
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = 2 * time.Second
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 10 * time.Second
	}
	return o
}

// Session is a connection inside a read-only transaction that is rolled
// back, never committed, when it closes.
type Session struct {
	Conn *pgx.Conn
	// MaskedDSN is the DSN with its password replaced, for messages.
	MaskedDSN string
}

// ConnectError is returned when the database cannot be reached or refuses
// the session; the CLI turns it into exit code 2. Its text holds no
// password: MaskedDSN is redact.DSN's and Err's text has been through
// redact.Secrets when Open made it.
type ConnectError struct {
	MaskedDSN string
	Err       error
}

func (e *ConnectError) Error() string {
	return fmt.Sprintf("cannot use the database %s: %v", e.MaskedDSN, e.Err)
}

func (e *ConnectError) Unwrap() error { return e.Err }

// Open connects with application_name=dbaudit and starts a read-only
// transaction with statement_timeout and lock_timeout set for it alone, in
// one round trip after the connection is up. Connecting and that round trip
// are bounded by opts.ConnectTimeout. Errors never hold the password.
func Open(ctx context.Context, dsn string, opts SessionOptions) (*Session, error) {
	opts = opts.withDefaults()
	masked := redact.DSN(dsn)
	fail := func(err error) error {
		return &ConnectError{MaskedDSN: masked, Err: redact.Error(err, dsn)}
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fail(err)
	}
	if err := checkHosts(cfg); err != nil {
		return nil, fail(err)
	}
	cfg.RuntimeParams["application_name"] = "dbaudit"
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = opts.ConnectTimeout
	}
	connectCtx, cancel := context.WithTimeout(ctx, opts.ConnectTimeout)
	defer cancel()
	timeout := min(cfg.ConnectTimeout, opts.ConnectTimeout)
	conn, err := pgx.ConnectConfig(connectCtx, cfg)
	if err != nil {
		return nil, fail(connectTimeout(connectCtx, err, timeout))
	}
	// Without arguments pgx sends this with the simple protocol: one round
	// trip for all three statements, and SET LOCAL ends with the transaction.
	// jit is off because catalog queries over thousands of columns look
	// expensive to the planner and would spend more time compiling than
	// running.
	setup := fmt.Sprintf("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL statement_timeout = %d; SET LOCAL lock_timeout = %d; SET LOCAL jit = off",
		opts.StatementTimeout.Milliseconds(), opts.LockTimeout.Milliseconds())
	if _, err := conn.Exec(connectCtx, setup); err != nil {
		conn.Close(context.Background())
		return nil, fail(connectTimeout(connectCtx, err, timeout))
	}
	return &Session{Conn: conn, MaskedDSN: masked}, nil
}

// checkHosts refuses a host with an '@' in it: the password holds an
// unescaped '@' (postgres://app:Pw@Rest@db), the driver took its tail for
// the host, and printing that host would print part of the password.
func checkHosts(cfg *pgx.ConnConfig) error {
	hosts := []string{cfg.Host}
	for _, fb := range cfg.Fallbacks {
		hosts = append(hosts, fb.Host)
	}
	for _, h := range hosts {
		if redact.HostHasAt(h) {
			return fmt.Errorf("%s (host %s)", redact.HostAdvice, redact.Host(h))
		}
	}
	return nil
}

// connectTimeout says so when err is a connect deadline running out (ours
// or the DSN's connect_timeout).
func connectTimeout(ctx context.Context, err error, d time.Duration) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("no answer within the connect timeout (%s): %w", d, err)
	}
	return err
}

// Close rolls the transaction back and closes the connection.
func (s *Session) Close(ctx context.Context) error {
	_, rbErr := s.Conn.Exec(ctx, "ROLLBACK")
	return errors.Join(rbErr, s.Conn.Close(ctx))
}
