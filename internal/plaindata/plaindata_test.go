package plaindata

import (
	"go/token"
	"go/types"
	"strings"
	"testing"
)

type plain struct {
	Name  string
	At    token.Position
	Lines []int
	By    map[string]*plain
}

type withPos struct{ Pos token.Pos }

type withType struct{ T types.Type }

type withHidden struct {
	Name string
	pos  int
}

type withAny struct{ V any }

func TestCheck(t *testing.T) {
	if err := Check(&plain{Name: "a", Lines: []int{1}, By: map[string]*plain{"b": {Name: "b"}}}); err != nil {
		t.Errorf("plain data refused: %v", err)
	}
	for _, c := range []struct {
		v    any
		want string
	}{
		{&withPos{}, "go/token"},
		{&withType{}, "go/types"},
		{&withHidden{}, "unexported"},
		{&withAny{}, "not plain data"},
		{[]*withPos{}, "go/token"},
	} {
		err := Check(c.v)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Check(%T) = %v, want an error saying %q", c.v, err, c.want)
		}
	}
}
