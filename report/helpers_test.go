package report

import (
	"reflect"
	"testing"
)

// mustNoErr stops the test on an error.
func mustNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// checkEqual reports got != want (by reflect.DeepEqual, so a nil slice is
// not an empty one) as an error naming what was compared.
func checkEqual[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\ngot  %#v\nwant %#v", what, got, want)
	}
}
