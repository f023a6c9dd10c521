package report

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer safe to write from the progress goroutine
// while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestProgressDisabledWritesNothing(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	p := newProgress(&out, false, 0, time.Millisecond)
	p.Stage("loading packages", 0)
	p.Step()
	time.Sleep(20 * time.Millisecond)
	p.Done()
	assert.Empty(t, out.String())

	var nilProgress *Progress
	nilProgress.Stage("x", 1)
	nilProgress.Step()
	nilProgress.Done()
}

func TestProgressQuickRunWritesNothing(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	p := NewProgress(&out, true) // the real one-second delay
	p.Stage("loading packages", 0)
	p.Stage("analysing packages", 3)
	p.Step()
	p.Step()
	p.Step()
	p.Done()
	assert.Empty(t, out.String())
}

func TestProgressShowsStagesAndClears(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	p := newProgress(&out, true, 10*time.Millisecond, time.Millisecond)
	p.Stage("loading packages", 0)
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "loading packages…") }, 2*time.Second, time.Millisecond)

	p.Stage("analysing packages", 40)
	for range 12 {
		p.Step()
	}
	require.Eventually(t, func() bool { return strings.HasSuffix(out.String(), "analysing packages 12/40") }, 2*time.Second, time.Millisecond)
	p.Done()
	p.Done() // idempotent

	got := out.String()
	assert.True(t, strings.HasPrefix(got, "\rloading packages…"), "%q", got)
	assert.NotContains(t, got, "\n", "one line, rewritten with \\r")
	// Done blanks the longest text drawn last and returns to column 0.
	last := "analysing packages 12/40"
	assert.True(t, strings.HasSuffix(got, last+"\r"+strings.Repeat(" ", len(last))+"\r"), "%q", got)
	assert.Equal(t, got, out.String(), "nothing drawn after Done")
}

func TestProgressPadsOverLongerText(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	p := newProgress(&out, true, 0, time.Millisecond)
	p.Stage("a long first stage", 0)
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "stage…") }, 2*time.Second, time.Millisecond)
	p.Stage("short", 0)
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "short…") }, 2*time.Second, time.Millisecond)
	p.Done()
	// "a long first stage…" is 19 runes, "short…" 6: 13 spaces cover the rest.
	assert.Contains(t, out.String(), "\rshort…"+strings.Repeat(" ", 13))
}

func TestProgressConcurrentSteps(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	p := newProgress(&out, true, 0, time.Millisecond)
	p.Stage("analysing packages", 800)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				p.Step()
			}
		})
	}
	wg.Wait()
	require.Eventually(t, func() bool { return strings.HasSuffix(out.String(), "analysing packages 800/800") }, 2*time.Second, time.Millisecond)
	p.Done()
}

func TestProgressCountNeverExceedsTotal(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	p := newProgress(&out, true, 0, time.Millisecond)
	p.Stage("analysing packages", 2)
	for range 5 {
		p.Step()
	}
	require.Eventually(t, func() bool { return strings.HasSuffix(out.String(), "analysing packages 2/2") }, 2*time.Second, time.Millisecond)
	p.Done()
	assert.NotContains(t, out.String(), "5/2")
}

func TestProgressWantedNotForPipesOrFiles(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	assert.False(t, ProgressWanted(w))

	f, err := os.Create(t.TempDir() + "/stderr.log")
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, ProgressWanted(f))
	assert.False(t, ProgressWanted(nil))
}
