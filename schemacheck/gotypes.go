package schemacheck

import (
	"go/types"
	"regexp"
	"strings"
)

// shapeKind is how a Go type behaves when a driver scans into it or encodes
// it: several Go types share a behaviour (every named string type scans like
// string).
type shapeKind int

const (
	shUnknown shapeKind = iota
	shTrusted           // implements sql.Scanner or a pgtype scanner interface: its own business
	shAny               // interface{}
	shString
	shBytes // []byte, json.RawMessage
	shBool
	shInt
	shUint
	shFloat
	shTime
	shDuration
	shUUID16     // [16]byte and named [16]byte types without a Scan method
	shGoogleUUID // github.com/google/uuid.UUID (or any [16]byte type with a Scan method)
	shMap
	shStruct // a plain struct: pgx json-decodes into it
	shSlice
	shNetipAddr
	shNetipPrefix
	shNetIP
	shNetIPNet
	shHardwareAddr
	// pgtype value types, each with a Valid field.
	shPgText
	shPgInt
	shPgFloat
	shPgBool
	shPgNumeric
	shPgUUID
	shPgTimestamp
	shPgTimestamptz
	shPgDate
	shPgTime
	shPgInterval
)

// shape is a Go type as the compatibility table sees it. It is plain data
// (exported fields, no types.Type), so the collector analyzer's result
// carries it past the package's type information.
type shape struct {
	Kind shapeKind
	Bits int // for ints and floats; 64 for int and uint
	// Nullable: a pointer, slice, map, interface, sql.Null*, pgtype value,
	// uuid.NullUUID or a trusted scanner — NULL scans without error.
	Nullable bool
	// SilentZero: NULL scans without error into a zero value (uuid.UUID,
	// netip.Addr): the program cannot tell NULL from a real zero.
	SilentZero bool
	// SQLNull: a database/sql Null wrapper (sql.NullString, sql.Null[T]),
	// which pgx fills through its Scan method: database/sql conversion rules.
	SQLNull bool
	// Named is set for named types: pgx's error names the underlying type
	// after unwrapping, so messages are not quoted exactly for them.
	Named bool
	// Pointer: the Go type is a pointer to the shape.
	Pointer bool
	Elem    *shape // slices
	// MapOfStrings: map[string]string or map[string]*string (hstore).
	MapOfStrings bool
	// Display is what pgx prints for a pointer to the type (%T): "*string",
	// "*[16]uint8", "*time.Time".
	Display string
}

// pgtypeShapes are the pgtype value types the table knows; other pgtype
// types (ranges, geometry, arrays, hstore) are trusted scanners.
var pgtypeShapes = map[string]shape{
	"Text": {Kind: shPgText}, "Int2": {Kind: shPgInt, Bits: 16}, "Int4": {Kind: shPgInt, Bits: 32},
	"Int8": {Kind: shPgInt, Bits: 64}, "Float4": {Kind: shPgFloat, Bits: 32}, "Float8": {Kind: shPgFloat, Bits: 64},
	"Bool": {Kind: shPgBool}, "Numeric": {Kind: shPgNumeric}, "UUID": {Kind: shPgUUID},
	"Timestamp": {Kind: shPgTimestamp}, "Timestamptz": {Kind: shPgTimestamptz}, "Date": {Kind: shPgDate},
	"Time": {Kind: shPgTime}, "Interval": {Kind: shPgInterval},
}

var sqlNullShapes = map[string]shapeKind{
	"NullString": shString, "NullInt64": shInt, "NullInt32": shInt, "NullInt16": shInt, "NullByte": shUint,
	"NullFloat64": shFloat, "NullBool": shBool, "NullTime": shTime,
}

var sqlNullBits = map[string]int{"NullInt64": 64, "NullInt32": 32, "NullInt16": 16, "NullByte": 8, "NullFloat64": 64}

const (
	pgtypePath     = "github.com/jackc/pgx/v5/pgtype"
	googleUUIDPath = "github.com/google/uuid"
)

// shapeOf classifies a Go type. Pointers make any shape nullable.
func shapeOf(t types.Type) shape {
	return shapeOfInner(t, 0)
}

