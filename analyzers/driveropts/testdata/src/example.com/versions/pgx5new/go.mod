module example.com/versions/pgx5new

go 1.22

require github.com/jackc/pgx/v5 v5.12.0
