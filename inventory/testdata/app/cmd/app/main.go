package main

import (
	"context"
	"os"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

func main() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL")) // touch: construct main main
	if err != nil {
		panic(err)
	}
	pool.Exec(ctx, "select 1") // touch: exec main main
	go func() {
		pool.Exec(ctx, "listen jobs") // touch: exec worker main.func1
	}()
	xdb := sqlx.NewDb(stdlib.OpenDB(pgx.ConnConfig{}), "pgx")                     // touch: construct main main api=github.com/jackc/pgx/v5/stdlib.OpenDB
	xdb.MustExec("select 1")                                                      // touch: exec main main
	gdb, _ := gorm.Open(postgres.Open(os.Getenv("DATABASE_URL")), &gorm.Config{}) // touch: construct main main api=gorm.io/gorm.Open
	gdb.Exec("select 1")                                                          // touch: exec main main api=gorm.io/gorm.DB.Exec
}
