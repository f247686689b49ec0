package progress

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeTerm is a terminal as a test sees it: what was written, a clock the
// test moves, and the trailing draws a bar arranges, run when the test says.
type fakeTerm struct {
	out    bytes.Buffer
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	d       time.Duration
	f       func()
	stopped bool
}

func (t *fakeTimer) Stop() bool { was := !t.stopped; t.stopped = true; return was }

func (ft *fakeTerm) bar(label string, total int) *Bar {
	return newLive(&ft.out, label, total, func() time.Time { return ft.now },
		func(d time.Duration, f func()) stopper {
			t := &fakeTimer{d: d, f: f}
			ft.timers = append(ft.timers, t)
			return t
		})
}

// fire runs the pending trailing draws.
func (ft *fakeTerm) fire() {
	ts := ft.timers
	ft.timers = nil
	for _, t := range ts {
		if !t.stopped {
			t.f()
		}
	}
}

// take returns what was written since the last take.
func (ft *fakeTerm) take() string {
	s := ft.out.String()
	ft.out.Reset()
	return s
}

func TestBarDraws(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		total int
		steps []int // counts set, each an Interval after the last
		want  []string
	}{
		{"counter without a total", 0, []int{5, 1234},
			[]string{"\rrows 5\x1b[K", "\rrows 1234\x1b[K"}},
		{"bar", 8, []int{0, 2, 8},
			[]string{"\rrows [                        ] 0/8\x1b[K",
				"\rrows [======>                 ] 2/8\x1b[K",
				"\rrows [========================] 8/8\x1b[K"}},
		{"count past the total", 4, []int{9},
			[]string{"\rrows [========================] 9/4\x1b[K"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ft fakeTerm
			b := ft.bar("rows", tc.total)
			for i, n := range tc.steps {
				ft.now = ft.now.Add(Interval)
				b.Set(n)
				ft.fire() // the first draw of all is a trailing one
				if got := ft.take(); got != tc.want[i] {
					t.Errorf("step %d: drew %q, want %q", i, got, tc.want[i])
				}
			}
			b.Done()
			if got := ft.take(); got != "\r\x1b[K" {
				t.Errorf("Done wrote %q, want the line erased", got)
			}
			b.Add(1)
			ft.now = ft.now.Add(time.Hour)
			b.Set(99)
			ft.fire()
			if got := ft.take(); got != "" {
				t.Errorf("after Done: wrote %q", got)
			}
		})
	}
}

// TestBarThrottles checks that a bar draws at most once an Interval however
// often it is told of progress, that the last count of a burst is drawn
// when the Interval ends, and that work shorter than an Interval draws
// nothing at all.
func TestBarThrottles(t *testing.T) {
	t.Parallel()
	var ft fakeTerm
	b := ft.bar("x", 0)
	for range 1000 {
		b.Add(1)
		ft.now = ft.now.Add(Interval / 100)
	}
	// 1,000 updates over ten Intervals: a draw for each Interval, no more.
	if got := strings.Count(ft.take(), "\r"); got < 9 || got > 10 {
		t.Errorf("%d draws for 1,000 updates over 10 intervals, want 9 or 10", got)
	}
	ft.now = ft.now.Add(Interval)
	b.Add(1) // an Interval after the last draw: drawn at once
	if got := ft.take(); got != "\rx 1001\x1b[K" {
		t.Errorf("an Interval after the last draw: drew %q", got)
	}
	b.Add(4) // within the Interval of that draw: not drawn yet
	if got := ft.take(); got != "" {
		t.Errorf("drew %q within an Interval of the last draw", got)
	}
	ft.now = ft.now.Add(Interval)
	ft.fire() // the trailing draw
	if got := ft.take(); got != "\rx 1005\x1b[K" {
		t.Errorf("trailing draw %q, want the last count", got)
	}
	ft.fire()
	if got := ft.take(); got != "" {
		t.Errorf("a second trailing draw with nothing new: %q", got)
	}
	b.Done()

	// Work that ends within an Interval of New.
	ft.take()
	quick := ft.bar("quick", 10)
	quick.Set(3)
	quick.Set(10)
	quick.Done()
	ft.fire()
	if got := ft.take(); got != "" {
		t.Errorf("work shorter than an Interval drew %q", got)
	}
}

