// Package opts holds connection strings handed to each sink, flagged cases
// beside silent look-alikes.
package opts

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"

	"github.com/golang-migrate/migrate/v4"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

func foreignOptions(ctx context.Context) {
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&command_timeout=30") // want `command_timeout is an asyncpg option that pgx does not read.* answers at connect time .FATAL: unrecognized configuration parameter "command_timeout" \(SQLSTATE 42704\).; use a context deadline`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&statement_timeout=30000")
	pgxpool.New(ctx, "postgres://app@db:5432/orders?sslmode=disable&statement_cache_size=0") // want `statement_cache_size is an asyncpg/Prisma option.*"statement_cache_size".*default_query_exec_mode=cache_describe`
	pgxpool.New(ctx, "postgres://app@db:5432/orders?sslmode=disable&statement_cache_capacity=128")
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&prepareThreshold=0")                // want `prepareThreshold is a JDBC option`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&pgbouncer=true&connection_limit=1") // want `pgbouncer is a Prisma option` `connection_limit is a Prisma option.*pool_max_conns=<n> with pgxpool`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&ssl=require")                       // want `ssl is an asyncpg/SQLAlchemy/JDBC/node-postgres option.*FATAL: parameter "ssl" cannot be changed now \(SQLSTATE 55P02\)`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?ssl=true")                                          // the URL alias pgconn keeps for JDBC: sslmode=require
}

func serverSettings(ctx context.Context) {
	// Real server settings, dotted custom settings and options=-c stay silent.
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&application_name=api&search_path=app&timezone=UTC&TimeZone=UTC&myapp.tenant=42&options=-c%20lock_timeout%3D5s")
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&sslMode=disable")         // want `sslMode is not sslmode \(keys are case-sensitive\)`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&max_connections=50")      // want `FATAL: parameter "max_connections" cannot be changed without restarting the server \(SQLSTATE 55P02\)`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&my-app.tenant=42")        // want `invalid configuration parameter name "my-app.tenant"`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&options=reference%3Dabc") // want `Supavisor.*invalid command-line argument for server process: reference=abc`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&statment_timeout=5000")   // want `statment_timeout is not a key pgx reads, nor a server setting`
}

func poolKeys(ctx context.Context) {
	pgxpool.New(ctx, "postgres://app@db:5432/orders?sslmode=disable&pool_max_conns=10&pool_max_conn_lifetime=1h")
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&pool_max_conns=10")              // want `pool_max_conns is a pgxpool option that pgx does not read.*"pool_max_conns"`
	sql.Open("pgx", "postgres://app@db:5432/orders?sslmode=disable&pool_max_conns=10")               // want `pool_max_conns is a pgxpool option that pgx's database/sql driver does not read.*at the first Ping or query.*SetMaxOpenConns`
	pgconn.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&pool_min_conns=2")            // want `pool_min_conns is a pgxpool option`
	pgxpool.New(ctx, "postgres://app@db:5432/orders?sslmode=disable&pool_max_conns=0")               // want `pool_max_conns=0 is not a value pgxpool accepts.*pool_max_conns too small`
	pgxpool.ParseConfig("postgres://app@db:5432/orders?sslmode=disable&pool_max_conn_lifetime=3600") // want `cannot parse pool_max_conn_lifetime \(time: missing unit in duration "3600"\).*pool_max_conn_lifetime=3600s`
}

