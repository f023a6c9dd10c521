module example.com/versions/pgx4

go 1.22

require (
	github.com/jackc/pgconn v1.14.3
	github.com/jackc/pgx/v4 v4.18.3
)
