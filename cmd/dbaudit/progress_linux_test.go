package main

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal and returns its terminal side, to stand
// in for an interactive stderr.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlocking the pty: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pty number: %v", err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening the pty: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	return tty
}

// Not parallel: it sets CI.
func TestProgressWantedOnATerminalUnlessCI(t *testing.T) {
	tty := openPTY(t)

	t.Setenv("CI", "")
	os.Unsetenv("CI") // t.Setenv restores the original value afterwards
	if !progressWanted(tty) {
		t.Error("progressWanted(terminal) = false with CI unset, want true")
	}

	t.Setenv("CI", "true")
	if progressWanted(tty) {
		t.Error("progressWanted(terminal) = true with CI=true, want false")
	}
	t.Setenv("CI", "")
	if progressWanted(tty) {
		t.Error("progressWanted(terminal) = true with CI set, even empty, want false")
	}
}
