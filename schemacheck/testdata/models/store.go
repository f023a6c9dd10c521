package models

import (
	"context"
	"database/sql"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store holds the literal SQL schemacheck prepares. A "want" comment lists
// what schemacheck must say about the line; unmarked statements are silent
// look-alikes.
type Store struct {
	pool *pgxpool.Pool
	db   *sql.DB
}

const byURL = `SELECT id, url FROM sitemap_files WHERE url = $1`

func (s *Store) Queries(ctx context.Context, jobID string, id int64) error {
	// query-error: operator does not exist: character varying = uuid
	if _, err := s.pool.Exec(ctx, `SELECT id FROM sitemap_files WHERE job_id = $1::uuid`, jobID); err != nil { // want query-error:error
		return err
	}
	// silent: the same comparison with text.
	if _, err := s.pool.Exec(ctx, `SELECT id FROM sitemap_files WHERE job_id = $1`, jobID); err != nil {
		return err
	}
	// query-error: column "url_count" does not exist
	if _, err := s.pool.Exec(ctx, "SELECT url_count FROM sitemap_files"); err != nil { // want query-error:error
		return err
	}
	// query-error: operator does not exist: json = json
	if _, err := s.pool.Exec(ctx, "SELECT 1 FROM jobs WHERE payload::json = payload::json"); err != nil { // want query-error:error
		return err
	}
	// silent: a named constant, and the jsonb comparison that exists.
	if _, err := s.pool.Exec(ctx, byURL, "https://example.com"); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, "SELECT 1 FROM jobs WHERE payload = payload"); err != nil {
		return err
	}
	// param-type: an int for a text parameter.
	if _, err := s.pool.Exec(ctx, byURL, 42); err != nil { // want param-type:error
		return err
	}
	// param-type: two parameters, one argument.
	if _, err := s.pool.Query(ctx, "SELECT id FROM sitemap_files WHERE url = $1 AND size = $2", "u"); err != nil { // want param-type:error
		return err
	}
	// param-type (warning): a float64 for an int4 parameter is truncated.
	if _, err := s.pool.Exec(ctx, "UPDATE sitemap_files SET size = $1 WHERE id = $2", 1.5, id); err != nil { // want param-type:warning
		return err
	}
	// silent: options before the arguments, and pgx.NamedArgs.
	if _, err := s.pool.Exec(ctx, "UPDATE sitemap_files SET size = $1 WHERE id = $2", pgx.QueryExecModeExec, int32(1), id); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, "SELECT id FROM sitemap_files WHERE url = @url", pgx.NamedArgs{"url": "u"}); err != nil {
		return err
	}
	// info: DDL is not prepared, nor are several statements in one string.
	if _, err := s.pool.Exec(ctx, "CREATE TABLE IF NOT EXISTS scratch (id int)"); err != nil { // want query-error:info
		return err
	}
	if _, err := s.pool.Exec(ctx, "SELECT 1; SELECT 2"); err != nil { // want query-error:info
		return err
	}
	return nil
}

func (s *Store) Scans(ctx context.Context, id int64) error {
	var url string
	var fetched time.Time
	var fetchedPtr *time.Time
	// nullability: fetched_at is nullable, fetched is a time.Time.
	if err := s.pool.QueryRow(ctx, "SELECT url, fetched_at FROM sitemap_files WHERE id = $1", id).Scan(&url, &fetched); err != nil { // want nullability:error
		return err
	}
	// silent: a pointer.
	if err := s.pool.QueryRow(ctx, "SELECT url, fetched_at FROM sitemap_files WHERE id = $1", id).Scan(&url, &fetchedPtr); err != nil {
		return err
	}
	// type-mismatch: two columns, one destination.
	row := s.pool.QueryRow(ctx, "SELECT id, url FROM sitemap_files WHERE id = $1", id)
	if err := row.Scan(&id); err != nil { // want type-mismatch:error
		return err
	}
	// silent: every column of the table into the model.
	rows, err := s.pool.Query(ctx, "SELECT * FROM sitemap_files")
	if err != nil {
		return err
	}
	if _, err := pgx.CollectRows(rows, pgx.RowToStructByName[SitemapFile]); err != nil {
		return err
	}
	// silent: a rows variable reused for a second query; the strict
	// collection below reads the second query's columns, not the first's.
	reused, err := s.pool.Query(ctx, "SELECT id, url FROM sitemap_files")
	if err != nil {
		return err
	}
	if _, err := pgx.CollectRows(reused, pgx.RowToStructByNameLax[SitemapFile]); err != nil {
		return err
	}
	reused, err = s.pool.Query(ctx, "SELECT * FROM sitemap_files")
	if err != nil {
		return err
	}
	if _, err := pgx.CollectRows(reused, pgx.RowToStructByName[SitemapFile]); err != nil {
		return err
	}
	// missing-column: the model needs job_id, fetched_at, size, tenant_id.
	partial, err := s.pool.Query(ctx, "SELECT id, url FROM sitemap_files")
	if err != nil {
		return err
	}
	if _, err := pgx.CollectRows(partial, pgx.RowToStructByName[SitemapFile]); err != nil { // want missing-column:error
		return err
	}
	// silent: the Lax variant leaves the other fields alone.
	lax, err := s.pool.Query(ctx, "SELECT id, url FROM sitemap_files")
	if err != nil {
		return err
	}
	if _, err := pgx.CollectRows(lax, pgx.RowToStructByNameLax[SitemapFile]); err != nil {
		return err
	}
	// nullability through database/sql: note is nullable.
	var note string
	if err := s.db.QueryRowContext(ctx, "SELECT note FROM jobs LIMIT 1").Scan(&note); err != nil { // want nullability:error
		return err
	}
	// silent: sql.NullString.
	var nullNote sql.NullString
	return s.db.QueryRowContext(ctx, "SELECT note FROM jobs LIMIT 1").Scan(&nullNote)
}
