package roles

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

type Server struct{}

func (s *Server) Routes(mux *http.ServeMux) {
	mux.Handle("/stats", jsonHandler(s.stats))
	mux.HandleFunc("/list", s.list)
	mux.Handle("/wrapped", http.HandlerFunc(s.wrapped))
	mux.HandleFunc("/inline", func(w http.ResponseWriter, r *http.Request) {}) // want `handler literal`
	mux.Handle("/made", s.made())
	http.Handle("/mw", logged(http.HandlerFunc(s.viaMiddleware)))
}

func (s *Server) stats(ctx context.Context) (any, error) { return nil, nil } // want `handler stats`

func (s *Server) list(w http.ResponseWriter, r *http.Request) {} // want `handler list`

func (s *Server) wrapped(w http.ResponseWriter, r *http.Request) {} // want `handler wrapped`

func (s *Server) viaMiddleware(w http.ResponseWriter, r *http.Request) {} // want `handler viaMiddleware`

// made is called, not registered. The literal it converts has no role: a
// conversion registers nothing, and its signature already says handler.
func (s *Server) made() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
}

// jsonHandler and logged are adapters: called, not registered.
func jsonHandler(f func(context.Context) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, _ := f(r.Context())
		json.NewEncoder(w).Encode(v)
	})
}

func logged(h http.Handler) http.Handler { return h }

// Every is the fixture's job runner (rules.yaml job_runners).
func Every(d time.Duration, job func(context.Context) error) {}

type Worker struct{}

func (w *Worker) Start(ctx context.Context) {
	go w.loop(ctx)
	go func() {}() // want `worker literal`
	Every(time.Minute, w.sweep)
	Every(time.Hour, func(ctx context.Context) error { return nil }) // want `worker literal`
	var wg sync.WaitGroup
	wg.Go(w.drain)
	time.AfterFunc(time.Second, func() {}) // want `worker literal`
	w.helper(ctx)
	later(w.notStarted)
}

func (w *Worker) loop(ctx context.Context) {} // want `worker loop`

func (w *Worker) sweep(ctx context.Context) error { return nil } // want `worker sweep`

func (w *Worker) drain() {} // want `worker drain`

// helper is called directly and notStarted is passed to an ordinary
// function: neither has a role.
func (w *Worker) helper(ctx context.Context) {}

func (w *Worker) notStarted() {}

func later(f func()) {}
