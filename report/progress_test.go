package report

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
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

// eventually fails the test unless cond holds within two seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within 2s: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestProgressDisabledWritesNothing(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	p := newProgress(&out, false, 0, time.Millisecond)
	p.Stage("loading packages", 0)
	p.Step()
	time.Sleep(20 * time.Millisecond)
	p.Done()
	if got := out.String(); got != "" {
		t.Errorf("disabled progress wrote %q", got)
	}

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
	if got := out.String(); got != "" {
		t.Errorf("a run quicker than the delay wrote %q", got)
	}
}

func TestProgressShowsStagesAndClears(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	p := newProgress(&out, true, 10*time.Millisecond, time.Millisecond)
	p.Stage("loading packages", 0)
	eventually(t, "loading packages… drawn", func() bool { return strings.Contains(out.String(), "loading packages…") })

	p.Stage("analysing packages", 40)
	for range 12 {
		p.Step()
	}
	eventually(t, "analysing packages 12/40 drawn last", func() bool { return strings.HasSuffix(out.String(), "analysing packages 12/40") })
	p.Done()
	p.Done() // idempotent

	got := out.String()
	if !strings.HasPrefix(got, "\rloading packages…") {
		t.Errorf("output does not start with \"\\rloading packages…\": %q", got)
	}
	if strings.Contains(got, "\n") {
		t.Errorf("output has a newline; want one line, rewritten with \\r: %q", got)
	}
	// Done blanks the longest text drawn last and returns to column 0.
	last := "analysing packages 12/40"
	if !strings.HasSuffix(got, last+"\r"+strings.Repeat(" ", len(last))+"\r") {
		t.Errorf("output does not end with the last line blanked: %q", got)
	}
	if now := out.String(); now != got {
		t.Errorf("drawn after Done: %q, then %q", got, now)
	}
}

func TestProgressPadsOverLongerText(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	p := newProgress(&out, true, 0, time.Millisecond)
	p.Stage("a long first stage", 0)
	eventually(t, "first stage drawn", func() bool { return strings.Contains(out.String(), "stage…") })
	p.Stage("short", 0)
	eventually(t, "short… drawn", func() bool { return strings.Contains(out.String(), "short…") })
	p.Done()
	// "a long first stage…" is 19 runes, "short…" 6: 13 spaces cover the rest.
	if got, want := out.String(), "\rshort…"+strings.Repeat(" ", 13); !strings.Contains(got, want) {
		t.Errorf("output %q does not contain %q", got, want)
	}
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
	eventually(t, "analysing packages 800/800 drawn last", func() bool { return strings.HasSuffix(out.String(), "analysing packages 800/800") })
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
	eventually(t, "analysing packages 2/2 drawn last", func() bool { return strings.HasSuffix(out.String(), "analysing packages 2/2") })
	p.Done()
	if got := out.String(); strings.Contains(got, "5/2") {
		t.Errorf("count above the total drawn: %q", got)
	}
}
