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

// shape is a Go type as the compatibility table sees it.
type shape struct {
	kind shapeKind
	bits int // for ints and floats; 64 for int and uint
	// nullable: a pointer, slice, map, interface, sql.Null*, pgtype value,
	// uuid.NullUUID or a trusted scanner — NULL scans without error.
	nullable bool
	// silentZero: NULL scans without error into a zero value (uuid.UUID,
	// netip.Addr): the program cannot tell NULL from a real zero.
	silentZero bool
	// sqlNull: a database/sql Null wrapper (sql.NullString, sql.Null[T]),
	// which pgx fills through its Scan method: database/sql conversion rules.
	sqlNull bool
	// named is set for named types: pgx's error names the underlying type
	// after unwrapping, so messages are not quoted exactly for them.
	named bool
	// pointer: the Go type is a pointer to the shape.
	pointer bool
	elem    *shape // slices
	// mapOfStrings: map[string]string or map[string]*string (hstore).
	mapOfStrings bool
	// display is what pgx prints for a pointer to the type (%T): "*string",
	// "*[16]uint8", "*time.Time".
	display string
	goType  types.Type
}

// pgtypeShapes are the pgtype value types the table knows; other pgtype
// types (ranges, geometry, arrays, hstore) are trusted scanners.
var pgtypeShapes = map[string]shape{
	"Text": {kind: shPgText}, "Int2": {kind: shPgInt, bits: 16}, "Int4": {kind: shPgInt, bits: 32},
	"Int8": {kind: shPgInt, bits: 64}, "Float4": {kind: shPgFloat, bits: 32}, "Float8": {kind: shPgFloat, bits: 64},
	"Bool": {kind: shPgBool}, "Numeric": {kind: shPgNumeric}, "UUID": {kind: shPgUUID},
	"Timestamp": {kind: shPgTimestamp}, "Timestamptz": {kind: shPgTimestamptz}, "Date": {kind: shPgDate},
	"Time": {kind: shPgTime}, "Interval": {kind: shPgInterval},
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
	s := shapeOfInner(t, 0)
	s.goType = t
	return s
}

func shapeOfInner(t types.Type, depth int) shape {
	if depth > 4 {
		return shape{kind: shUnknown}
	}
	t = types.Unalias(t)
	if p, ok := t.(*types.Pointer); ok {
		inner := shapeOfInner(p.Elem(), depth+1)
		inner.nullable, inner.silentZero, inner.pointer = true, false, true
		inner.display = "*" + inner.display
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
			return shape{kind: shTime, display: display}
		case full == "time.Duration":
			return shape{kind: shDuration, bits: 64, display: display}
		case full == "encoding/json.RawMessage":
			return shape{kind: shBytes, nullable: true, display: display, named: true}
		case full == "net/netip.Addr":
			return shape{kind: shNetipAddr, silentZero: true, display: display}
		case full == "net/netip.Prefix":
			return shape{kind: shNetipPrefix, silentZero: true, display: display}
		case full == "net.IP":
			return shape{kind: shNetIP, nullable: true, display: display, named: true}
		case full == "net.IPNet":
			return shape{kind: shNetIPNet, display: display}
		case full == "net.HardwareAddr":
			return shape{kind: shHardwareAddr, nullable: true, display: display, named: true}
		case full == googleUUIDPath+".UUID":
			return shape{kind: shGoogleUUID, silentZero: true, display: display, named: true}
		case full == googleUUIDPath+".NullUUID":
			return shape{kind: shGoogleUUID, nullable: true, display: display, named: true}
		case path == pgtypePath:
			if s, ok := pgtypeShapes[obj.Name()]; ok {
				s.nullable, s.display, s.named = true, display, true
				return s
			}
			return shape{kind: shTrusted, nullable: true, display: display}
		case path == "database/sql":
			if k, ok := sqlNullShapes[obj.Name()]; ok {
				return shape{kind: k, bits: sqlNullBits[obj.Name()], nullable: true, sqlNull: true, display: display, named: true}
			}
			if obj.Name() == "Null" && named.TypeArgs().Len() == 1 {
				inner := shapeOfInner(named.TypeArgs().At(0), depth+1)
				inner.nullable, inner.silentZero, inner.sqlNull, inner.display, inner.named = true, false, true, display, true
				return inner
			}
		}
		if hasScanMethod(t) {
			if isUUIDArray(named.Underlying()) {
				return shape{kind: shGoogleUUID, silentZero: true, display: display, named: true}
			}
			return shape{kind: shTrusted, nullable: true, display: display}
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		s := basicShape(u)
		s.display, s.named = display, isNamed
		return s
	case *types.Interface:
		return shape{kind: shAny, nullable: true, display: display}
	case *types.Map:
		s := shape{kind: shMap, nullable: true, display: display}
		if k, ok := u.Key().Underlying().(*types.Basic); ok && k.Kind() == types.String {
			v := types.Unalias(u.Elem())
			if p, ok := v.(*types.Pointer); ok {
				v = p.Elem()
			}
			if b, ok := v.Underlying().(*types.Basic); ok && b.Kind() == types.String {
				s.mapOfStrings = true
			}
		}
		return s
	case *types.Slice:
		if b, ok := u.Elem().Underlying().(*types.Basic); ok && b.Kind() == types.Byte {
			return shape{kind: shBytes, nullable: true, display: display, named: isNamed}
		}
		elem := shapeOfInner(u.Elem(), depth+1)
		return shape{kind: shSlice, nullable: true, elem: &elem, display: display, named: isNamed}
	case *types.Array:
		if isUUIDArray(u) {
			return shape{kind: shUUID16, display: display, named: isNamed}
		}
	case *types.Struct:
		return shape{kind: shStruct, display: display, named: isNamed}
	}
	return shape{kind: shUnknown, display: display}
}

func basicShape(b *types.Basic) shape {
	switch b.Kind() {
	case types.String:
		return shape{kind: shString}
	case types.Bool:
		return shape{kind: shBool}
	case types.Int, types.Int64:
		return shape{kind: shInt, bits: 64}
	case types.Int32:
		return shape{kind: shInt, bits: 32}
	case types.Int16:
		return shape{kind: shInt, bits: 16}
	case types.Int8:
		return shape{kind: shInt, bits: 8}
	case types.Uint, types.Uint64, types.Uintptr:
		return shape{kind: shUint, bits: 64}
	case types.Uint32:
		return shape{kind: shUint, bits: 32}
	case types.Uint16:
		return shape{kind: shUint, bits: 16}
	case types.Uint8:
		return shape{kind: shUint, bits: 8}
	case types.Float64:
		return shape{kind: shFloat, bits: 64}
	case types.Float32:
		return shape{kind: shFloat, bits: 32}
	}
	return shape{kind: shUnknown}
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
