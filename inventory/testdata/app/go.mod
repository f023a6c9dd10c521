module example.com/app

go 1.22

require (
	github.com/golang-migrate/migrate/v4 v4.0.0
	github.com/jackc/pgx/v5 v5.0.0
	github.com/jmoiron/sqlx v1.0.0
	github.com/lib/pq v1.0.0
	github.com/pressly/goose/v3 v3.0.0
	gorm.io/driver/postgres v1.0.0
	gorm.io/gorm v1.0.0
)

// The test assembles ../stubs from the shared stubs (see ../README.md).
replace (
	github.com/golang-migrate/migrate/v4 => ../stubs/github.com/golang-migrate/migrate/v4
	github.com/jackc/pgx/v5 => ../stubs/github.com/jackc/pgx/v5
	github.com/jmoiron/sqlx => ../stubs/github.com/jmoiron/sqlx
	github.com/lib/pq => ../stubs/github.com/lib/pq
	github.com/pressly/goose/v3 => ../stubs/github.com/pressly/goose/v3
	gorm.io/driver/postgres => ../stubs/gorm.io/driver/postgres
	gorm.io/gorm => ../stubs/gorm.io/gorm
)
