package main

import (
	"os"

	"golang.org/x/term"
)

// progressWanted reports whether a progress line belongs on stderr: only when
// it is a terminal and the CI variable is unset, so logs and pipes stay clean.
func progressWanted(stderr *os.File) bool {
	if _, ci := os.LookupEnv("CI"); ci {
		return false
	}
	return stderr != nil && term.IsTerminal(int(stderr.Fd()))
}
