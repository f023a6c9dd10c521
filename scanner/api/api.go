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
	"errors"
	"fmt"
	"log"
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
	api.Handle("/api/", unmatched(api, "/api/"))
	mux.Handle("/api/", s.authenticate(api))
	mux.Handle("/", unmatched(mux, "/"))
	return s.recoverPanics(s.logRequests(mux))
}

// probeMethods are the methods unmatched tries when it builds an Allow header.
var probeMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// unmatched answers requests no route of mux takes (catchAll is the pattern
// it is registered as): 405 with an Allow header when the path has routes
// for other methods, else 404; JSON either way, like every other error.
func unmatched(mux *http.ServeMux, catchAll string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range probeMethods {
			probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != catchAll {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, http.StatusMethodNotAllowed, "", fmt.Sprintf("method %s not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(allow, " or ")))
			return
		}
		writeError(w, http.StatusNotFound, "", "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
}

// Timeouts of the HTTP server. Request bodies are at most maxBody (1 MiB),
// which a client sends well within bodyReadTimeout.
const (
	readHeaderTimeout = 5 * time.Second
	bodyReadTimeout   = 10 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
)

// HTTPServer returns the http.Server for the API, with timeouts that keep
// slow clients from holding connections: 5 s for the headers, 10 s for an
// authenticated body, none for an unauthenticated one (it is not read).
// Serve it on a LimitListener to bound the connections held at once.
func (s *Server) HTTPServer(errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          errorLog,
	}
}

// authenticate requires "Authorization: Bearer <API_TOKEN>". The comparison
// is of SHA-256 digests in constant time, so neither the token's content nor
// its length leaks through timing.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			refuse(w, r, `Bearer realm="scanner"`, "missing bearer token: send Authorization: Bearer <API_TOKEN>")
			return
		}
		got := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if subtle.ConstantTimeCompare(got[:], s.token[:]) != 1 {
			refuse(w, r, `Bearer realm="scanner", error="invalid_token"`, "invalid bearer token")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// refuse answers 401. The body of an unauthenticated request is never read:
// the connection is closed after the answer instead of drained, so a
// client trickling a body cannot hold it until ReadTimeout.
func refuse(w http.ResponseWriter, r *http.Request, challenge, msg string) {
	w.Header().Set("WWW-Authenticate", challenge)
	if r.ContentLength != 0 {
		w.Header().Set("Connection", "close")
		// Ends the server's attempt to drain the body after the handler.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now())
	}
	writeError(w, http.StatusUnauthorized, "", msg)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz checks the database and its schema: a scanner without either
// cannot take work.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := contextWithTimeout(r, 2*time.Second)
	defer cancel()
	if err := s.store.Ready(ctx); err != nil {
		s.log.Warn("readiness check failed", "error", err)
		database := "unreachable"
		if errors.Is(err, store.ErrSchemaNotReady) {
			database = "schema not migrated"
		}
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": database})
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

// Unwrap lets http.ResponseController reach the connection's deadlines.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

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