func databaseSQL() {
	sql.Open("pgx", "postgres://app@db:5432/orders?sslmode=disable&default_query_exec_mode=exec")
	sql.Open("pgx/v5", "postgres://app@db:5432/orders?sslmode=disable&default_query_exec_mode=exec")
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&default_query_exec_mode=exec") // want `default_query_exec_mode is a pgx option that lib/pq does not read.*pq: unrecognized configuration parameter "default_query_exec_mode" \(42704\)`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&binary_parameters=yes")
	sql.Open("pgx", "postgres://app@db:5432/orders?sslmode=disable&binary_parameters=yes")  // want `binary_parameters is a lib/pq option`
	sql.Open("postgres", "host=db port=5432 user=app dbname=orders sslmode=disable tz=UTC") // want `tz does nothing here: lib/pq reads tz and never sends it`
	sql.Open("postgres", "host=db port=5432 user=app dbname=orders sslmode=disable timezone=UTC")
	sql.Open("postgres", "host=db port=5432 user=app dbname=orders sslmode=disable connect_timeout=10s") // want `pq: wrong value for "connect_timeout": strconv.ParseInt: parsing "10s": invalid syntax`
	sql.Open("postgres", "host=db port=5432 user=app dbname=orders sslmode=disable connect_timeout=10")
	sqlx.Connect("pgx", "postgres://app@db:5432/orders?sslmode=disable&command_timeout=5") // want `command_timeout is an asyncpg option`
	sqlx.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&application_name=worker")
	sql.Open("mysql", "root@tcp(db:3306)/orders?parseTime=true")                          // another driver: not judged
	pq.NewConnector("host=db dbname=orders sslmode=disable default_query_exec_mode=exec") // want `default_query_exec_mode is a pgx option that lib/pq does not read`
}

func gormSinks() {
	gorm.Open(postgres.Open("host=db user=app dbname=orders port=5432 sslmode=disable TimeZone=Asia/Shanghai"))
	gorm.Open(postgres.Open("host=db user=app dbname=orders port=5432 sslmode=disable statement_cache_size=0")) // want `statement_cache_size is an asyncpg/Prisma option that gorm's postgres driver \(pgx\) does not read`
	gorm.Open(postgres.New(postgres.Config{DSN: "host=db user=app dbname=orders sslmode=disable application_name=api", PreferSimpleProtocol: true}))
	gorm.Open(postgres.New(postgres.Config{DSN: "host=db user=app dbname=orders sslmode=disable command_timeout=9"}))                           // want `command_timeout is an asyncpg option`
	gorm.Open(postgres.New(postgres.Config{DriverName: "postgres", DSN: "host=db dbname=orders sslmode=disable default_query_exec_mode=exec"})) // want `that lib/pq does not read`
}

func migrations() {
	migrate.New("file://migrations", "postgres://app@db:5432/orders?sslmode=disable&x-migrations-table=schema_migrations&x-multi-statement=true")
	migrate.New("file://migrations", "postgres://app@db:5432/orders?sslmode=disable&x-statement-timeout=5s") // want `x-statement-timeout=5s is not a value golang-migrate accepts.*strconv.Atoi: parsing "5s": invalid syntax`
	migrate.New("file://migrations", "postgresql+psycopg2://app@db:5432/orders")                             // want `golang-migrate has no database driver for the scheme postgresql\+psycopg2://.*database driver: unknown driver postgresql\+psycopg2 \(forgotten import\?\)`
	migrate.New("file://migrations", "pgx5://app@db:5432/orders?sslmode=disable&default_query_exec_mode=exec")
	pgx.Connect(context.Background(), "postgres://app@db:5432/orders?sslmode=disable&x-migrations-table=m") // want `x-migrations-table is a golang-migrate option that pgx does not read`
}

func dynamic(ctx context.Context, cfg Config) {
	// Values only known at run time are not judged; keys written in the code are.
	pgx.Connect(ctx, os.Getenv("DATABASE_URL"))
	pgx.Connect(ctx, cfg.DSN)
	base := os.Getenv("DATABASE_URL")
	pgx.Connect(ctx, base+"?sslmode=require&application_name=api")
	pgx.Connect(ctx, base+"?sslmode=require&command_timeout=30") // want `command_timeout is an asyncpg option`
	dsn := cfg.DSN
	dsn += "&sslmode=" + cfg.SSLMode
	pgxpool.New(ctx, dsn)
	dsn += "&socketTimeout=30" // want `socketTimeout is a JDBC option`
	pgxpool.New(ctx, dsn)
}

type Config struct {
	DSN, Host, User, Password, Name, SSLMode string
	Port                                     int
}