func shapeOfInner(t types.Type, depth int) shape {
	if depth > 4 {
		return shape{Kind: shUnknown}
	}
	t = types.Unalias(t)
	if p, ok := t.(*types.Pointer); ok {
		inner := shapeOfInner(p.Elem(), depth+1)
		inner.Nullable, inner.SilentZero, inner.Pointer = true, false, true
		inner.Display = "*" + inner.Display
		return inner
	}
	display := "*" + reflectName(t)
	named, isNamed := t.(*types.Named)
	if isNamed {
		obj := named.Obj()
		path := ""
		if obj.Pkg() != nil {
			path = obj.Pkg().Path()
		}
		full := path + "." + obj.Name()
		switch {
		case full == "time.Time":
			return shape{Kind: shTime, Display: display}
		case full == "time.Duration":
			return shape{Kind: shDuration, Bits: 64, Display: display}
		case full == "encoding/json.RawMessage":
			return shape{Kind: shBytes, Nullable: true, Display: display, Named: true}
		case full == "net/netip.Addr":
			return shape{Kind: shNetipAddr, SilentZero: true, Display: display}
		case full == "net/netip.Prefix":
			return shape{Kind: shNetipPrefix, SilentZero: true, Display: display}
		case full == "net.IP":
			return shape{Kind: shNetIP, Nullable: true, Display: display, Named: true}
		case full == "net.IPNet":
			return shape{Kind: shNetIPNet, Display: display}
		case full == "net.HardwareAddr":
			return shape{Kind: shHardwareAddr, Nullable: true, Display: display, Named: true}
		case full == googleUUIDPath+".UUID":
			return shape{Kind: shGoogleUUID, SilentZero: true, Display: display, Named: true}
		case full == googleUUIDPath+".NullUUID":
			return shape{Kind: shGoogleUUID, Nullable: true, Display: display, Named: true}
		case path == pgtypePath:
			if s, ok := pgtypeShapes[obj.Name()]; ok {
				s.Nullable, s.Display, s.Named = true, display, true
				return s
			}
			return shape{Kind: shTrusted, Nullable: true, Display: display}
		case path == "database/sql":
			if k, ok := sqlNullShapes[obj.Name()]; ok {
				return shape{Kind: k, Bits: sqlNullBits[obj.Name()], Nullable: true, SQLNull: true, Display: display, Named: true}
			}
			if obj.Name() == "Null" && named.TypeArgs().Len() == 1 {
				inner := shapeOfInner(named.TypeArgs().At(0), depth+1)
				inner.Nullable, inner.SilentZero, inner.SQLNull, inner.Display, inner.Named = true, false, true, display, true
				return inner
			}
		}
		if hasScanMethod(t) {
			if isUUIDArray(named.Underlying()) {
				return shape{Kind: shGoogleUUID, SilentZero: true, Display: display, Named: true}
			}
			return shape{Kind: shTrusted, Nullable: true, Display: display}
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		s := basicShape(u)
		s.Display, s.Named = display, isNamed
		return s
	case *types.Interface:
		return shape{Kind: shAny, Nullable: true, Display: display}
	case *types.Map:
		s := shape{Kind: shMap, Nullable: true, Display: display}
		if k, ok := u.Key().Underlying().(*types.Basic); ok && k.Kind() == types.String {
			v := types.Unalias(u.Elem())
			if p, ok := v.(*types.Pointer); ok {
				v = p.Elem()
			}
			if b, ok := v.Underlying().(*types.Basic); ok && b.Kind() == types.String {
				s.MapOfStrings = true
			}
		}
		return s
	case *types.Slice:
		if b, ok := u.Elem().Underlying().(*types.Basic); ok && b.Kind() == types.Byte {
			return shape{Kind: shBytes, Nullable: true, Display: display, Named: isNamed}
		}
		elem := shapeOfInner(u.Elem(), depth+1)
		return shape{Kind: shSlice, Nullable: true, Elem: &elem, Display: display, Named: isNamed}
	case *types.Array:
		if isUUIDArray(u) {
			return shape{Kind: shUUID16, Display: display, Named: isNamed}
		}
	case *types.Struct:
		return shape{Kind: shStruct, Display: display, Named: isNamed}
	}
	return shape{Kind: shUnknown, Display: display}
}

func basicShape(b *types.Basic) shape {
	switch b.Kind() {
	case types.String:
		return shape{Kind: shString}
	case types.Bool:
		return shape{Kind: shBool}
	case types.Int, types.Int64:
		return shape{Kind: shInt, Bits: 64}
	case types.Int32:
		return shape{Kind: shInt, Bits: 32}
	case types.Int16:
		return shape{Kind: shInt, Bits: 16}
	case types.Int8:
		return shape{Kind: shInt, Bits: 8}
	case types.Uint, types.Uint64, types.Uintptr:
		return shape{Kind: shUint, Bits: 64}
	case types.Uint32:
		return shape{Kind: shUint, Bits: 32}
	case types.Uint16:
		return shape{Kind: shUint, Bits: 16}
	case types.Uint8:
		return shape{Kind: shUint, Bits: 8}
	case types.Float64:
		return shape{Kind: shFloat, Bits: 64}
	case types.Float32:
		return shape{Kind: shFloat, Bits: 32}
	}
	return shape{Kind: shUnknown}
}

func isUUIDArray(t types.Type) bool {
	a, ok := t.Underlying().(*types.Array)
	if !ok || a.Len() != 16 {
		return false
	}
	b, ok := a.Elem().Underlying().(*types.Basic)
	return ok && b.Kind() == types.Byte
}

// hasScanMethod reports whether *T has sql.Scanner's Scan(any) error or one
// of pgtype's ScanX(pgtype.X) error methods: such types decide for
// themselves what they accept.
func hasScanMethod(t types.Type) bool {
	ms := types.NewMethodSet(types.NewPointer(t))
	for i := 0; i < ms.Len(); i++ {
		fn, ok := ms.At(i).Obj().(*types.Func)
		if !ok || !strings.HasPrefix(fn.Name(), "Scan") {
			continue
		}
		sig := fn.Type().(*types.Signature)
		if sig.Params().Len() != 1 || sig.Results().Len() != 1 {
			continue
		}
		if fn.Name() == "Scan" {
			if iface, ok := sig.Params().At(0).Type().Underlying().(*types.Interface); ok && iface.Empty() {
				return true
			}
			continue
		}
		if n, ok := types.Unalias(sig.Params().At(0).Type()).(*types.Named); ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pgtypePath {
			return true
		}
	}
	return false
}

// reflectName prints a type the way reflect's %T does (byte as uint8,
// packages by name), so quoted driver errors match what users will see.
func reflectName(t types.Type) string {
	s := types.TypeString(t, func(p *types.Package) string { return p.Name() })
	return anyWord.ReplaceAllString(byteRune.Replace(s), "interface {}")
}

var anyWord = regexp.MustCompile(`\bany\b|interface\{\}`)

// byteRune renames go/types' alias spellings to reflect's.
var byteRune = strings.NewReplacer("[]byte", "[]uint8", "]byte", "]uint8", "*byte", "*uint8", "[]rune", "[]int32")

// goTypeString is the type as a user would write it in the package that
// declares the model (package-qualified by name).
func goTypeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}
