package main

import (
	"os"
	"testing"
)

// On every platform, not only where the pty test runs. Not parallel: it
// unsets CI, which would otherwise answer false before the file is looked at.
func TestProgressWantedNotForPipesOrFiles(t *testing.T) {
	t.Setenv("CI", "")
	os.Unsetenv("CI") // t.Setenv restores the original value afterwards

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if progressWanted(w) {
		t.Error("progressWanted(pipe) = true, want false")
	}

	f, err := os.Create(t.TempDir() + "/stderr.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if progressWanted(f) {
		t.Error("progressWanted(file) = true, want false")
	}
	if progressWanted(nil) {
		t.Error("progressWanted(nil) = true, want false")
	}
}
