package schemacheck

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"go/types"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib"
	"golang.org/x/tools/go/packages"

	"github.com/dbaudit/dbaudit/internal/pgtest"
	"github.com/dbaudit/dbaudit/schemacheck/catalog"
	"github.com/dbaudit/dbaudit/schemacheck/testdata/typesample"
)

// sampleDDL has one column per PostgreSQL type the table knows; row 1 holds
// values (text holds a UUID, so that text→UUID conversions can succeed) and
// row 2 NULLs.
const sampleDDL = `
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN email AS text;
CREATE TABLE samples (
	id int PRIMARY KEY,
	c_int2 int2, c_int4 int4, c_int8 int8, c_float4 float4, c_float8 float8,
	c_numeric numeric, c_numeric0 numeric(10,0), c_money money,
	c_text text, c_varchar varchar(40), c_bpchar char(5), c_name name, c_mood mood, c_email email,
	c_uuid uuid, c_bool bool, c_timestamp timestamp, c_timestamptz timestamptz, c_date date,
	c_time time, c_timetz timetz, c_interval interval,
	c_json json, c_jsonb jsonb, c_bytea bytea, c_inet inet, c_cidr cidr, c_macaddr macaddr, c_oid oid,
	c_text_arr text[], c_int4_arr int4[], c_uuid_arr uuid[], c_mood_arr mood[]
);
INSERT INTO samples VALUES (1, 7, 42, 42, 1.5, 2.25, 12.34, 5, 12.50,
	'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ab', 'nm', 'ok', 'a@b',
	'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', true, '2024-01-02 03:04:05', '2024-01-02 03:04:05+00', '2024-01-02',
	'13:14:15', '12:00:00+02', '1 day 02:03:04',
	'{"a":1}', '{"a":1}', '\xdeadbeef', '10.1.2.3', '10.0.0.0/8', '08:00:2b:01:02:03', 1234,
	'{a,b}', '{1,2}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{ok}');
INSERT INTO samples (id) VALUES (2);
`

type sampleField struct {
	name  string
	shape shape
	index int
}

func loadSampleFields(t *testing.T) []sampleField {
	t.Helper()
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedTypes | packages.NeedName}, "github.com/dbaudit/dbaudit/schemacheck/testdata/typesample")
	if err != nil || packages.PrintErrors(pkgs) > 0 {
		t.Fatalf("loading typesample: %v", err)
	}
	st := pkgs[0].Types.Scope().Lookup("Samples").Type().Underlying().(*types.Struct)
	rt := reflect.TypeFor[typesample.Samples]()
	var out []sampleField
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		if rt.Field(i).Name != f.Name() {
			t.Fatalf("field %d: %s vs %s", i, rt.Field(i).Name, f.Name())
		}
		out = append(out, sampleField{name: f.Name(), shape: shapeOf(f.Type()), index: i})
	}
	return out
}

