package migrate

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
)

// holdLock takes an ACCESS EXCLUSIVE lock on table through a connection of
// its own and releases it after hold.
func holdLock(t *testing.T, url, table string, hold time.Duration) {
	t.Helper()
	ctx := t.Context()
	tx, err := devdbtest.Connect(t, url).Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE "+table+" IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(hold, func() { tx.Rollback(context.Background()) })
	t.Cleanup(func() { tx.Rollback(context.Background()) })
}

// logLines collects what Logf is told.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

// retries returns the retry lines, checking that they count up from 2.
func (l *logLines) retries(t *testing.T, tries int, where string) []string {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, s := range l.lines {
		if strings.HasPrefix(s, "retry ") {
			out = append(out, s)
		}
	}
	for i, s := range out {
		re := regexp.MustCompile(fmt.Sprintf(`^retry %d of %d in [0-9.]+m?s: up bbbb01 ran into its lock timeout at %s; another session holds a lock it needs$`,
			i+2, tries, regexp.QuoteMeta(where)))
		if !re.MatchString(s) {
			t.Errorf("retry line %q, want %v", s, re)
		}
	}
	return out
}

// A unit that runs into its lock_timeout is tried again, the whole
// transaction or the one statement outside a transaction, up to
// Options.LockTries times in all.
func TestLockRetries(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		nonTx    bool          // the blocked statement runs outside a transaction
		tries    int           // Options.LockTries
		hold     time.Duration // how long the other session holds the lock
		wantErr  bool
		min, max int // retry lines
	}{
		// Tries at 0, 1 and 2.5 s (each waits 0.5 s): the third gets the lock.
		{"succeeds", false, 0, 2500 * time.Millisecond, false, 1, 2},
		{"succeeds outside a transaction", true, 0, 2500 * time.Millisecond, false, 1, 2},
		{"off", false, -1, 2500 * time.Millisecond, true, 0, 0},
		{"longer than all tries", false, 4, time.Minute, true, 3, 3},
		{"longer than all tries outside a transaction", true, 2, time.Minute, true, 1, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			url := devdbtest.NewDatabase(t)
			conn := devdbtest.Connect(t, url)
			a := tableRev("aaaa01")
			a.Up = append(a.Up, Statement{SQL: "CREATE TABLE public.log (id int)"}, Statement{SQL: "CREATE SEQUENCE public.tries"})
			b := rev("bbbb01 aaaa01")
			// A statement that commits with the unit, one that counts the
			// tries whatever happens, and the one that waits for the lock.
			b.Up = []Statement{
				{SQL: "INSERT INTO public.log VALUES (1)"},
				{SQL: "SELECT nextval('public.tries')"},
				{SQL: "ALTER TABLE public.t_aaaa01 ADD COLUMN x int"},
			}
			if tt.nonTx {
				b.Up[2] = Statement{SQL: "CREATE INDEX CONCURRENTLY t_id ON public.t_aaaa01 (id)"}
			}
			b.Down = []Statement{{SQL: "SELECT 1"}}
			d := memDir(t, a, b)
			if _, err := Upgrade(ctx, conn, d, "aaaa01", nil); err != nil {
				t.Fatal(err)
			}
			var log logLines
			holdLock(t, url, "public.t_aaaa01", tt.hold)
			_, err := Upgrade(ctx, conn, d, "head", &Options{LockTimeout: 500 * time.Millisecond, LockTries: tt.tries, Logf: log.logf})
			tries := tt.tries
			if tries == 0 {
				tries = DefaultLockTries
			} else if tries < 0 {
				tries = 1
			}
			retries := log.retries(t, tries, fmt.Sprintf("bbbb01.sql:%d", d.Revision("bbbb01").Up[2].Line))
			if len(retries) < tt.min || len(retries) > tt.max {
				t.Errorf("%d retries, want %d to %d: %q", len(retries), tt.min, tt.max, retries)
			}
			var logged, counted int
			if err := conn.QueryRow(ctx, "SELECT (SELECT count(*) FROM public.log), (SELECT last_value FROM public.tries)").Scan(&logged, &counted); err != nil {
				t.Fatal(err)
			}
			// Outside a transaction, the first two statements commit once;
			// in one, the count of tries survives the rollbacks.
			if wantCount := len(retries) + 1; !tt.nonTx && counted != wantCount {
				t.Errorf("the revision's transaction ran %d times, want %d", counted, wantCount)
			} else if tt.nonTx && counted != 1 {
				t.Errorf("the statements before the one outside a transaction ran %d times, want once", counted)
			}
			if !tt.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				wantCurrent(t, conn, "bbbb01")
				if logged != 1 {
					t.Errorf("%d rows in public.log, want 1", logged)
				}
				return
			}
			var pe *PartialError
			if !errors.As(err, &pe) || !lockTimedOut(err) {
				t.Fatalf("error %v, want a PartialError with lock_not_available", err)
			}
			for _, w := range []string{
				fmt.Sprintf("up bbbb01 failed at bbbb01.sql:%d: ", d.Revision("bbbb01").Up[2].Line),
				"canceling statement due to lock timeout",
				"another session holds a lock the statement needs: retry when it is released, or raise lock_timeout",
			} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
			if tried := fmt.Sprintf("; tried %d times)", tries); (tries > 1) != strings.Contains(err.Error(), tried) {
				t.Errorf("message %q: want %q when tried more than once", err, tried)
			}
			if pe.Tries != tries {
				t.Errorf("PartialError.Tries = %d, want %d", pe.Tries, tries)
			}
			if tt.nonTx {
				wantCurrent(t, conn, "aaaa01")
				if logged != 1 || pe.Committed != 2 {
					t.Errorf("%d rows in public.log, %d statements committed; want 1 and 2", logged, pe.Committed)
				}
				return
			}
			wantCurrent(t, conn, "aaaa01")
			if logged != 0 {
				t.Errorf("%d rows in public.log after the rollback, want 0", logged)
			}
		})
	}
}

