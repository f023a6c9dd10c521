// Package leak logs connection settings; leaks stand beside clean
// look-alikes.
package leak

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"os"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sirupsen/logrus"
	"go.uber.org/zap"
)

func fromEnvironment() {
	dsn := os.Getenv("DATABASE_URL")
	log.Printf("connecting to %s", dsn) // want `the connection string from Getenv\("DATABASE_URL"\) reaches log.Printf unredacted: password in the logs`
	u, err := url.Parse(dsn)
	if err != nil {
		log.Fatalf("bad DATABASE_URL %q: %v", dsn, err) // want `reaches log.Fatalf unredacted`
	}
	log.Printf("connecting to %s", u.Redacted())
	log.Printf("connecting to %s:%s%s as %s", u.Hostname(), u.Port(), u.Path, u.User.Username())
	log.Printf("connecting to %v", u) // want `the connection string from Getenv\("DATABASE_URL"\) reaches log.Printf`
	log.Println(u.User)               // want `reaches log.Println`
	log.Println(os.Getenv("HOME"), os.Getenv("LOG_LEVEL"))

	if v, ok := os.LookupEnv("ORDERS_DSN"); ok {
		fmt.Println("orders:", v) // want `the connection string from LookupEnv\("ORDERS_DSN"\) reaches fmt.Println`
	}
	pw := os.Getenv("PGPASSWORD")
	slog.Info("database", "password", pw) // want `the password from Getenv\("PGPASSWORD"\) reaches slog.Info`
	slog.Info("database", "host", os.Getenv("PGHOST"))
}

func flows(w http.ResponseWriter) error {
	dsn := os.Getenv("APP_DATABASE_URL")
	msg := "db=" + dsn
	zap.NewNop().Info(msg)                          // want `reaches \(\*zap.Logger\).Info`
	zap.NewNop().Info("db", zap.String("dsn", dsn)) // want `reaches zap.String`
	s := fmt.Sprintf("dsn=%s", dsn)
	w.Write([]byte(s))                              // want `reaches an HTTP response unredacted: password in the response`
	http.Error(w, "cannot connect to "+dsn, 500)    // want `reaches http.Error \(an HTTP response\)`
	logrus.WithField("dsn", dsn).Info("connecting") // want `reaches logrus.WithField`
	if dsn == "" {
		return errors.New("no database: " + dsn) // want `reaches the error message of errors.New`
	}
	clean := redactDSN(dsn)
	log.Println(clean)
	log.Println(shorten(dsn)) // want `reaches log.Println`
	dsn = "(hidden)"
	log.Println(dsn) // reassigned: clean from here on
	return fmt.Errorf("connect: %w", errors.New("x"))
}

func redactDSN(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(invalid)"
	}
	return u.Redacted()
}

// shorten is not a redaction helper: it keeps the password.
func shorten(s string) string { return s[:min(len(s), 80)] }

type DBConfig struct {
	Host     string
	Name     string
	Password string
	DSN      string
}

func configs(ctx context.Context, c DBConfig, pool *pgxpool.Pool) error {
	log.Printf("database %s on %s", c.Name, c.Host)
	log.Printf("database %s", c.DSN)      // want `the connection string in c.DSN reaches log.Printf`
	log.Printf("password %s", c.Password) // want `the password in c.Password reaches log.Printf`
	log.Print(pool.Config().ConnString()) // want `the connection string from ConnString\(\) reaches log.Print`

	cfg, err := pgxpool.ParseConfig(c.DSN)
	if err != nil {
		return err
	}
	log.Printf("pool %+v", cfg)            // pgxpool.Config prints ConnConfig as a pointer
	log.Printf("conn %+v", cfg.ConnConfig) // want `the connection config cfg.ConnConfig \(printed whole, it shows its Password field\)`
	log.Printf("as %s on %s", cfg.ConnConfig.User, cfg.ConnConfig.Host)
	return fmt.Errorf("login as %s with %s failed", cfg.ConnConfig.User, cfg.ConnConfig.Password) // want `the password in cfg.ConnConfig.Password reaches the error message of fmt.Errorf`
}

const (
	localDSN  = "postgres://app:s3cret@localhost:5432/app" // a rawdsn finding; logging it is a leak too
	publicDSN = "postgres://app@localhost:5432/app"
)

func constants(cc *pgx.ConnConfig) {
	log.Println(localDSN) // want `the connection string constant localDSN \(with its password\) reaches log.Println`
	log.Println(publicDSN)
	panic(localDSN) // want `reaches panic`
}

func sugared(dsn string) {
	zap.NewNop().Sugar().Infof("dsn %s", dsn) // a parameter: where it came from is not known here
}

// Report.DSN is only ever set to a masked string.
type Report struct {
	DSN    string
	Status string
}

func report(dsn string) {
	r := Report{DSN: redactDSN(dsn), Status: "ok"}
	log.Printf("%s: %s", r.DSN, r.Status)
}

type AppConfig struct {
	Port       int
	DBPassword string `json:"-"`
}

type SafeConfig struct {
	Host     string
	Password string
}

func (c SafeConfig) String() string { return c.Host }

func printsConfigs(a AppConfig, s SafeConfig, cc *pgx.ConnConfig) {
	log.Printf("config: %+v", a)  // want `a \(printed whole, it shows its DBPassword field\) reaches log.Printf`
	slog.Info("config", "cfg", a) // the JSON tag hides it from structured loggers
	log.Printf("config: %v", s)   // SafeConfig prints itself through String
	log.Printf("conn: %v", cc)    // want `the connection config cc \(printed whole, it shows its Password field\)`
	log.Printf("port: %d", a.Port)
}
