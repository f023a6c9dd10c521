// Command oldpgx measures which connection-string keys older pgx releases
// consume and which they forward to the server as run-time parameters.
//
// It reads probes, one a line ("sink key value"), from stdin and writes one
// JSON result a line. A probe's key=value is added to a keyword/value string
// pointing at the server in the first argument; the sink's parser is called
// (pgconn, pgx, pgxpool: pgx v5 as go.mod requires; pgconn4, pgx4, pgxpool4:
// pgx v4). A key left in RuntimeParams is forwarded; for those the program
// also connects, so the server's answer is measured too.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	pgconn4 "github.com/jackc/pgconn"
	pgx4 "github.com/jackc/pgx/v4"
	pgxpool4 "github.com/jackc/pgx/v4/pgxpool"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

type result struct {
	Sink, Key, Value string
	// Rejected is the parser's error; Forwarded reports the key was left
	// in RuntimeParams; Server is the connect error for a forwarded key.
	Rejected  string `json:",omitempty"`
	Forwarded bool   `json:",omitempty"`
	Server    string `json:",omitempty"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: oldpgx 'host=… port=… user=… dbname=… sslmode=disable' < probes")
		os.Exit(2)
	}
	base := os.Args[1]
	enc := json.NewEncoder(os.Stdout)
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), " ", 3)
		if len(f) != 3 {
			continue
		}
		r := result{Sink: f[0], Key: f[1], Value: f[2]}
		dsn := base + " " + r.Key + "='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(r.Value) + "'"
		params, err := parse(r.Sink, dsn)
		if err != nil {
			r.Rejected = err.Error()
		} else if _, ok := params[r.Key]; ok {
			r.Forwarded = true
			if err := connect(r.Sink, dsn); err != nil {
				r.Server = err.Error()
			}
		}
		if err := enc.Encode(r); err != nil {
			panic(err)
		}
	}
}

// parse returns the run-time parameters the sink's parser leaves.
func parse(sink, dsn string) (map[string]string, error) {
	switch sink {
	case "pgconn":
		c, err := pgconn.ParseConfig(dsn)
		if err != nil {
			return nil, err
		}
		return c.RuntimeParams, nil
	case "pgx":
		c, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, err
		}
		return c.RuntimeParams, nil
	case "pgxpool":
		c, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			return nil, err
		}
		return c.ConnConfig.RuntimeParams, nil
	case "pgconn4":
		c, err := pgconn4.ParseConfig(dsn)
		if err != nil {
			return nil, err
		}
		return c.RuntimeParams, nil
	case "pgx4":
		c, err := pgx4.ParseConfig(dsn)
		if err != nil {
			return nil, err
		}
		return c.RuntimeParams, nil
	case "pgxpool4":
		c, err := pgxpool4.ParseConfig(dsn)
		if err != nil {
			return nil, err
		}
		return c.ConnConfig.RuntimeParams, nil
	}
	return nil, fmt.Errorf("unknown sink %s", sink)
}

// connect opens one connection through the sink's driver.
func connect(sink, dsn string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	switch sink {
	case "pgconn", "pgx", "pgxpool":
		c, err := pgconn.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		return c.Close(ctx)
	case "pgconn4", "pgx4", "pgxpool4":
		c, err := pgconn4.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		return c.Close(ctx)
	}
	return fmt.Errorf("unknown sink %s", sink)
}
