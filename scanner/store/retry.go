package store

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Retryable reports whether err is a database failure that a later attempt
// of the same write can get past: the connection was lost or refused (a
// restart, a failover, pg_terminate_backend, a database briefly not
// accepting connections), or the transaction lost a deadlock or
// serialization conflict. Errors of the statement itself (constraint
// violations, bad input, authentication) are not, and neither is the end of
// the caller's context.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"): // connection exception
			return true
		case strings.HasPrefix(pgErr.Code, "28"): // invalid authorization
			return false
		}
		switch pgErr.Code {
		case "40001", // serialization_failure
			"40P01", // deadlock_detected
			"57P01", // admin_shutdown: pg_terminate_backend, smart/fast shutdown
			"57P02", // crash_shutdown
			"57P03", // cannot_connect_now: starting up or shutting down
			"53300", // too_many_connections
			"55000": // object_not_in_prerequisite_state: database not accepting connections
			return true
		}
		var connErr *pgconn.ConnectError
		return errors.As(err, &connErr) && pgErr.Code == "3D000" // database does not exist (yet, again)
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) || pgconn.SafeToRetry(err) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, pgconn.ErrConnClosed)
}

// conflict reports whether err is a deadlock or serialization failure: the
// transaction was rolled back and may simply be run again.
func conflict(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// Backoff is the wait before retry number attempt (0-based): base doubled per
// attempt up to limit, with jitter of ±50% so that writers that failed
// together do not retry together.
func Backoff(attempt int, base, limit time.Duration) time.Duration {
	d := base
	for range attempt {
		d *= 2
		if d >= limit {
			d = limit
			break
		}
	}
	return d/2 + rand.N(d+1)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
