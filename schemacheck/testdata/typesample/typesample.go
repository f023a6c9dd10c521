// Package typesample declares one field of every Go type schemacheck's
// compatibility table knows, so a test can compare the table with what pgx
// really does with each of them.
package typesample

import (
	"database/sql"
	"encoding/json"
	"net"
	"net/netip"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// Status is a named string type, as enums are usually modelled.
type Status string

// Count is a named integer type.
type Count int64

// ID is a named [16]byte without a Scan method.
type ID [16]byte

// Obj is decoded from JSON.
type Obj struct {
	A int `json:"a"`
}

// Custom decides for itself what it accepts.
type Custom struct{ V string }

// Scan implements sql.Scanner.
func (c *Custom) Scan(src any) error { c.V = "scanned"; return nil }

// Samples holds one field per Go type under test.
type Samples struct {
	String      string
	Status      Status
	Bytes       []byte
	RawJSON     json.RawMessage
	Bool        bool
	Int         int
	Int16       int16
	Int32       int32
	Int64       int64
	Count       Count
	Uint32      uint32
	Float32     float32
	Float64     float64
	Time        time.Time
	Duration    time.Duration
	Array16     [16]byte
	ID          ID
	UUID        uuid.UUID
	NullUUID    uuid.NullUUID
	PgUUID      pgtype.UUID
	Map         map[string]any
	MapString   map[string]string
	Obj         Obj
	Any         any
	Strings     []string
	Int64s      []int64
	Int32s      []int32
	UUIDs       []uuid.UUID
	StringPtrs  []*string
	Addr        netip.Addr
	Prefix      netip.Prefix
	IP          net.IP
	IPNet       net.IPNet
	MAC         net.HardwareAddr
	NullString  sql.NullString
	NullInt64   sql.NullInt64
	NullInt32   sql.NullInt32
	NullFloat64 sql.NullFloat64
	NullBool    sql.NullBool
	NullTime    sql.NullTime
	NullGeneric sql.Null[string]
	PgText      pgtype.Text
	PgInt4      pgtype.Int4
	PgInt8      pgtype.Int8
	PgFloat8    pgtype.Float8
	PgBool      pgtype.Bool
	PgNumeric   pgtype.Numeric
	PgTimestamp pgtype.Timestamp
	PgTstz      pgtype.Timestamptz
	PgDate      pgtype.Date
	PgTime      pgtype.Time
	PgInterval  pgtype.Interval
	Custom      Custom
	StringPtr   *string
	Int64Ptr    *int64
	TimePtr     *time.Time
	UUIDPtr     *uuid.UUID
}
