// Command scanner is the reference sitemap scanner service: it scans
// domains' sitemaps in the background and serves job status over HTTP.
//
//	scanner serve            run the API and the workers (migrates first)
//	scanner migrate          apply the embedded database migrations
//	scanner migrate status   list the migrations and whether each is applied
//
// Settings come from the environment (see scanner/README.md); serve takes a
// few flags that override it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/dbaudit/dbaudit/scanner/api"
	"github.com/dbaudit/dbaudit/scanner/config"
	"github.com/dbaudit/dbaudit/scanner/jobs"
	"github.com/dbaudit/dbaudit/scanner/sitemap"
	"github.com/dbaudit/dbaudit/scanner/store"
)

const usage = `usage: scanner <command> [flags]

commands:
  serve            run the API and the background workers
  migrate          apply pending database migrations
  migrate status   list migrations and whether each is applied

Settings are read from the environment: DATABASE_URL, API_TOKEN, ADDR,
SCANNER_ALLOW_PRIVATE and the SCANNER_* variables in scanner/README.md.
Run "scanner serve -h" for the flags that override them.
`

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stderr))
}

// run is main without the process exit, for tests. Exit codes: 0 success,
// 1 runtime failure, 2 bad usage or configuration.
func run(args []string, getenv func(string) string, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "scanner: %v\n", err)
		return 2
	}
	switch args[0] {
	case "serve":
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(stderr)
		cfg.RegisterFlags(fs)
		if err := fs.Parse(args[1:]); err != nil {
			return 2
		}
		if fs.NArg() > 0 {
			fmt.Fprintf(stderr, "scanner serve: unexpected argument %q\n", fs.Arg(0))
			return 2
		}
		cfg.Sync()
		if err := errors.Join(cfg.Validate(true), store.CheckURL(cfg.DB.URL)); err != nil {
			fmt.Fprintf(stderr, "scanner: %v\n", err)
			return 2
		}
		log := newLogger(cfg.LogFormat, stderr)
		if err := serve(cfg, log); err != nil {
			log.Error("scanner stopped", "error", err)
			return 1
		}
		return 0
	case "migrate":
		status := len(args) > 1 && args[1] == "status"
		if len(args) > 1 && !status || len(args) > 2 {
			fmt.Fprintf(stderr, "scanner migrate: unexpected argument %q (want nothing or \"status\")\n", args[len(args)-1])
			return 2
		}
		if err := errors.Join(cfg.Validate(false), store.CheckURL(cfg.DB.URL)); err != nil {
			fmt.Fprintf(stderr, "scanner: %v\n", err)
			return 2
		}
		log := newLogger(cfg.LogFormat, stderr)
		if err := migrate(cfg, log, status, stderr); err != nil {
			log.Error("migration failed", "error", err)
			return 1
		}
		return 0
	default:
		fmt.Fprintf(stderr, "scanner: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

func migrate(cfg config.Config, log *slog.Logger, statusOnly bool, out io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := store.Open(ctx, cfg.DB, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.WaitReady(ctx, cfg.DB.ConnectTimeout); err != nil {
		return err
	}
	if statusOnly {
		results, err := st.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		for _, r := range results {
			state := "pending"
			if r.Applied {
				state = "applied"
			}
			fmt.Fprintf(out, "%05d %-8s %s\n", r.Version, state, r.Source)
		}
		return nil
	}
	results, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	for _, r := range results {
		log.Info("migration applied", "version", r.Version, "source", r.Source, "duration", r.Duration)
	}
	log.Info("database is up to date", "applied", len(results))
	return nil
}

// serve runs until SIGINT or SIGTERM, then shuts down within
// cfg.Jobs.ShutdownTimeout: the listener closes, in-flight requests finish,
// running jobs are marked interrupted.
func serve(cfg config.Config, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := store.Open(ctx, cfg.DB, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.WaitReady(ctx, cfg.DB.ConnectTimeout); err != nil {
		return err
	}
	if cfg.DB.MigrateOnStart {
		results, err := st.Migrate(ctx)
		if err != nil {
			return err
		}
		log.Info("migrations checked", "applied", len(results))
	}

	scanner := sitemap.NewScanner(cfg.Fetch, log)
	runner := jobs.New(cfg.Jobs, st, scanner, log)
	if err := runner.Start(ctx); err != nil {
		return err
	}
	server := api.New(cfg.API, st, runner, log).HTTPServer(slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	listener, err := net.Listen("tcp", cfg.API.Addr)
	if err != nil {
		_ = runner.Shutdown(context.Background())
		return fmt.Errorf("listening on %s: %w", cfg.API.Addr, err)
	}
	listener = api.LimitListener(listener, cfg.API.MaxConnections)
	log.Info("listening", "addr", listener.Addr().String(), "workers", cfg.Jobs.Workers,
		"instance", cfg.Jobs.InstanceID, "allow_private", cfg.Fetch.AllowPrivate)

	serveErr := make(chan error, 1)
	go func() { serveErr <- server.Serve(listener) }()

	select {
	case err := <-serveErr:
		_ = runner.Shutdown(context.Background())
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	stop() // a second signal kills the process the default way
	log.Info("shutting down", "timeout", cfg.Jobs.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.Jobs.ShutdownTimeout)
	defer cancel()
	jobsDone := make(chan error, 1)
	go func() { jobsDone <- runner.Shutdown(shutdownCtx) }()
	httpErr := server.Shutdown(shutdownCtx)
	jobsErr := <-jobsDone
	if err := errors.Join(httpErr, jobsErr); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	log.Info("stopped cleanly")
	return nil
}
