// Package models holds model structs for schemacheck's tests: one problem
// per struct, each beside a look-alike that must stay silent. A "want"
// comment lists rule:severity of every finding expected on its line; lines
// without one expect none.
package models

import (
	"database/sql"
	"net/netip"
	"time"

	"github.com/google/uuid"
)

// SitemapFile maps every column of sitemap_files correctly: silent.
type SitemapFile struct {
	ID        int64      `db:"id"`
	URL       string     `db:"url"`
	JobID     string     `db:"job_id"`
	FetchedAt *time.Time `db:"fetched_at"`
	Size      int32      `db:"size"`
	TenantID  int64      // untagged: pgx matches tenant_id
}

func (SitemapFile) TableName() string { return "sitemap_files" }

// SitemapFileCount reads a column the table does not have.
//
//dbaudit:table sitemap_files
type SitemapFileCount struct { // want unmapped-column:warning unmapped-column:info
	ID       int64 `db:"id"`
	URLCount int   `db:"url_count"` // want missing-column:error
}

// SitemapFileFetched reads a nullable timestamptz into time.Time. The test's
// rules.yaml maps it (schema.tables).
type SitemapFileFetched struct { // want unmapped-column:warning unmapped-column:info
	ID        int64     `db:"id"`
	FetchedAt time.Time `db:"fetched_at"` // want nullability:error
}

// SitemapFileJob reads the varchar job_id into a uuid.UUID: it converts
// (a warning), which works as long as the column holds UUIDs.
type SitemapFileJob struct { // want unmapped-column:warning unmapped-column:info
	ID    int64     `db:"id"`
	JobID uuid.UUID `db:"job_id"` // want type-mismatch:warning
}

func (*SitemapFileJob) TableName() string { return "sitemap_files" }

// Timestamps is embedded; pgx flattens it.
type Timestamps struct {
	CreatedAt time.Time `db:"created_at"`
}

// Note implements sql.Scanner: trusted with any column.
type Note struct{ Text string }

// Scan implements sql.Scanner.
func (n *Note) Scan(src any) error {
	if s, ok := src.(string); ok {
		n.Text = s
	}
	return nil
}

// Job is the silent look-alike for jobs: an enum into a string, a
// sql.NullString, a domain over text into *string, *time.Time, a custom
// Scanner, an embedded struct, untagged fields and db:"-".
type Job struct {
	ID        uuid.UUID      `db:"id"`
	ParentID  uuid.NullUUID  `db:"parent_id"`
	Status    string         `db:"status"`
	Note      sql.NullString `db:"note"`
	Owner     *string        `db:"owner"`
	StartedAt *time.Time     // untagged
	Timestamps
	Payload  map[string]any `db:"payload"`
	Tags     []string       `db:"tags"`
	Attempts int            // untagged
	Client   *netip.Addr    `db:"client"`
	Computed string         `db:"-"`
}

func (Job) TableName() string { return "jobs" }

// JobNote reads the note through a custom Scanner: silent.
//
//dbaudit:table jobs
type JobNote struct { // want unmapped-column:info
	ID   uuid.UUID `db:"id"`
	Note Note      `db:"note"`
}

// JobAttempts reads an integer into a bool.
//
//dbaudit:table jobs
type JobAttempts struct { // want unmapped-column:info
	ID       uuid.UUID `db:"id"`
	Attempts bool      `db:"attempts"` // want type-mismatch:error
}

// JobStatusCode reads an enum into an int.
//
//dbaudit:table jobs
type JobStatusCode struct { // want unmapped-column:info
	ID     uuid.UUID `db:"id"`
	Status int       `db:"status"` // want type-mismatch:error
}

// JobOwner reads a nullable domain over text into a string.
//
//dbaudit:table jobs
type JobOwner struct { // want unmapped-column:info
	ID    uuid.UUID `db:"id"`
	Owner string    `db:"owner"` // want nullability:error
}

// JobParent reads a nullable uuid into uuid.UUID: NULL becomes the zero
// UUID silently (a warning).
//
//dbaudit:table jobs
type JobParent struct { // want unmapped-column:info
	ID       uuid.UUID `db:"id"`
	ParentID uuid.UUID `db:"parent_id"` // want nullability:warning
}

// JobIDText reads the uuid into a string: a conversion (a warning).
//
//dbaudit:table jobs
type JobIDText struct { // want unmapped-column:info
	ID string `db:"id"` // want type-mismatch:warning
}

// JobNoteView reads the view; view columns have no NOT NULL, so a string
// for note is only an info.
//
//dbaudit:table job_notes
type JobNoteView struct {
	ID   uuid.UUID      `db:"id"` // want nullability:info
	Note sql.NullString `db:"note"`
}

// Missing maps to a table that does not exist.
//
//dbaudit:table nope
type Missing struct { // want missing-table:error
	ID int64 `db:"id"`
}

// NotAModel has no mapping: never checked.
type NotAModel struct {
	Whatever chan int
}