// TestOutput checks that lines written through an Output while a bar is
// drawn go on lines of their own, the bar drawn again below them.
func TestOutput(t *testing.T) {
	t.Parallel()
	var ft fakeTerm
	out := &Output{w: &ft.out, term: true}
	b := newLive(out, "up", 3, func() time.Time { return ft.now }, func(time.Duration, func()) stopper { return &fakeTimer{} })
	out.Write([]byte("before any draw\n"))
	if got := ft.take(); got != "before any draw\n" {
		t.Errorf("before the first draw: %q", got)
	}
	ft.now = ft.now.Add(Interval)
	b.Set(1)
	ft.take()
	out.Write([]byte("retort: a line\n"))
	want := "\r\x1b[K" + "retort: a line\n" + "\rup [========>               ] 1/3\x1b[K"
	if got := ft.take(); got != want {
		t.Errorf("line under a bar:\n got %q\nwant %q", got, want)
	}
	// A line written in pieces: the bar waits for its end.
	out.Write([]byte("part"))
	ft.now = ft.now.Add(Interval)
	b.Set(2)
	if got := ft.take(); got != "\r\x1b[K"+"part" {
		t.Errorf("mid-line: %q", got)
	}
	out.Write([]byte(" end\n"))
	ft.now = ft.now.Add(Interval)
	b.Set(3)
	if got := ft.take(); got != " end\n"+"\rup [========================] 3/3\x1b[K" {
		t.Errorf("after the line's end: %q", got)
	}
	b.Done()
	out.Write([]byte("after\n"))
	if got := ft.take(); got != "\r\x1b[K"+"after\n" {
		t.Errorf("after Done: %q", got)
	}
}

// TestNotATerminal checks that a bar on anything but a terminal writes
// nothing, and that an Output on one passes writes through unchanged.
func TestNotATerminal(t *testing.T) {
	t.Parallel()
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	var buf bytes.Buffer
	for _, w := range []interface {
		Write([]byte) (int, error)
	}{&buf, f, null, NewOutput(&buf)} {
		b := New(w, "x", 10)
		for i := range 20 {
			b.Set(i)
			time.Sleep(Interval / 10)
		}
		b.Done()
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %q to a buffer", buf.String())
	}
	if fi, _ := f.Stat(); fi.Size() != 0 {
		t.Errorf("wrote %d bytes to a file", fi.Size())
	}
	out := NewOutput(&buf)
	out.Write([]byte("a line\n"))
	if buf.String() != "a line\n" {
		t.Errorf("Output on a buffer wrote %q", buf.String())
	}
	var nilBar *Bar
	nilBar.Add(1)
	nilBar.Set(1)
	nilBar.SetTotal(1)
	nilBar.Done()
}

// TestConcurrent runs a bar from many goroutines with the real clock, for
// the race detector.
func TestConcurrent(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var buf bytes.Buffer
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return buf.Write(p) })
	out := &Output{w: w, term: true}
	b := newLive(out, "c", 4000, time.Now, func(d time.Duration, f func()) stopper { return time.AfterFunc(d, f) })
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				b.Add(1)
				time.Sleep(50 * time.Microsecond)
			}
			out.Write([]byte("done\n"))
		})
	}
	wg.Wait()
	b.Done()
	mu.Lock()
	defer mu.Unlock()
	if s := buf.String(); !strings.HasSuffix(s, "\r\x1b[K") && !strings.HasSuffix(s, "done\n") {
		t.Errorf("the bar is not erased at the end: %q", s[max(0, len(s)-80):])
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
