// Package cleanuptests holds test code judged with check_tests: t.Fatal and
// its kin end a path (runtime.Goexit), t.Error does not.
package cleanuptests
