package measure

import (
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunRecordsWallTimeMemoryAndExitCode(t *testing.T) {
	t.Parallel()
	s, err := Run(exec.Command("sh", "-c", "sleep 0.3; exit 3"))
	require.NoError(t, err)
	assert.Equal(t, 3, s.ExitCode, "a non-zero exit is a result, not an error")
	assert.GreaterOrEqual(t, s.Wall, 300*time.Millisecond)
	assert.Positive(t, s.MaxRSS)
	assert.GreaterOrEqual(t, s.TreeRSS, s.MaxRSS)
}

// The tree's memory counts the children: two sleeping shells hold more than
// the largest of them.
func TestTreeRSSSumsTheChildren(t *testing.T) {
	t.Parallel()
	s, err := Run(exec.Command("sh", "-c", "sleep 0.5 & sleep 0.5 & wait"))
	require.NoError(t, err)
	assert.Greater(t, s.TreeRSS, s.MaxRSS)
}

func TestRunReportsACommandThatCannotStart(t *testing.T) {
	t.Parallel()
	_, err := Run(exec.Command("/nonexistent/tool"))
	assert.Error(t, err)
}

func TestBytes(t *testing.T) {
	assert.Equal(t, "512 MiB", Bytes(512<<20))
	assert.Equal(t, "1.50 GiB", Bytes(3<<29))
}

// Without GNU time the figures come from wait4.
func TestRunWithoutGNUTime(t *testing.T) {
	t.Parallel()
	s, err := run(exec.Command("sh", "-c", "exit 2"), "/nonexistent/time")
	require.NoError(t, err)
	assert.Equal(t, "wait4", s.Via)
	assert.Equal(t, 2, s.ExitCode)
	assert.Positive(t, s.MaxRSS)
}
