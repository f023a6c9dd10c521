// Read by driveropts for the pgx version (the analysistest GOPATH ignores it).
module example.com/versions/pgx5old

go 1.22

require github.com/jackc/pgx/v5 v5.5.3
