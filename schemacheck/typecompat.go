package schemacheck

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/dbaudit/dbaudit/schemacheck/catalog"
)

// Outcome grades a pairing of a Go type with a PostgreSQL type.
type Outcome int

const (
	// Unjudged: no rule of the table covers the pair; schemacheck stays silent.
	Unjudged Outcome = iota
	// Exact: the natural, lossless mapping.
	Exact
	// Converts: works, but by parsing, formatting or losing precision, or
	// only for some values.
	Converts
	// Fails: the driver returns an error at run time.
	Fails
)

func (o Outcome) String() string {
	return [...]string{"unjudged", "exact", "converts", "fails"}[o]
}

// Verdict is an outcome with its reason. Err is the driver's runtime error
// text (or its stable part) when it is known exactly; Note explains a
// conversion. ValueDependent marks outcomes that hold for typical values
// but not all: a conversion that fails for some values (text parsed as a
// UUID, JSON decoded into a struct), or a failure some values escape.
type Verdict struct {
	Outcome        Outcome
	Err            string
	Note           string
	ValueDependent bool
}

// Driver is the API whose rules apply: pgx's own scanning, or
// database/sql's (sqlx models, database/sql Rows.Scan).
type Driver int

const (
	DriverPgx Driver = iota
	DriverDatabaseSQL
)

// pgClass groups PostgreSQL types that scan alike.
type pgClass int

const (
	pcUnknown pgClass = iota
	pcInt
	pcFloat
	pcNumeric
	pcMoney
	pcText
	pcEnum
	pcUUID
	pcBool
	pcTimestamp
	pcTimestamptz
	pcDate
	pcTime
	pcTimeTZ
	pcInterval
	pcJSON
	pcJSONB
	pcBytea
	pcInet
	pcCidr
	pcMacaddr
	pcOID
	pcHstore
)

var pgClasses = map[string]struct {
	class pgClass
	bits  int
}{
	"int2": {pcInt, 16}, "int4": {pcInt, 32}, "int8": {pcInt, 64},
	"float4": {pcFloat, 32}, "float8": {pcFloat, 64},
	"numeric": {pcNumeric, 0}, "money": {pcMoney, 0},
	"text": {pcText, 0}, "varchar": {pcText, 0}, "bpchar": {pcText, 0}, "name": {pcText, 0}, "citext": {pcText, 0},
	"uuid": {pcUUID, 0}, "bool": {pcBool, 0},
	"timestamp": {pcTimestamp, 0}, "timestamptz": {pcTimestamptz, 0}, "date": {pcDate, 0},
	"time": {pcTime, 0}, "timetz": {pcTimeTZ, 0}, "interval": {pcInterval, 0},
	"json": {pcJSON, 0}, "jsonb": {pcJSONB, 0}, "bytea": {pcBytea, 0},
	"inet": {pcInet, 0}, "cidr": {pcCidr, 0}, "macaddr": {pcMacaddr, 0}, "macaddr8": {pcMacaddr, 0},
	"oid": {pcOID, 0}, "xid": {pcOID, 0}, "cid": {pcOID, 0}, "hstore": {pcHstore, 0},
}

// column is a PostgreSQL type as the table needs it: its class, the wire
// name and OID pgx uses in errors, and the result format pgx asks for.
type column struct {
	class pgClass
	bits  int
	scale int // numeric scale; -1 unknown
	array bool
	name  string // pgx's name: "int4", "_text", "mood"
	oid   uint32 // 0 when unknown (user types in a snapshot)
	text  bool   // the result comes in text format
	// registered: pgx's default type map knows the type; others (enums,
	// money, citext) arrive as text and are parsed into the destination.
	registered bool
}

var pgxTypes = pgtype.NewMap()

