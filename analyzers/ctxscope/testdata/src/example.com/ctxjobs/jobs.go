package ctxjobs

import (
	"context"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Queue runs jobs on its own workers, after the request that enqueued them
// (rules.yaml job_runners names Enqueue).
type Queue struct{}

func (q *Queue) Enqueue(job func(ctx context.Context) error) {}

type Server struct {
	pool *pgxpool.Pool
	jobs *Queue
}

func (s *Server) Signup(w http.ResponseWriter, r *http.Request) {
	s.jobs.Enqueue(func(ctx context.Context) error {
		_, err := s.pool.Exec(r.Context(), "INSERT INTO welcome_mails DEFAULT VALUES") // want `pgxpool.Pool.Exec in a background job uses the request's context`
		return err
	})
	s.jobs.Enqueue(func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, "INSERT INTO welcome_mails DEFAULT VALUES") // the worker's own context
		return err
	})
}
