package report

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Progress keeps one status line ("loading packages…", "analysing packages
// 12/40") on a terminal while a run is under way. It stays silent for the
// first second, so quick runs print nothing, and Done erases it. A disabled
// (or nil) Progress does nothing at all. Step may be called from many
// goroutines.
type Progress struct {
	w        io.Writer
	delay    time.Duration // silence before the first draw
	interval time.Duration // between redraws

	done atomic.Int64 // Step count in the current stage

	mu    sync.Mutex
	what  string
	total int
	shown string // what the line holds now; "" when nothing is drawn

	stop     chan struct{}
	finished chan struct{}
	once     sync.Once
}

// NewProgress starts the clock for a progress line on w. When enabled is
// false the Progress writes nothing.
func NewProgress(w io.Writer, enabled bool) *Progress {
	return newProgress(w, enabled, time.Second, 100*time.Millisecond)
}

func newProgress(w io.Writer, enabled bool, delay, interval time.Duration) *Progress {
	p := &Progress{w: w, delay: delay, interval: interval}
	if enabled {
		p.stop = make(chan struct{})
		p.finished = make(chan struct{})
		go p.loop()
	}
	return p
}

// Stage starts a new phase: with total 0 the line reads "what…", otherwise
// "what done/total", counting Step calls from zero.
func (p *Progress) Stage(what string, total int) {
	if p == nil || p.stop == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.what, p.total = what, total
	p.done.Store(0)
}

// Step counts one unit of the current stage as done.
func (p *Progress) Step() {
	if p == nil || p.stop == nil {
		return
	}
	p.done.Add(1)
}

// Done stops the progress line and erases it. It is safe to call more than
// once; nothing is drawn after it returns.
func (p *Progress) Done() {
	if p == nil || p.stop == nil {
		return
	}
	p.once.Do(func() {
		close(p.stop)
		<-p.finished
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.shown != "" {
			blank := strings.Repeat(" ", utf8.RuneCountInString(p.shown))
			fmt.Fprintf(p.w, "\r%s\r", blank)
			p.shown = ""
		}
	})
}

func (p *Progress) loop() {
	defer close(p.finished)
	select {
	case <-p.stop:
		return
	case <-time.After(p.delay):
	}
	tick := time.NewTicker(p.interval)
	defer tick.Stop()
	for {
		p.draw()
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
	}
}

// draw rewrites the line when its text changed, padding with spaces to
// cover a longer previous text.
func (p *Progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	var line string
	switch {
	case p.what == "":
		return
	case p.total > 0:
		line = fmt.Sprintf("%s %d/%d", p.what, min(p.done.Load(), int64(p.total)), p.total)
	default:
		line = p.what + "…"
	}
	if line == p.shown {
		return
	}
	pad := utf8.RuneCountInString(p.shown) - utf8.RuneCountInString(line)
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", max(pad, 0)))
	p.shown = line
}
