package api

import (
	"context"
	"database/sql"
	"net/http"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jmoiron/sqlx"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

type Server struct {
	dsn  string
	pool *pgxpool.Pool // injected: fine
}

func (s *Server) handleUser(w http.ResponseWriter, r *http.Request) {
	pool, err := pgxpool.New(r.Context(), s.dsn) // want `pgxpool.New inside an HTTP handler builds a new pool for every request`
	if err != nil {
		return
	}
	defer pool.Close()
}

func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
		conn, _ := pgx.Connect(r.Context(), s.dsn) // want `pgx.Connect inside an HTTP handler`
		_ = conn
	})
	// Using the injected pool in a handler is the compliant way.
	mux.HandleFunc("/y", func(w http.ResponseWriter, r *http.Request) {
		_, _ = s.pool.Exec(r.Context(), "select 1")
	})
}

func openHelper(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	// Without rules.yaml approved_packages a pool built outside a handler,
	// loop or job is no bug: silent (example.com/policy is judged with one).
	return pgxpool.New(ctx, dsn)
}

func nested(c *sql.Conn) *sqlx.DB {
	// One construction, not two: NewDb only wraps the *sql.DB.
	return sqlx.NewDb(sql.OpenDB(nil), "pgx")
}

func gormOpen(dsn string) {
	db, _ := gorm.Open(postgres.Open(dsn))
	_ = db
}

func driverOnly() {
	// sql.Open with an empty DSN only obtains the driver; it never connects.
	db, _ := sql.Open("postgres", "")
	_ = db.Driver()
}

func suppressed(ctx context.Context, dsn string) {
	//dbaudit:ignore poolconstruct -- admin endpoint that talks to a different cluster, pool closed on return
	pool, _ := pgxpool.New(ctx, dsn)
	defer pool.Close()
}

func noReason(ctx context.Context, dsn string) {
	//dbaudit:ignore poolconstruct
	pool, _ := pgxpool.New(ctx, dsn)
	defer pool.Close()
}