func templates(ctx context.Context, c Config) {
	pgx.Connect(ctx, fmt.Sprintf("postgres://%s:%s@%s:%d/%s?sslmode=%s", c.User, c.Password, c.Host, c.Port, c.Name, c.SSLMode))
	pgx.Connect(ctx, fmt.Sprintf("postgres://%s:%s@%s:%d/%s?sslmode=disable&prepare_threshold=0", c.User, c.Password, c.Host, c.Port, c.Name)) // want `prepare_threshold is not a key pgx reads, nor a server setting`
	pgx.Connect(ctx, fmt.Sprintf("host=%s port=%d user=%s password=%s dbname=%s sslmode=%s", c.Host, c.Port, c.User, c.Password, c.Name, c.SSLMode))
	pgx.Connect(ctx, fmt.Sprintf("host=%s port=%d dbname=%s sslmode=%s", c.Host, c.Port, c.Name, "required")) // want `sslmode=required is not a value pgx accepts`
}

func urlBuilding(ctx context.Context, c Config) {
	q := url.Values{}
	q.Set("sslmode", "verify-full")
	q.Set("search_path", "app")
	u := url.URL{Scheme: "postgres", User: url.UserPassword(c.User, c.Password), Host: c.Host, Path: c.Name, RawQuery: q.Encode()}
	pgxpool.New(ctx, u.String())

	q2 := url.Values{"sslmode": {"require"}}
	q2.Set("pgbouncer", "true") // want `pgbouncer is a Prisma option`
	u2 := &url.URL{Scheme: "postgres", Host: c.Host, Path: "/" + c.Name}
	u2.RawQuery = q2.Encode()
	pgxpool.New(ctx, u2.String())

	u3, _ := url.Parse(os.Getenv("DATABASE_URL"))
	q3 := u3.Query()
	q3.Add("statement_cache_mode", "describe") // want `statement_cache_mode is a pgx v4 option`
	u3.RawQuery = q3.Encode()
	pgx.Connect(ctx, u3.String())
}

func runtimeParams(ctx context.Context, c Config) {
	cfg, _ := pgxpool.ParseConfig(c.DSN)
	cfg.ConnConfig.RuntimeParams["application_name"] = "api"
	cfg.ConnConfig.RuntimeParams["search_path"] = c.Name
	cfg.ConnConfig.RuntimeParams["command_timeout"] = "30"           // want `command_timeout is an asyncpg option that pgx does not read.*unrecognized configuration parameter "command_timeout"`
	cfg.ConnConfig.RuntimeParams["default_query_exec_mode"] = "exec" // want `RuntimeParams go to the server as they are.*set ConnConfig.DefaultQueryExecMode`
	pgxpool.NewWithConfig(ctx, cfg)
	cc, _ := pgx.ParseConfig(c.DSN)
	cc.RuntimeParams["standard_conforming_strings"] = "on"
	cc.RuntimeParams["pool_max_conns"] = "4" // want `pool_max_conns is read by pgx only while it parses a connection string.*set pgxpool.Config.MaxConns`
}

func statementCache(ctx context.Context) {
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&statement_cache_capacity=0") // want `statement_cache_capacity=0 turns pgx's cache off but leaves default_query_exec_mode=cache_statement.*on every query .cannot use QueryExecModeCacheStatement with disabled statement cache.`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&statement_cache_capacity=0&default_query_exec_mode=cache_describe")
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&description_cache_capacity=0&default_query_exec_mode=cache_describe") // want `cannot use QueryExecModeCacheDescribe with disabled description cache`
}

const (
	ordersBase = "postgres://app@db:5432/orders"
	ordersDSN  = ordersBase + "?sslmode=disable&ssl=require" // want `ssl is an asyncpg/SQLAlchemy/JDBC/node-postgres option`
	reportsDSN = ordersBase + "?sslmode=disable&application_name=reports"
)

func constants(ctx context.Context) {
	pgx.Connect(ctx, ordersDSN)
	pgx.Connect(ctx, reportsDSN)
}

func suppressed(ctx context.Context) {
	//dbaudit:ignore driveropts -- the staging proxy strips this key before the server sees it
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&proxy_route=blue")
}

// A helper's parameter takes the values its callers in the package pass.
func openOrders(ctx context.Context, dsn string) {
	pgxpool.New(ctx, dsn)
}

func helpers(ctx context.Context) {
	openOrders(ctx, "postgres://app@db:5432/orders?sslmode=disable&command_timeout=5") // want `command_timeout is an asyncpg option that pgxpool does not read`
	openOrders(ctx, "postgres://app@db:5432/orders?sslmode=disable&pool_max_conns=8")
}
