package schemacheck

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5/pgconn"
)

// Prepared is the server's answer to preparing one statement: its
// description, or the error the server raised.
type Prepared struct {
	Desc *pgconn.StatementDescription
	Err  *pgconn.PgError
}

// pipelineChunk is how many statements go to the server per flush. Each
// chunk is one round trip; the cap bounds the memory held on both sides.
const pipelineChunk = 250

// savepoint isolates each statement: a statement that fails to parse aborts
// the transaction, and rolling back to the savepoint revives it without
// leaving the read-only transaction (and releases the locks the parse took).
const savepoint = "dbaudit_prepare"

// PrepareAll prepares (never executes) each SQL text in a pipeline on a
// connection that is inside a transaction (see Open), and deallocates each
// statement again. Per statement the pipeline carries
//
//	Parse+Describe, Sync, ROLLBACK TO SAVEPOINT, Close
//
// so a failing statement only costs its own Sync. The result has one entry
// per input, in order; duplicates are prepared once. The error is for the
// connection failing, not for statements the server rejects.
func PrepareAll(ctx context.Context, conn *pgconn.PgConn, sqls []string) ([]Prepared, error) {
	out := make([]Prepared, len(sqls))
	first := map[string]int{}
	var unique []int
	for i, s := range sqls {
		if j, ok := first[s]; ok {
			_ = j
			continue
		}
		first[s] = i
		unique = append(unique, i)
	}
	for start := 0; start < len(unique); start += pipelineChunk {
		chunk := unique[start:min(start+pipelineChunk, len(unique))]
		texts := make([]string, len(chunk))
		for k, i := range chunk {
			texts[k] = sqls[i]
		}
		res, err := prepareChunk(ctx, conn, texts)
		if err != nil {
			return nil, err
		}
		for k, i := range chunk {
			out[i] = res[k]
		}
	}
	for i, s := range sqls {
		out[i] = out[first[s]]
	}
	return out, nil
}

func prepareChunk(ctx context.Context, conn *pgconn.PgConn, sqls []string) (_ []Prepared, err error) {
	p := conn.StartPipeline(ctx)
	defer func() {
		if cerr := p.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("preparing statements: %w", cerr)
		}
	}()
	p.SendQueryParams("SAVEPOINT "+savepoint, nil, nil, nil, nil)
	for i, sql := range sqls {
		name := "dbaudit_" + strconv.Itoa(i)
		p.SendPrepare(name, sql, nil)
		p.SendPipelineSync()
		p.SendQueryParams("ROLLBACK TO SAVEPOINT "+savepoint, nil, nil, nil, nil)
		p.SendDeallocate(name)
	}
	p.SendQueryParams("RELEASE SAVEPOINT "+savepoint, nil, nil, nil, nil)
	if err := p.Sync(); err != nil {
		return nil, fmt.Errorf("preparing statements: %w", err)
	}

	// next returns the next result, draining result readers; a *PgError is
	// a value here, anything else ends the pipeline.
	next := func() (any, *pgconn.PgError, error) {
		r, err := p.GetResults()
		if err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) {
				return nil, pgErr, nil
			}
			return nil, nil, fmt.Errorf("preparing statements: %w", err)
		}
		if rr, ok := r.(*pgconn.ResultReader); ok {
			if _, err := rr.Close(); err != nil {
				var pgErr *pgconn.PgError
				if errors.As(err, &pgErr) {
					return nil, pgErr, nil
				}
				return nil, nil, err
			}
		}
		return r, nil, nil
	}
	expectOK := func(what string) error {
		_, pgErr, err := next()
		if err != nil {
			return err
		}
		if pgErr != nil {
			return fmt.Errorf("preparing statements: %s: %w", what, pgErr)
		}
		return nil
	}

	if err := expectOK("SAVEPOINT"); err != nil {
		return nil, err
	}
	out := make([]Prepared, len(sqls))
	for i := range sqls {
		r, pgErr, err := next()
		if err != nil {
			return nil, err
		}
		if pgErr != nil {
			out[i].Err = pgErr
		} else if sd, ok := r.(*pgconn.StatementDescription); ok {
			out[i].Desc = sd
		} else {
			return nil, fmt.Errorf("preparing statements: unexpected %T", r)
		}
		// After an error pgx skips to the Sync, as the server does.
		if r, pgErr, err := next(); err != nil || pgErr != nil {
			return nil, errors.Join(err, pgErrOrNil(pgErr))
		} else if _, ok := r.(*pgconn.PipelineSync); !ok {
			return nil, fmt.Errorf("preparing statements: expected a sync, got %T", r)
		}
		if err := expectOK("ROLLBACK TO SAVEPOINT"); err != nil {
			return nil, err
		}
		if err := expectOK("deallocating"); err != nil {
			return nil, err
		}
	}
	if err := expectOK("RELEASE SAVEPOINT"); err != nil {
		return nil, err
	}
	if r, pgErr, err := next(); err != nil || pgErr != nil {
		return nil, errors.Join(err, pgErrOrNil(pgErr))
	} else if _, ok := r.(*pgconn.PipelineSync); !ok {
		return nil, fmt.Errorf("preparing statements: expected the final sync, got %T", r)
	}
	return out, nil
}

func pgErrOrNil(e *pgconn.PgError) error {
	if e == nil {
		return nil
	}
	return e
}