// Ctrl-C while the runner waits to retry stops the run at once.
func TestLockRetryWaitHonorsContext(t *testing.T) {
	t.Parallel()
	url := devdbtest.NewDatabase(t)
	conn := devdbtest.Connect(t, url)
	a := tableRev("aaaa01")
	b := rev("bbbb01 aaaa01")
	b.Up = []Statement{{SQL: "ALTER TABLE public.t_aaaa01 ADD COLUMN x int"}}
	b.Down = []Statement{{SQL: "SELECT 1"}}
	d := memDir(t, a, b)
	if _, err := Upgrade(t.Context(), conn, d, "aaaa01", nil); err != nil {
		t.Fatal(err)
	}
	holdLock(t, url, "public.t_aaaa01", time.Minute)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var canceled time.Time
	opts := &Options{LockTimeout: 200 * time.Millisecond, LockTries: 10, Logf: func(f string, a ...any) {
		if strings.HasPrefix(f, "retry ") && canceled.IsZero() {
			canceled = time.Now()
			cancel()
		}
	}}
	_, err := Upgrade(ctx, conn, d, "head", opts)
	if canceled.IsZero() {
		t.Fatalf("no retry: %v", err)
	}
	if took := time.Since(canceled); took > 300*time.Millisecond {
		t.Errorf("the run went on for %v after the cancel", took)
	}
	if !errors.Is(err, context.Canceled) || !lockTimedOut(err) || !strings.Contains(err.Error(), "stopped before retry 2 of 10") {
		t.Errorf("error %v, want the lock timeout and the cancel", err)
	}
	// The connection is usable, its session as it was.
	var lt string
	if err := conn.QueryRow(context.Background(), "SELECT current_setting('lock_timeout')").Scan(&lt); err != nil || lt != "0" {
		t.Errorf("lock_timeout %q, %v after the run", lt, err)
	}
	wantCurrent(t, conn, "aaaa01")
}

func TestLockTriesOption(t *testing.T) {
	for _, tt := range []struct{ in, want int }{{0, DefaultLockTries}, {-1, 1}, {1, 1}, {5, 5}} {
		if got := (Options{LockTries: tt.in}).lockTries(); got != tt.want {
			t.Errorf("LockTries %d: %d tries, want %d", tt.in, got, tt.want)
		}
	}
	for next, base := range map[int]time.Duration{2: 500 * time.Millisecond, 3: time.Second, 4: 2 * time.Second, 20: maxRetryWait} {
		for range 20 {
			if d := retryWait(next); d < base || d > base+base/10 {
				t.Errorf("wait before try %d: %v, want %v plus up to a tenth", next, d, base)
			}
		}
	}
}

// A concurrent index build that ran into its lock_timeout after it created
// the index leaves an invalid index: building it again would fail on the
// name, so each retry first drops the index the try before left, and the
// error names the last one.
func TestLockRetryAfterInvalidIndex(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := devdbtest.NewDatabase(t)
	conn := devdbtest.Connect(t, url)
	a := tableRev("aaaa01")
	b := rev("bbbb01 aaaa01")
	b.Up = []Statement{{SQL: "CREATE INDEX CONCURRENTLY t_id ON public.t_aaaa01 (id)"}}
	b.Down = []Statement{{SQL: "DROP INDEX CONCURRENTLY public.t_id"}}
	d := memDir(t, a, b)
	if _, err := Upgrade(ctx, conn, d, "aaaa01", nil); err != nil {
		t.Fatal(err)
	}
	// A writer's open transaction: the build takes its table lock, creates
	// the index, then waits for the writer and gives up.
	tx, err := devdbtest.Connect(t, url).Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, "INSERT INTO public.t_aaaa01 VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	var log logLines
	_, err = Upgrade(ctx, conn, d, "head", &Options{LockTimeout: 300 * time.Millisecond, Logf: log.logf})
	var pe *PartialError
	if !errors.As(err, &pe) || !lockTimedOut(err) {
		t.Fatalf("error %v, want a PartialError with lock_not_available", err)
	}
	where := fmt.Sprintf("bbbb01.sql:%d", d.Revision("bbbb01").Up[0].Line)
	if r := log.retries(t, DefaultLockTries, where); len(r) != DefaultLockTries-1 {
		t.Errorf("retried: %q", r)
	}
	drops := 0
	for _, l := range log.lines {
		if strings.HasPrefix(l, "up bbbb01: dropping the invalid index public.t_id that an earlier try of "+where+" left") {
			drops++
		}
	}
	if drops != DefaultLockTries-1 {
		t.Errorf("logs %q: %d drops, want %d", log.lines, drops, DefaultLockTries-1)
	}
	if len(pe.Invalid) != 1 || pe.Invalid[0] != "public.t_id" || pe.Tries != DefaultLockTries {
		t.Errorf("invalid indexes %v after %d tries, want public.t_id after %d", pe.Invalid, pe.Tries, DefaultLockTries)
	}
}
