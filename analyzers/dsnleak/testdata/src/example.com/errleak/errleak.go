// Package errleak writes out the errors of driver calls.
// integration/drivers/dsnleak measured which of them carry the password,
// for which DSN shapes; the others stand beside them as silent look-alikes.
package errleak

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"os"

	"github.com/dbaudit/dbaudit/dbmodel/redact"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/lib/pq"
)

// lib/pq parses a URL with net/url and returns its error, which repeats a
// URL it refuses whole. From the environment, the URL may be malformed.
func pqFromEnv() {
	dsn := os.Getenv("DATABASE_URL")
	c, err := pq.NewConnector(dsn)
	if err != nil {
		log.Fatal(err) // want `the error of pq.NewConnector reaches log.Fatal: a malformed URL DSN comes back whole in the error, password included`
	}
	db := sql.OpenDB(c)
	if err := db.Ping(); err != nil {
		log.Fatal(err) // dialled through a connector: the URL was parsed already
	}
}

func pqOpen(dsn string) error {
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		log.Printf("open: %v", err) // sql.Open does not parse the DSN
		return err
	}
	if err := db.Ping(); err != nil {
		log.Printf("ping: %v", err) // want `the error of \(\*sql.DB\).Ping reaches log.Printf: a malformed URL DSN`
		return err
	}
	err = db.PingContext(context.Background())
	wrapped := fmt.Errorf("database: %w", err) // wrapping is not writing out
	log.Println(wrapped)                       // want `the error of \(\*sql.DB\).PingContext reaches log.Println`
	return fmt.Errorf("ping: %w", err)
}

// A URL net/url refuses (a port that is not a number): the error holds it,
// password included.
const badPortDSN = "postgres://app:Hunter2Secret@db.internal:notaport/app"

func pqBadPort(w http.ResponseWriter) {
	_, err := pq.NewConnector(badPortDSN)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError) // want `the error of pq.NewConnector reaches http.Error \(an HTTP response\): the error repeats the DSN's password`
	}
	u, err := url.Parse(badPortDSN)
	if err != nil {
		fmt.Fprintln(w, errors.New("bad url: "+err.Error())) // want `the error of url.Parse reaches fmt.Fprintln to an HTTP response`
		return
	}
	_ = u
}

// Keyword/value: lib/pq's parse errors name the key, not the value.
func pqKeywordValue(host, password string) {
	dsn := fmt.Sprintf("host=%s user=app password=%s dbname=app", host, password)
	if _, err := pq.NewConnector(dsn); err != nil {
		log.Fatal(err)
	}
	db, _ := sql.Open("postgres", dsn)
	if err := db.Ping(); err != nil {
		log.Fatal(err)
	}
}

// redact.Error masks the password of the DSN in the error's text.
func pqRedacted(dsn string) {
	if _, err := pq.NewConnector(dsn); err != nil {
		log.Fatal(redact.Error(err, dsn))
	}
	if _, err := pq.NewConnector(dsn); err != nil {
		log.Fatal(scrubError(err))
	}
	if _, err := url.Parse(dsn); err != nil {
		log.Print(redact.Secrets(err.Error(), dsn))
	}
}

func scrubError(err error) error { return errors.New("cannot connect") }

// url.Parse of a URL that is no connection string.
func redirect(w http.ResponseWriter, r *http.Request) {
	next, err := url.Parse(r.FormValue("next"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if _, err := url.Parse("https://example.com/" + next.Path); err != nil {
		log.Print(err)
	}
}

// pgx masks the password in every parse error (pgconn.ParseConfigError),
// and its dial errors name user, database and host: clean.
func pgxFromEnv(ctx context.Context) {
	dsn := os.Getenv("DATABASE_URL")
	if _, err := pgx.ParseConfig(dsn); err != nil {
		log.Printf("parse: %+v", err)                           // Error() masks the password
		log.Printf("parse: %#v", fmt.Errorf("config: %w", err)) // a wrapping error prints the wrapped one as a pointer
		log.Printf("parse %q: %#v", "DATABASE_URL", err)        // want `the error of pgx.ParseConfig reaches log.Printf: %#v prints its ConnString field, the DSN as written`
		log.Fatal(err)
	}
	if _, err := pgxpool.ParseConfig(dsn); err != nil {
		var pce *pgconn.ParseConfigError
		if errors.As(err, &pce) {
			log.Printf("cannot parse %s", pce.ConnString) // want `the connection string in pce.ConnString reaches log.Printf unredacted`
		}
		log.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		log.Fatal(err)
	}
	if err := pool.Ping(ctx); err != nil {
		log.Fatalf("%#v", err) // the pool parsed the DSN in New: Ping's error is no ParseConfigError
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		slog.Error("connect", "err", err)
		return
	}
	_ = conn
}

// An unescaped '@' in the URL password: pgx ends the userinfo at the first
// '@', so the host is the rest of the password, and the resolver's error
// repeats it.
const atDSN = "postgres://app:Hunter2@Secret@db.internal:5432/app"

func pgxAt(ctx context.Context) {
	conn, err := pgx.Connect(ctx, atDSN)
	if err != nil {
		err = fmt.Errorf("connect: %w", err)
		log.Println(err) // want `the error of pgx.Connect reaches log.Println: the '@' in the URL password puts its rest in the error`
		return
	}
	_ = conn
	pool, err := pgxpool.New(ctx, atDSN)
	if err != nil {
		log.Fatal(err) // pgxpool.New only parses: its errors are masked
	}
	c, err := pool.Acquire(ctx)
	if err != nil {
		panic(err) // want `the error of \(\*pgxpool.Pool\).Acquire reaches panic`
	}
	_ = c
}

// A password formatted into the URL's userinfo unescaped: with an '@' in
// it, the same leak.
func pgxFormatted(ctx context.Context, user, password, host string) {
	dsn := fmt.Sprintf("postgres://%s:%s@%s/app", user, password, host)
	pool, _ := pgxpool.New(ctx, dsn)
	if err := pool.Ping(ctx); err != nil {
		slog.Error("ping", "err", err) // want `the error of \(\*pgxpool.Pool\).Ping reaches slog.Error: an unescaped '@' in the URL password`
	}
	db, _ := sql.Open("pgx", dsn)
	if err := db.PingContext(ctx); err != nil {
		log.Print(err.Error()) // want `the error of \(\*sql.DB\).PingContext reaches log.Print`
	}
	// Escaped, the password cannot break the URL.
	safe := (&url.URL{Scheme: "postgres", User: url.UserPassword(user, password), Host: host, Path: "/app"}).String()
	pool2, _ := pgxpool.New(ctx, safe)
	if err := pool2.Ping(ctx); err != nil {
		log.Fatal(err)
	}
	// A well-formed URL: the dial error names user, database and host.
	pool3, _ := pgxpool.New(ctx, "postgres://app:Hunter2Secret@db.internal:5432/app")
	if err := pool3.Ping(ctx); err != nil {
		log.Fatal(err)
	}
	// Formatted, but with the password escaped: an '@' in it cannot end the
	// userinfo.
	escaped := fmt.Sprintf("postgres://%s:%s@%s/app", user, url.QueryEscape(password), host)
	pool4, _ := pgxpool.New(ctx, escaped)
	if err := pool4.Ping(ctx); err != nil {
		log.Fatal(err)
	}
}
