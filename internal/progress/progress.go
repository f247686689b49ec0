// Package progress draws a live counter or bar on a terminal's last line
// while long work runs, and nothing at all anywhere else: piped or
// redirected output, a dumb terminal or /dev/null get no bytes from it, so
// that logs and scripts read exactly what they read without it.
//
// A Bar redraws at most every [Interval], however often it is told of
// progress, and erases its line when done:
//
//	bar := progress.New(os.Stderr, "replay", len(revisions))
//	defer bar.Done()
//	for _, r := range revisions {
//		…
//		bar.Add(1)
//	}
//
// Other output written to the terminal while a bar is drawn would land on
// the bar's line. Writing it through an [Output] erases the bar first and
// draws it again after the line:
//
//	stderr := progress.NewOutput(os.Stderr) // give this to loggers too
//	bar := progress.New(stderr, "upgrade", n)
//
// Every method is safe for concurrent use, and a nil *Bar does nothing.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Interval is the least time between two draws of a bar. The first draw
// also waits this long after New, so work that ends sooner never shows one.
const Interval = 100 * time.Millisecond

// barWidth is the number of cells between a bar's brackets; with the label
// and the counts the line stays within 80 columns.
const barWidth = 24

// maxLabel bounds the label, in runes, for the same reason.
const maxLabel = 32

// Bar is a live progress display: a counter, and a bar when the total is
// known.
type Bar struct {
	live bool // set once by New: false makes every method return at once
	w    io.Writer
	out  *Output // when w is one; its lock is taken before mu

	mu      sync.Mutex
	label   string
	n       int
	total   int
	last    time.Time // of the last draw, or of New before any
	drawn   bool      // the line shows the bar now
	timer   stopper   // a trailing draw is scheduled
	done    bool
	now     func() time.Time
	after   func(time.Duration, func()) stopper
	changed bool // n or total differ from what was drawn last
}

// stopper is what Bar needs of a *time.Timer.
type stopper interface{ Stop() bool }

// New returns a bar that counts to total (0 when the total is unknown: it
// then shows a counter alone) under label. It draws on w only when w is a
// terminal, or an [Output] on one; otherwise every method is a no-op.
func New(w io.Writer, label string, total int) *Bar {
	if !isTerminal(w) {
		return &Bar{}
	}
	return newLive(w, label, total, time.Now, func(d time.Duration, f func()) stopper { return time.AfterFunc(d, f) })
}

// newLive returns a bar that draws on w whatever w is, with its clock and
// timer given: the tests' way to see what a terminal would.
func newLive(w io.Writer, label string, total int, now func() time.Time, after func(time.Duration, func()) stopper) *Bar {
	b := &Bar{live: true, w: w, label: clip(label), total: max(total, 0), now: now, after: after}
	b.last = now()
	if out, ok := w.(*Output); ok {
		b.out = out
		b.w = out.w
		out.mu.Lock()
		out.bar = b
		out.mu.Unlock()
	}
	// Nothing is drawn yet, but the first draw is due one Interval from now
	// even if nothing changes by then: the total is news too.
	b.changed = true
	b.mu.Lock()
	b.schedule()
	b.mu.Unlock()
	return b
}

