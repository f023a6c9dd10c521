package report

import (
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	require.NoError(t, unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0))
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	require.NoError(t, err)
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { tty.Close() })
	return tty
}

// Not parallel: it sets CI.
func TestProgressWantedOnATerminalUnlessCI(t *testing.T) {
	tty := openPTY(t)

	t.Setenv("CI", "")
	os.Unsetenv("CI") // t.Setenv restores the original value afterwards
	assert.True(t, ProgressWanted(tty))

	t.Setenv("CI", "true")
	assert.False(t, ProgressWanted(tty))
	t.Setenv("CI", "")
	assert.False(t, ProgressWanted(tty), "CI set, even empty")
}