func columnOf(t catalog.Type) column {
	c := column{scale: -1, array: t.Array, name: t.Name}
	if t.Kind == catalog.TypeEnum {
		c.class = pcEnum
	} else if t.Schema == "pg_catalog" || t.Name == "citext" || t.Name == "hstore" {
		pc := pgClasses[t.Name]
		c.class, c.bits = pc.class, pc.bits
	}
	if c.class == pcNumeric {
		c.scale = numericScale(t.Display)
	}
	wire := t.Name
	if t.Array {
		wire = "_" + t.Name
	}
	c.name = wire
	if pt, ok := pgxTypes.TypeForName(wire); ok && (t.Schema == "pg_catalog" || t.Schema == "") {
		c.oid, c.registered = pt.OID, true
		c.text = pt.Codec.PreferredFormat() == pgtype.TextFormatCode
	} else {
		c.oid = t.OID
		c.text = true // pgx asks for text when it does not know the type
	}
	return c
}

// numericScale reads the scale of "numeric(10,2)"; -1 when unconstrained.
func numericScale(display string) int {
	_, args, ok := strings.Cut(display, "(")
	if !ok {
		return -1
	}
	args = strings.TrimSuffix(args, ")")
	_, scale, ok := strings.Cut(args, ",")
	if !ok {
		return 0 // numeric(p) has scale 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(scale))
	if err != nil {
		return -1
	}
	return n
}

func (c column) format() string {
	if c.text {
		return "text"
	}
	return "binary"
}

// noPlan is pgx's "no scan plan" error (pgtype.go scanPlanFail), quoted
// only where it is exactly what pgx says: for built-in types pgx knows,
// into unnamed destinations without a Scan method. Elsewhere pgx first
// tries to parse or to call Scan, and fails with a value-specific message.
func (c column) noPlan(s shape) string {
	if c.oid == 0 || !c.registered || s.Named || s.Pointer {
		return ""
	}
	switch s.Kind {
	case shString, shBool, shInt, shUint, shFloat, shTime, shUUID16, shMap, shSlice, shBytes, shNetipAddr, shNetipPrefix:
	default:
		return ""
	}
	if c.array && s.Kind != shString {
		return ""
	}
	if c.text && (c.class != pcText || s.Kind != shUUID16 && s.Kind != shMap) {
		return "" // text sources are parsed (or JSON-decoded) into most destinations
	}
	return fmt.Sprintf("cannot scan %s (OID %d) in %s format into %s", c.name, c.oid, c.format(), s.Display)
}

func exact(note string) Verdict    { return Verdict{Outcome: Exact, Note: note} }
func converts(note string) Verdict { return Verdict{Outcome: Converts, Note: note} }
func fails(err string) Verdict     { return Verdict{Outcome: Fails, Err: err} }

// convertsSome is a conversion that fails for some values.
func convertsSome(note string) Verdict {
	return Verdict{Outcome: Converts, Note: note, ValueDependent: true}
}

// failsMost is a failure for typical values that some values escape.
func failsMost(err string) Verdict {
	return Verdict{Outcome: Fails, Err: err, ValueDependent: true}
}

var unjudged = Verdict{}

// scanVerdict judges scanning a non-NULL value of type col into a Go
// variable of shape s, with driver d's rules: pgx's own (default mode,
// binary results for the types it knows) or database/sql's conversions
// (which pgx also applies to sql.Null* destinations).
func scanVerdict(s shape, col catalog.Type, d Driver) Verdict {
	c := columnOf(col)
	if c.class == pcUnknown || s.Kind == shUnknown || s.Kind == shTrusted {
		return unjudged
	}
	if s.Kind == shAny {
		return exact("")
	}
	if d == DriverDatabaseSQL || s.SQLNull {
		return sqlScanVerdict(s, c)
	}
	if c.array {
		return pgxArrayVerdict(s, c)
	}
	return pgxScalarVerdict(s, c)
}

func pgxArrayVerdict(s shape, c column) Verdict {
	elem := c
	elem.array = false
	elem.name = strings.TrimPrefix(c.name, "_")
	if !c.registered {
		// Arrays of enums and domains arrive as text: pgx v5.12 splits
		// them into []string without LoadTypes.
		switch {
		case s.Kind == shString:
			return converts("the array arrives in its text form")
		case s.Kind == shSlice && (s.Elem.Kind == shString || s.Elem.Kind == shPgText):
			return exact("")
		}
		return unjudged
	}
	switch s.Kind {
	case shSlice:
		if pt, ok := pgxTypes.TypeForName(elem.name); ok {
			elem.oid = pt.OID
			elem.text = pt.Codec.PreferredFormat() == pgtype.TextFormatCode
		}
		v := pgxScalarVerdict(*s.Elem, elem)
		v.Err = "" // element errors are wrapped ("failed to scan array element 0: …")
		return v
	case shString, shBool, shInt, shUint, shFloat, shTime, shUUID16, shMap, shStruct:
		return fails(c.noPlan(s))
	}
	return unjudged
}

func pgxScalarVerdict(s shape, c column) Verdict {
	cl := c.class
	if cl == pcEnum {
		cl = pcText
	}
	noPlan := fails(c.noPlan(s))
	switch s.Kind {
	case shString:
		switch cl {
		case pcText:
			return exact("")
		case pcJSON, pcJSONB:
			if s.Named {
				return convertsSome("decoded with encoding/json: the JSON must be a string")
			}
			return exact("")
		case pcInt, pcFloat, pcNumeric, pcOID:
			return converts("the number is formatted as text")
		case pcMoney:
			return converts(`money arrives locale-formatted, e.g. "$12.50"`)
		case pcUUID:
			return converts("the UUID arrives in its text form")
		case pcTime, pcTimeTZ, pcMacaddr:
			return converts("the value arrives in PostgreSQL's text form")
		case pcBool, pcTimestamp, pcTimestamptz, pcDate, pcInterval, pcBytea, pcInet, pcCidr:
			return noPlan
		}
	case shBytes:
		switch cl {
		case pcJSON, pcJSONB, pcBytea:
			return exact("")
		case pcUUID:
			return converts("16 raw bytes in the default mode, 36 characters in exec and simple_protocol modes")
		case pcText:
			if !s.Named {
				return converts("the text's UTF-8 bytes")
			}
		}
	case shBool:
		switch cl {
		case pcBool:
			return exact("")
		case pcText:
			if c.registered {
				return noPlan
			}
			return failsMost("")
		case pcInt, pcFloat, pcNumeric, pcUUID, pcTimestamp, pcTimestamptz, pcDate, pcTime, pcInterval, pcBytea, pcInet, pcCidr:
			return noPlan
		}
	case shInt, shUint, shDuration:
		return pgxIntVerdict(s, c, cl)
	case shFloat:
		switch cl {
		case pcFloat:
			if s.Bits >= c.bits {
				return exact("")
			}
			return converts("float8 loses precision in a float32")
		case pcInt:
			return converts("the integer becomes a float")
		case pcNumeric:
			return converts("numeric loses precision in a float")
		case pcMoney:
			return fails(`strconv.ParseFloat: parsing "$`)
		case pcText:
			if c.registered {
				return noPlan
			}
		case pcUUID, pcBool, pcTimestamp, pcTimestamptz, pcDate, pcBytea, pcInet, pcCidr, pcInterval:
			return noPlan
		}
	case shTime:
		switch cl {
		case pcTimestamp, pcTimestamptz, pcDate:
			return exact("")
		case pcTime:
			return converts("a time of day becomes a time.Time on 2000-01-01")
		case pcText:
			if c.registered {
				return noPlan
			}
		case pcInt, pcFloat, pcUUID, pcBool, pcBytea, pcInet, pcInterval:
			return noPlan
		}
	case shUUID16:
		if cl == pcUUID {
			return exact("")
		}
		return noPlan
	case shGoogleUUID, shPgUUID:
		switch cl {
		case pcUUID:
			return exact("")
		case pcText:
			return convertsSome("the text is parsed as a UUID: values that are not UUIDs fail at run time")
		case pcInt, pcFloat, pcBool, pcTimestamp, pcTimestamptz, pcDate, pcInet:
			return fails("")
		}
	case shMap:
		switch cl {
		case pcJSON, pcJSONB:
			if s.MapOfStrings {
				return convertsSome("decoded with encoding/json: every value must be a JSON string")
			}
			return exact("")
		case pcHstore:
			if s.MapOfStrings {
				return exact("")
			}
		case pcText, pcInt, pcFloat, pcUUID, pcBool, pcTimestamp, pcTimestamptz, pcDate:
			return noPlan
		}
	case shStruct:
		switch cl {
		case pcJSON, pcJSONB:
			return convertsSome("decoded with encoding/json: the JSON must fit the struct")
		case pcText, pcInt, pcFloat, pcUUID, pcBool:
			return fails("")
		}
	case shSlice:
		switch cl {
		case pcJSON, pcJSONB:
			return convertsSome("decoded with encoding/json: the JSON must be an array of fitting values")
		case pcInt, pcFloat, pcUUID, pcBool, pcTimestamp, pcTimestamptz:
			return noPlan
		}
	case shNetipAddr:
		switch cl {
		case pcInet:
			// sqlc's mapping; only values with a netmask (10.1.2.3/24) fail.
			return Verdict{Outcome: Exact, ValueDependent: true}
		case pcCidr:
			return failsMost("to netip.Addr")
		case pcInt, pcUUID, pcBool, pcTimestamptz:
			return noPlan
		}
	case shNetipPrefix, shNetIPNet:
		switch cl {
		case pcInet, pcCidr:
			return exact("")
		case pcInt, pcUUID, pcBool, pcTimestamptz:
			return fails("")
		}
	case shNetIP:
		if cl == pcInet {
			return exact("")
		}
	case shHardwareAddr:
		if cl == pcMacaddr {
			return exact("")
		}
	case shPgText:
		switch cl {
		case pcText, pcJSON, pcJSONB:
			return exact("")
		case pcInt, pcFloat, pcNumeric, pcUUID:
			return converts("the value is formatted as text")
		}
	case shPgInt, shPgFloat, shPgBool, shPgNumeric, shPgTimestamp, shPgTimestamptz, shPgDate, shPgTime, shPgInterval:
		return pgtypeVerdict(s, c, cl)
	}
	return unjudged
}

func pgxIntVerdict(s shape, c column, cl pgClass) Verdict {
	noPlan := fails(c.noPlan(s))
	switch cl {
	case pcInt:
		switch {
		case s.Kind == shDuration:
			return converts("the integer is taken as nanoseconds")
		case s.Kind == shUint:
			return convertsSome("negative values fail")
		case s.Bits >= c.bits:
			return exact("")
		default:
			return convertsSome(fmt.Sprintf("values beyond int%d fail", s.Bits))
		}
	case pcInterval:
		if s.Kind == shDuration {
			return exact("")
		}
		return noPlan
	case pcNumeric:
		if s.Kind == shDuration {
			return unjudged
		}
		if c.scale == 0 {
			return convertsSome("numeric values must be integral")
		}
		return failsMost("cannot convert") // "cannot convert &{1234 -2 false finite true} to integer"
	case pcFloat:
		if s.Kind == shDuration {
			return unjudged
		}
		return failsMost("cannot losslessly convert") // for every value with a fraction
	case pcOID:
		if s.Kind == shUint && s.Bits >= 32 {
			return exact("")
		}
		return noPlan
	case pcText:
		if c.registered {
			return noPlan
		}
		return failsMost("") // enum labels are parsed as numbers
	case pcMoney:
		return fails("")
	case pcUUID, pcBool, pcTimestamp, pcTimestamptz, pcDate, pcBytea, pcInet, pcCidr:
		return noPlan
	}
	return unjudged
}

// pgtypeVerdict judges the pgtype value types other than Text and UUID.
// From text sources they parse, so they work for values that parse.
func pgtypeVerdict(s shape, c column, cl pgClass) Verdict {
	want := map[shapeKind][]pgClass{
		shPgInt:         {pcInt, pcOID},
		shPgFloat:       {pcFloat, pcInt, pcNumeric},
		shPgBool:        {pcBool},
		shPgNumeric:     {pcNumeric, pcInt},
		shPgTimestamp:   {pcTimestamp, pcTimestamptz, pcDate},
		shPgTimestamptz: {pcTimestamptz, pcTimestamp, pcDate},
		shPgDate:        {pcDate, pcTimestamp, pcTimestamptz},
		shPgTime:        {pcTime},
		shPgInterval:    {pcInterval, pcTime},
	}[s.Kind]
	for i, w := range want {
		if w == cl {
			if i == 0 {
				return exact("")
			}
			return converts("the value is converted")
		}
	}
	switch {
	case s.Kind == shPgInt && (cl == pcFloat || cl == pcNumeric):
		return failsMost("")
	case s.Kind == shPgNumeric && cl == pcFloat:
		return failsMost("cannot losslessly convert")
	case cl == pcText || cl == pcMoney:
		return convertsSome("the text is parsed: values that do not parse fail at run time")
	case cl == pcJSON || cl == pcJSONB || cl == pcUnknown:
		return unjudged
	}
	return fails("")
}

// sqlScanVerdict follows database/sql's convertAssign, which pgx also uses
// for sql.Null* destinations: the driver hands over an int64, float64,
// bool, time.Time, []byte or string, and the destination converts from it.
func sqlScanVerdict(s shape, c column) Verdict {
	if c.array {
		switch {
		case s.Kind == shString && !s.Named, s.Kind == shBytes && !s.Named:
			return converts("the array arrives in its text form")
		case s.Kind == shSlice, s.Kind == shMap, s.Kind == shStruct, s.Kind == shTime, s.Kind == shInt, s.Kind == shFloat, s.Kind == shBool:
			return fails("")
		}
		return unjudged
	}
	src := "string"
	switch c.class {
	case pcInt, pcOID:
		src = "int64"
	case pcFloat:
		src = "float64"
	case pcBool:
		src = "bool"
	case pcTimestamp, pcTimestamptz, pcDate:
		src = "time.Time"
	case pcBytea, pcJSON, pcJSONB:
		src = "[]uint8"
	}
	switch s.Kind {
	case shString:
		if src == "string" || src == "[]uint8" {
			return exact("")
		}
		if s.Named && !s.SQLNull {
			return fails("unsupported Scan, storing driver.Value type " + src)
		}
		return converts("database/sql formats the " + src + " as text")
	case shBytes:
		if s.Named && !s.SQLNull && src != "[]uint8" {
			return fails("unsupported Scan, storing driver.Value type " + src)
		}
		return exact("")
	case shBool:
		switch src {
		case "bool":
			return exact("")
		case "int64":
			return convertsSome("only 0 and 1 convert")
		}
		return failsMost("")
	case shInt, shUint, shDuration:
		switch src {
		case "int64":
			if s.Kind == shInt && s.Bits >= c.bits {
				return exact("")
			}
			return convertsSome("values out of range fail")
		case "string":
			if c.class == pcNumeric && c.scale == 0 {
				return convertsSome("numeric values must be integral")
			}
			return failsMost("converting driver.Value type string")
		case "float64":
			return failsMost("")
		}
		return fails("")
	case shFloat:
		switch src {
		case "float64":
			return exact("")
		case "int64":
			return converts("the integer becomes a float")
		case "string":
			if c.class == pcNumeric {
				return converts("numeric text is parsed as a float")
			}
			return failsMost("converting driver.Value type string")
		}
		return fails("")
	case shTime:
		if src == "time.Time" {
			return exact("")
		}
		return fails("unsupported Scan, storing driver.Value type " + src + " into type *time.Time")
	case shGoogleUUID:
		switch c.class {
		case pcUUID:
			return exact("")
		case pcText, pcEnum:
			return convertsSome("the text is parsed as a UUID")
		}
		return unjudged
	case shUUID16, shMap, shSlice, shNetipAddr, shNetipPrefix, shStruct:
		if s.SQLNull {
			return unjudged
		}
		return fails("unsupported Scan, storing driver.Value type " + src)
	}
	return unjudged
}

// NullOutcome is what scanning SQL NULL into a Go type does.
type NullOutcome int

const (
	NullOK         NullOutcome = iota // pointer, Null wrapper, slice, map, interface
	NullFails                         // an error at run time
	NullSilentZero                    // no error, a zero value indistinguishable from real data
)

// nullVerdict judges SQL NULL scanned into s, and the error it raises
// where it is known exactly.
func nullVerdict(s shape, d Driver) (NullOutcome, string) {
	if s.Kind == shUnknown || s.Kind == shTrusted || s.Kind == shAny {
		return NullOK, ""
	}
	if d == DriverDatabaseSQL {
		switch {
		case s.Pointer || s.SQLNull:
			return NullOK, ""
		case s.Kind == shGoogleUUID:
			if s.Nullable {
				return NullOK, ""
			}
			return NullSilentZero, ""
		case s.Kind == shBytes && !s.Named:
			return NullOK, ""
		case s.Kind == shString && !s.Named, s.Kind == shInt && !s.Named, s.Kind == shFloat && !s.Named, s.Kind == shUint && !s.Named:
			return NullFails, "converting NULL to " + strings.TrimPrefix(s.Display, "*") + " is unsupported"
		}
		return NullFails, ""
	}
	if s.Nullable {
		return NullOK, ""
	}
	if s.SilentZero {
		return NullSilentZero, ""
	}
	switch {
	case s.Named || s.Kind == shDuration:
		return NullFails, "" // pgx names whichever type it unwrapped to
	case s.Kind == shUUID16:
		return NullFails, "cannot scan NULL into *[16]byte"
	}
	return NullFails, "cannot scan NULL into " + s.Display
}

// encodeVerdict judges a Go argument of shape s for a statement parameter
// of type p in pgx's default (cache_statement) mode, where pgx encodes by
// the parameter type the server described, before anything is sent.
// Strings are always accepted (the server parses them); parameters of
// types pgx does not know (enums, domains) are sent as text, which most Go
// values can become, so those are left alone.
func encodeVerdict(s shape, p catalog.Type) Verdict {
	c := columnOf(p)
	if c.class == pcUnknown || !c.registered || p.Domain != "" || s.Pointer || s.SQLNull {
		// pgx does not know a domain's OID and sends text; a nil pointer or
		// an invalid Null wrapper is sent as NULL whatever its type.
		return unjudged
	}
	noPlan := fails(fmt.Sprintf("into %s format for %s (OID %d): cannot find encode plan", c.format(), c.name, c.oid))
	numeric := !c.array && (c.class == pcInt || c.class == pcFloat || c.class == pcNumeric || c.class == pcMoney || c.class == pcOID)
	json := !c.array && (c.class == pcJSON || c.class == pcJSONB)
	switch s.Kind {
	case shAny, shString, shTrusted, shUnknown:
		return unjudged
	case shBool:
		switch {
		case c.class == pcBool && !c.array, json:
			return exact("")
		}
		return noPlan
	case shInt, shUint:
		switch {
		case numeric, json:
			return exact("")
		}
		return noPlan
	case shFloat:
		switch {
		case c.class == pcInt && !c.array:
			return converts("pgx truncates the fraction without an error: 1.5 is sent as 1")
		case numeric, json:
			return exact("")
		}
		return noPlan
	case shUUID16:
		if c.class == pcUUID && !c.array {
			return exact("")
		}
		if json || c.array {
			return unjudged // a [16]byte is also an array of 16 numbers
		}
		return noPlan
	case shStruct:
		if json {
			return exact("encoded with encoding/json")
		}
		if s.Named {
			return unjudged // it may implement driver.Valuer or a pgtype interface
		}
		return noPlan
	}
	return unjudged
}