// Set sets the count done to n.
func (b *Bar) Set(n int) {
	if b == nil || !b.live {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if n != b.n {
		b.n = n
		b.update()
	}
}

// Add adds n to the count done.
func (b *Bar) Add(n int) {
	if b == nil || !b.live || n == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n += n
	b.update()
}

// SetTotal changes the total, for work whose size is learnt as it goes; 0
// shows a counter alone.
func (b *Bar) SetTotal(total int) {
	if b == nil || !b.live {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if total = max(total, 0); total != b.total {
		b.total = total
		b.update()
	}
}

// Done erases the bar, if it is drawn, and ends it: later calls do
// nothing. Call it before printing what the work produced.
func (b *Bar) Done() {
	if b == nil || !b.live {
		return
	}
	if b.out != nil {
		b.out.mu.Lock()
		defer b.out.mu.Unlock()
		if b.out.bar == b {
			b.out.bar = nil
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return
	}
	b.done = true
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	b.erase()
}

// update draws the bar now if the last draw is an Interval old, and
// otherwise makes sure a draw follows when it is. b.mu is held.
func (b *Bar) update() {
	if b.done {
		return
	}
	b.changed = true
	if b.now().Sub(b.last) >= Interval {
		// A trailing draw arranged before would now come too soon.
		if b.timer != nil {
			b.timer.Stop()
			b.timer = nil
		}
		b.draw()
		return
	}
	b.schedule()
}

// schedule arranges a draw one Interval after the last, unless one is
// arranged already. b.mu is held.
func (b *Bar) schedule() {
	if b.timer != nil || b.done {
		return
	}
	b.timer = b.after(Interval-b.now().Sub(b.last), b.tick)
}

// tick is the trailing draw that schedule arranges.
func (b *Bar) tick() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.timer = nil
	if !b.done && b.changed {
		b.draw()
	}
}

// draw writes the bar over the line it is on. b.mu is held. A failed write
// is not the work's failure, so it is ignored.
func (b *Bar) draw() {
	if b.out != nil && b.out.midLine.Load() {
		return // b.changed stays set: the next update draws
	}
	_, _ = io.WriteString(b.w, "\r"+b.line()+"\x1b[K")
	b.drawn, b.changed, b.last = true, false, b.now()
}

// erase clears the bar's line if it shows the bar. b.mu is held.
func (b *Bar) erase() {
	if b.drawn {
		_, _ = io.WriteString(b.w, "\r\x1b[K")
		b.drawn = false
	}
}

// line is the text of the bar: "label [=====>     ] 120/500" or, without a
// total, "label 120".
func (b *Bar) line() string {
	if b.total == 0 {
		return fmt.Sprintf("%s %d", b.label, b.n)
	}
	n := min(max(b.n, 0), b.total)
	full := n * barWidth / b.total
	cells := strings.Repeat("=", full)
	if full < barWidth {
		if n > 0 {
			cells += ">"
		} else {
			cells += " "
		}
		cells += strings.Repeat(" ", barWidth-full-1)
	}
	return fmt.Sprintf("%s [%s] %d/%d", b.label, cells, b.n, b.total)
}

// clip shortens label to maxLabel runes, on one line.
func clip(label string) string {
	label = strings.Join(strings.Fields(label), " ")
	if utf8.RuneCountInString(label) <= maxLabel {
		return label
	}
	return string([]rune(label)[:maxLabel-1]) + "…"
}

// Output is a writer for the terminal that a bar draws on: whatever is
// written through it goes on a line of its own, the bar being erased
// before and drawn again after each complete line, so that log lines and a
// live bar share the terminal. On a writer that is not a terminal it passes
// writes through unchanged.
type Output struct {
	w    io.Writer
	term bool

	// midLine is set while the last write left a line unfinished: a bar
	// drawn then would overwrite it, so it waits for the line's end.
	midLine atomic.Bool

	mu  sync.Mutex
	bar *Bar // the bar drawn now, if any
}

// NewOutput returns an Output on w.
func NewOutput(w io.Writer) *Output {
	return &Output{w: w, term: isTerminal(w)}
}

// Write writes p, erasing the live bar first and drawing it again once p
// ends a line.
func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	b := o.bar
	if b == nil {
		n, err := o.w.Write(p)
		if len(p) > 0 {
			o.midLine.Store(p[len(p)-1] != '\n')
		}
		return n, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	drawn := b.drawn
	b.erase()
	n, err := o.w.Write(p)
	if len(p) > 0 {
		o.midLine.Store(p[len(p)-1] != '\n')
	}
	if drawn && !b.done && !o.midLine.Load() {
		b.draw()
	}
	return n, err
}

// isTerminal reports whether w is a terminal that can show a bar: a
// character device other than /dev/null, with a TERM other than "dumb"
// (which has no way to erase a line), or an Output on one.
func isTerminal(w io.Writer) bool {
	switch w := w.(type) {
	case *Output:
		return w.term
	case *os.File:
		if os.Getenv("TERM") == "dumb" {
			return false
		}
		fi, err := w.Stat()
		if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
			return false
		}
		null, err := os.Stat(os.DevNull)
		return err != nil || !os.SameFile(fi, null)
	}
	return false
}
