package schemacheck

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// SessionOptions bound what schemacheck may cost the server.
type SessionOptions struct {
	// StatementTimeout caps each statement (default 30s).
	StatementTimeout time.Duration
	// LockTimeout caps waiting for a lock (default 2s): preparing a
	// statement takes AccessShareLock on the relations it names, and a
	// waiting migration must not be held up behind dbaudit.
	LockTimeout time.Duration
}

func (o SessionOptions) withDefaults() SessionOptions {
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = 30 * time.Second
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = 2 * time.Second
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
// the session; the CLI turns it into exit code 2.
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
// one round trip after the connection is up.
func Open(ctx context.Context, dsn string, opts SessionOptions) (*Session, error) {
	opts = opts.withDefaults()
	masked := MaskDSN(dsn)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's parse errors already mask the password.
		return nil, &ConnectError{MaskedDSN: masked, Err: err}
	}
	cfg.RuntimeParams["application_name"] = "dbaudit"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, &ConnectError{MaskedDSN: masked, Err: err}
	}
	// Without arguments pgx sends this with the simple protocol: one round
	// trip for all three statements, and SET LOCAL ends with the transaction.
	// jit is off because catalog queries over thousands of columns look
	// expensive to the planner and would spend more time compiling than
	// running.
	setup := fmt.Sprintf("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL statement_timeout = %d; SET LOCAL lock_timeout = %d; SET LOCAL jit = off",
		opts.StatementTimeout.Milliseconds(), opts.LockTimeout.Milliseconds())
	if _, err := conn.Exec(ctx, setup); err != nil {
		conn.Close(context.Background())
		return nil, &ConnectError{MaskedDSN: masked, Err: err}
	}
	return &Session{Conn: conn, MaskedDSN: masked}, nil
}

// Close rolls the transaction back and closes the connection.
func (s *Session) Close(ctx context.Context) error {
	_, rbErr := s.Conn.Exec(ctx, "ROLLBACK")
	return errors.Join(rbErr, s.Conn.Close(ctx))
}