// TestCompatibilityTableAgainstPgx is the oracle for the type table: every
// pairing it judges is scanned (and encoded) by the real pgx against the
// real server, and the table must agree: Fails ⇔ an error, Exact/Converts ⇔
// success, NULL-fails ⇔ an error on NULL, and a quoted error must be the one
// pgx raises.
func TestCompatibilityTableAgainstPgx(t *testing.T) {
	t.Parallel()
	fields := loadSampleFields(t)
	schema, dsn := pgtest.Schema(t, sampleDDL)
	conn := pgtest.Connect(t, dsn)
	ctx := context.Background()
	cat, err := catalog.Introspect(ctx, conn, []string{schema})
	if err != nil {
		t.Fatal(err)
	}
	tbl := cat.Lookup("samples")
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	var judged, unjudgedCount int
	var problems []string
	for _, col := range tbl.Columns[1:] {
		for _, f := range fields {
			for _, drv := range []Driver{DriverPgx, DriverDatabaseSQL} {
				v := scanVerdict(f.shape, col.Type, drv)
				scanErr := scanSample(ctx, conn, db, drv, col.Name, 1, f.index)
				if v.Outcome == Unjudged {
					unjudgedCount++
				} else {
					judged++
				}
				switch {
				case v.Outcome == Fails && scanErr == nil && !v.ValueDependent:
					problems = append(problems, fmt.Sprintf("%s %s <- %s: table says fails, scan succeeded", drvName(drv), f.name, col.Name))
				case (v.Outcome == Exact || v.Outcome == Converts) && scanErr != nil && !v.ValueDependent:
					problems = append(problems, fmt.Sprintf("%s %s <- %s: table says %s, scan failed: %v", drvName(drv), f.name, col.Name, v.Outcome, scanErr))
				case v.Outcome == Fails && v.Err != "" && scanErr != nil && !strings.Contains(scanErr.Error(), v.Err):
					problems = append(problems, fmt.Sprintf("%s %s <- %s: quoted %q, pgx said %q", drvName(drv), f.name, col.Name, v.Err, scanErr))
				case v.Outcome == Unjudged && testing.Verbose():
					t.Logf("unjudged: %s %s <- %s: %v", drvName(drv), f.name, col.Name, scanErr)
				}
				if v.Outcome == Fails || v.Outcome == Unjudged {
					continue // NULL into a type that cannot take the column's values is moot
				}
				no, quoted := nullVerdict(f.shape, drv)
				nullErr := scanSample(ctx, conn, db, drv, col.Name, 2, f.index)
				switch {
				case no == NullFails && nullErr == nil:
					problems = append(problems, fmt.Sprintf("%s %s <- NULL %s: table says fails, scan succeeded", drvName(drv), f.name, col.Name))
				case no != NullFails && nullErr != nil:
					problems = append(problems, fmt.Sprintf("%s %s <- NULL %s: table says ok, scan failed: %v", drvName(drv), f.name, col.Name, nullErr))
				case no == NullFails && quoted != "" && !strings.Contains(nullErr.Error(), quoted):
					problems = append(problems, fmt.Sprintf("%s %s <- NULL %s: quoted %q, driver said %q", drvName(drv), f.name, col.Name, quoted, nullErr))
				}
			}
		}
	}
	t.Logf("scan pairings judged: %d, left unjudged: %d", judged, unjudgedCount)
	for _, p := range problems {
		t.Error(p)
	}
}

func drvName(d Driver) string {
	if d == DriverPgx {
		return "pgx"
	}
	return "database/sql"
}

func scanSample(ctx context.Context, conn *pgx.Conn, db *sql.DB, d Driver, col string, id int, field int) error {
	var s typesample.Samples
	ptr := reflect.ValueOf(&s).Elem().Field(field).Addr().Interface()
	q := "SELECT " + col + " FROM samples WHERE id = $1"
	if d == DriverPgx {
		return conn.QueryRow(ctx, q, id).Scan(ptr)
	}
	return db.QueryRowContext(ctx, q, id).Scan(ptr)
}

// TestEncodeTableAgainstPgx checks the parameter side: a Go argument type
// the table says cannot be encoded for a parameter type makes pgx fail
// before sending (a client-side error), and one it accepts does not. Server
// errors about the zero value's content (invalid input syntax) are not the
// type's fault and do not count.
func TestEncodeTableAgainstPgx(t *testing.T) {
	t.Parallel()
	fields := loadSampleFields(t)
	schema, dsn := pgtest.Schema(t, sampleDDL)
	conn := pgtest.Connect(t, dsn)
	ctx := context.Background()
	cat, err := catalog.Introspect(ctx, conn, []string{schema})
	if err != nil {
		t.Fatal(err)
	}
	var judged, unjudgedCount int
	var s typesample.Samples
	for _, col := range cat.Lookup("samples").Columns[1:] {
		for _, f := range fields {
			v := encodeVerdict(f.shape, col.Type)
			val := reflect.ValueOf(&s).Elem().Field(f.index).Interface()
			_, err := conn.Exec(ctx, "SELECT $1::"+col.Type.Display, val)
			var pgErr *pgconn.PgError
			clientErr := err != nil && !errors.As(err, &pgErr)
			if v.Outcome == Unjudged {
				unjudgedCount++
				if testing.Verbose() {
					t.Logf("unjudged: %s -> $1::%s: %v", f.name, col.Type.Display, err)
				}
				continue
			}
			judged++
			switch {
			case v.Outcome == Fails && !clientErr:
				t.Errorf("%s -> $1::%s: table says fails, pgx encoded it (%v)", f.name, col.Type.Display, err)
			case v.Outcome != Fails && clientErr:
				t.Errorf("%s -> $1::%s: table says %s, pgx failed: %v", f.name, col.Type.Display, v.Outcome, err)
			case v.Outcome == Fails && v.Err != "" && !strings.Contains(err.Error(), v.Err):
				t.Errorf("%s -> $1::%s: quoted %q, pgx said %q", f.name, col.Type.Display, v.Err, err)
			}
		}
	}
	t.Logf("encode pairings judged: %d, left unjudged: %d", judged, unjudgedCount)
}
