// Package plaindata checks that an analyzer's result is plain data: values
// that outlive the package's syntax and type information and that gob can
// encode for the result cache, as engine.Options.Extra requires.
package plaindata

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"go/token"
	"reflect"
	"strings"
)

// foreign are the packages whose types carry syntax, type information or
// file-set-relative positions.
var foreign = []string{"go/ast", "go/types", "go/token", "golang.org/x/tools/"}

// Check reports the first part of v's type that is not plain data — a type
// of go/ast, go/types, go/token or x/tools, an interface, a function, a
// channel, an unsafe pointer, or an unexported struct field (which gob
// drops silently) — and then whether v round-trips through gob. A
// token.Position (file name and line, not a token.Pos) is plain data.
func Check(v any) error {
	if err := checkType(reflect.TypeOf(v), reflect.TypeOf(v).String(), map[reflect.Type]bool{}); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return fmt.Errorf("gob: %v", err)
	}
	back := reflect.New(reflect.TypeOf(v))
	if err := gob.NewDecoder(&buf).DecodeValue(back); err != nil {
		return fmt.Errorf("gob decode: %v", err)
	}
	return nil
}

// position is allowed: a file name, offset, line and column, which mean
// the same without the file set (unlike token.Pos).
var position = reflect.TypeFor[token.Position]()

func checkType(t reflect.Type, path string, seen map[reflect.Type]bool) error {
	if seen[t] || t == position {
		return nil
	}
	seen[t] = true
	if pkg := t.PkgPath(); pkg != "" {
		for _, f := range foreign {
			if pkg == strings.TrimSuffix(f, "/") || strings.HasSuffix(f, "/") && strings.HasPrefix(pkg, f) {
				return fmt.Errorf("%s is %s, from %s", path, t, pkg)
			}
		}
	}
	switch t.Kind() {
	case reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer, reflect.Uintptr:
		return fmt.Errorf("%s is %s, not plain data", path, t)
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return checkType(t.Elem(), path+"[]", seen)
	case reflect.Map:
		if err := checkType(t.Key(), path+"[key]", seen); err != nil {
			return err
		}
		return checkType(t.Elem(), path+"[value]", seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				return fmt.Errorf("%s.%s is unexported: gob drops it", path, f.Name)
			}
			if err := checkType(f.Type, path+"."+f.Name, seen); err != nil {
				return err
			}
		}
	}
	return nil
}
