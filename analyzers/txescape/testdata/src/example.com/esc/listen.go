package esc

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Listener owns one long-lived connection for LISTEN: acquired by Start,
// kept in a field, read by a goroutine, released by Close.
type Listener struct {
	pool   *pgxpool.Pool
	conn   *pgxpool.Conn
	events chan string
}

func (l *Listener) Start(ctx context.Context) error {
	conn, err := l.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "LISTEN jobs"); err != nil {
		conn.Release() // before the goroutine starts: nothing races it
		return err
	}
	l.conn = conn
	go func() {
		for {
			if _, err := conn.Exec(ctx, "SELECT 1"); err != nil { // stands for WaitForNotification
				return
			}
			l.events <- "job"
		}
	}()
	return nil
}

func (l *Listener) Close() {
	if l.conn != nil {
		l.conn.Release()
	}
}

// Poller keeps its connection the same way, but nothing ever releases it
// from the field: the goroutine outlives whoever could.
type Poller struct {
	pool *pgxpool.Pool
	conn *pgxpool.Conn
}

func (p *Poller) Start(ctx context.Context) error {
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	p.conn = conn
	go func() {
		_, _ = conn.Exec(ctx, "LISTEN jobs") // want `connection conn \(\*pgxpool.Conn\) is captured by a goroutine this function does not wait for`
	}()
	return nil
}

// Watcher's Close releases the field, but Start releases the connection
// itself when it returns: the goroutine then holds a released connection.
type Watcher struct {
	pool *pgxpool.Pool
	conn *pgxpool.Conn
}

func (w *Watcher) Start(ctx context.Context) error {
	conn, err := w.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	w.conn = conn
	go func() {
		_, _ = conn.Exec(ctx, "LISTEN jobs") // want `connection conn \(\*pgxpool.Conn\) is captured by a goroutine this function does not wait for`
	}()
	return nil
}

func (w *Watcher) Close() {
	w.conn.Release()
}
