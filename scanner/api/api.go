// Package api is the scanner's HTTP interface: JSON over net/http with Go
// 1.22 routing and bearer-token auth. Handlers only read and queue: scans
// run in the jobs runner, which the handlers notify and ask for live
// progress. Request contexts go to the store for the request's own queries
// and nowhere else.
package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/dbaudit/dbaudit/scanner/config"
	"github.com/dbaudit/dbaudit/scanner/jobs"
	"github.com/dbaudit/dbaudit/scanner/store"
)

// Server serves the API.
type Server struct {
	cfg    config.API
	store  *store.Store
	runner *jobs.Runner
	log    *slog.Logger
	token  [sha256.Size]byte
}

// New returns a Server; cfg.Token must not be empty.
func New(cfg config.API, st *store.Store, runner *jobs.Runner, log *slog.Logger) *Server {
	return &Server{cfg: cfg, store: st, runner: runner, log: log, token: sha256.Sum256([]byte(cfg.Token))}
}

// Handler returns the routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)

	api := http.NewServeMux()
	api.HandleFunc("POST /api/v3/sitemap/scan", s.createScan)
	api.HandleFunc("GET /api/v3/sitemap/status/{job_id}", s.jobStatus)
	api.HandleFunc("GET /api/v3/sitemap/jobs/{job_id}/files", s.jobFiles)
	api.HandleFunc("GET /api/v3/sitemap/jobs/{job_id}/urls", s.jobURLs)
	api.HandleFunc("POST /api/v3/batch", s.createBatch)
	api.HandleFunc("GET /api/v3/batch/{batch_id}", s.batchStatus)
	api.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "", "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	mux.Handle("/api/", s.authenticate(api))
	return s.recoverPanics(s.logRequests(mux))
}

// authenticate requires "Authorization: Bearer <API_TOKEN>". The comparison
// is of SHA-256 digests in constant time, so neither the token's content nor
// its length leaks through timing.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="scanner"`)
			writeError(w, http.StatusUnauthorized, "", "missing bearer token: send Authorization: Bearer <API_TOKEN>")
			return
		}
		got := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if subtle.ConstantTimeCompare(got[:], s.token[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="scanner", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "", "invalid bearer token")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz pings the database: a scanner without its database cannot take work.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := contextWithTimeout(r, 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("readiness check failed", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "unreachable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "database": "ok", "running_jobs": s.runner.Running()})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("handler panicked", "method", r.Method, "path", r.URL.Path, "panic", p)
				writeError(w, http.StatusInternalServerError, "", "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"duration_ms", time.Since(start).Milliseconds())
	})
}

// errorBody is every error response: a message and, for bad input, the
// field it is about.
type errorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

func writeError(w http.ResponseWriter, status int, field, msg string) {
	writeJSON(w, status, errorBody{Error: msg, Field: field})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
