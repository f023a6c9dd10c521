package ctxfix

import (
	"context"
	"database/sql"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
)

type Server struct {
	pool *pgxpool.Pool
	db   *sql.DB
}

func (s *Server) Background(w http.ResponseWriter, r *http.Request) {
	_ = s.pool.QueryRow(context.Background(), "SELECT 1") // want `runs under context.Background\(\)`
}

func (s *Server) NoContext(w http.ResponseWriter, req *http.Request) {
	rows, err := s.db.Query("SELECT $1", 1) // want `sql.DB.Query in an HTTP handler takes no context`
	if err == nil {
		rows.Close()
	}
	tx, err := s.db.Begin() // want `sql.DB.Begin in an HTTP handler takes no context`
	if err == nil {
		_ = tx.Rollback()
	}
}

func (s *Server) Goroutine(w http.ResponseWriter, r *http.Request) {
	go func() {
		_, _ = s.pool.Exec(r.Context(), "INSERT INTO visits DEFAULT VALUES") // want `uses the request's context`
	}()
}

func (s *Server) Shadowed(w http.ResponseWriter, r *http.Request) {
	for _, r := range []int{1} { // r is no longer the request here: no fix
		_ = r
		_ = s.pool.QueryRow(context.TODO(), "SELECT 1") // want `runs under context.TODO\(\)`
	}
}

func Gin(e *gin.Engine, s *Server) {
	e.GET("/", func(c *gin.Context) {
		_, _ = s.db.Exec("SELECT 1") // want `sql.DB.Exec in a gin handler takes no context`
	})
}
