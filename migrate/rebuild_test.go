package migrate

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/retortdb/retort/internal/devdb/devdbtest"
)

func TestConcurrentIndexBuild(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		sql  string
		want indexBuild
		ok   bool
	}{
		{"CREATE INDEX CONCURRENTLY i ON t (k)", indexBuild{"i", []string{"t"}}, true},
		{"-- hazard: x\n/* c */ create unique index concurrently \"I x\" on only s.\"T\"(k)", indexBuild{"I x", []string{"s", "T"}}, true},
		{"CREATE INDEX CONCURRENTLY IF NOT EXISTS Foo ON db.s.t USING btree (k)", indexBuild{"foo", []string{"db", "s", "t"}}, true},
		{"CREATE INDEX CONCURRENTLY if ON t (k)", indexBuild{"if", []string{"t"}}, true},
		{"CREATE INDEX\n\tCONCURRENTLY\ni\nON\nt(k)", indexBuild{"i", []string{"t"}}, true},
		// PostgreSQL names the index: a later run cannot tell which it is.
		{"CREATE INDEX CONCURRENTLY ON t (k)", indexBuild{}, false},
		{"CREATE INDEX i ON t (k)", indexBuild{}, false},
		{"CREATE INDEX CONCURRENTLYx i ON t (k)", indexBuild{}, false},
		{"DROP INDEX CONCURRENTLY i", indexBuild{}, false},
		{"CREATE INDEX CONCURRENTLY s.i ON t (k)", indexBuild{}, false},
		{"REINDEX INDEX CONCURRENTLY i", indexBuild{}, false},
	} {
		got, ok := concurrentIndexBuild(tt.sql)
		if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("concurrentIndexBuild(%q) = %+v, %v; want %+v, %v", tt.sql, got, ok, tt.want, tt.ok)
		}
	}
}

// logs collects what a run logs.
type logs struct {
	mu    sync.Mutex
	lines []string
	on    func(string) // called with each line, if set
}

func (l *logs) opts(o Options) *Options {
	o.Logf = func(f string, args ...any) {
		s := fmt.Sprintf(f, args...)
		l.mu.Lock()
		l.lines = append(l.lines, s)
		on := l.on
		l.mu.Unlock()
		if on != nil {
			on(s)
		}
	}
	return &o
}

func (l *logs) has(sub string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.ContainsFunc(l.lines, func(s string) bool { return strings.Contains(s, sub) })
}

// indexState returns the index's oid and whether it is valid; oid 0 when
// it does not exist.
func indexState(t *testing.T, conn *pgx.Conn, name string) (oid uint32, valid bool) {
	t.Helper()
	err := conn.QueryRow(t.Context(), "SELECT indexrelid::oid, indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)", name).Scan(&oid, &valid)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return oid, valid
}

// dupRevs returns a revision that makes a table with duplicate values of k
// in schema, and one whose up builds a unique index on them concurrently
// with build as its first statement.
func dupRevs(schema, build string) (*Revision, *Revision) {
	a := rev("aaaa01")
	a.Up = []Statement{
		{SQL: "CREATE SCHEMA IF NOT EXISTS " + schema},
		{SQL: "CREATE TABLE " + schema + ".d_t (k int)"},
		{SQL: "INSERT INTO " + schema + ".d_t SELECT g % 50 FROM generate_series(1, 100) g"},
	}
	a.Down = []Statement{{SQL: "DROP TABLE " + schema + ".d_t"}}
	b := rev("bbbb01 aaaa01")
	b.Up = []Statement{{SQL: build}, {SQL: "ALTER TABLE " + schema + ".d_t ADD CONSTRAINT d_t_k UNIQUE USING INDEX d_k"}}
	b.Down = []Statement{{SQL: "ALTER TABLE " + schema + ".d_t DROP CONSTRAINT d_t_k"}}
	return a, b
}

// A concurrent unique index build that fails on duplicate values leaves an
// invalid index; once the data is fixed, the next upgrade drops it, says
// so, and builds it again, because the revision's progress record, written
// before the build even as its first statement, says it started it. The
// index lives in its table's schema whatever the search_path.
func TestInvalidIndexRebuiltOnResume(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, schema, build, index string }{
		{"unqualified", "public", "CREATE UNIQUE INDEX CONCURRENTLY d_k ON d_t (k)", "public.d_k"},
		// IF NOT EXISTS would skip the invalid index and leave it invalid.
		{"if not exists", "s", "-- hazard: build\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS d_k ON s.d_t (k)", "s.d_k"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			conn := newConn(t)
			a, b := dupRevs(tt.schema, tt.build)
			d := memDir(t, a, b)
			line := d.Revision("bbbb01").Up[0].Line
			var l logs
			_, err := Upgrade(ctx, conn, d, "head", l.opts(Options{}))
			var pe *PartialError
			if !errors.As(err, &pe) || pe.Statement == nil || pe.Statement.Line != line || !slices.Equal(pe.Invalid, []string{tt.index}) {
				t.Fatalf("error %v, want a PartialError at bbbb01.sql:%d naming %s", err, line, tt.index)
			}
			if w := "drop it with DROP INDEX CONCURRENTLY " + tt.index + "; or leave it to the next run, which drops it and builds it again"; !strings.Contains(err.Error(), w) {
				t.Errorf("message %q lacks %q", err, w)
			}
			wantCurrent(t, conn, "aaaa01")
			var done int
			if err := conn.QueryRow(ctx, "SELECT done FROM public.retort_progress WHERE revision = 'bbbb01' AND direction = 'up'").Scan(&done); err != nil || done != 0 {
				t.Fatalf("progress row before the build: done %d, %v; want 0", done, err)
			}
			oid, valid := indexState(t, conn, tt.index)
			if oid == 0 || valid {
				t.Fatalf("index %s: oid %d, valid %v; want an invalid index", tt.index, oid, valid)
			}

			for _, s := range []string{"DELETE FROM " + tt.schema + ".d_t", "INSERT INTO " + tt.schema + ".d_t SELECT generate_series(1, 50)"} {
				if _, err := conn.Exec(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := Upgrade(ctx, conn, d, "head", l.opts(Options{})); err != nil {
				t.Fatal(err)
			}
			w := fmt.Sprintf("up bbbb01: dropping the invalid index %s that an earlier try of bbbb01.sql:%d left, to build it again", tt.index, line)
			if !l.has(w) {
				t.Errorf("logs %q lack %q", l.lines, w)
			}
			wantCurrent(t, conn, "bbbb01")
			wantProgress(t, conn, 0)
			// USING INDEX renamed it to its constraint's name.
			if noid, valid := indexState(t, conn, tt.schema+".d_t_k"); noid == 0 || noid == oid || !valid {
				t.Errorf("index %s.d_t_k: oid %d (the failed one %d), valid %v; want a new valid index", tt.schema, noid, oid, valid)
			}
		})
	}
}

// blockBuild starts a transaction that has written to public.d_t and stays
// open: a concurrent index build on the table, its invalid index already
// created, waits for it to end.
func blockBuild(t *testing.T, conn *pgx.Conn) pgx.Tx {
	t.Helper()
	tx, err := conn.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(t.Context(), "INSERT INTO public.d_t VALUES (-1)"); err != nil {
		t.Fatal(err)
	}
	return tx
}

// An index build cancelled midway (pg_cancel_backend while it waits for a
// writer) or stopped by its lock_timeout leaves an invalid index that the
// next upgrade, or the next try of the same run, drops and builds again.
func TestInterruptedIndexBuildRebuilt(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"cancel", "lock timeout", "retry"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			conn := newConn(t)
			other := devdbtest.Connect(t, conn.Config().ConnString())
			a := rev("aaaa01")
			a.Up = []Statement{{SQL: "CREATE TABLE public.d_t (k int)"}, {SQL: "INSERT INTO public.d_t SELECT generate_series(1, 1000)"}}
			a.Down = []Statement{{SQL: "DROP TABLE public.d_t"}}
			b := rev("bbbb01 aaaa01")
			b.Up = []Statement{{SQL: "CREATE TABLE public.other (id int)"}, {SQL: "CREATE INDEX CONCURRENTLY d_k ON public.d_t (k)"}}
			b.Down = []Statement{{SQL: "DROP INDEX public.d_k"}, {SQL: "DROP TABLE public.other"}}
			d := memDir(t, a, b)
			line := d.Revision("bbbb01").Up[1].Line
			if _, err := Upgrade(ctx, conn, d, "aaaa01", nil); err != nil {
				t.Fatal(err)
			}
			tx := blockBuild(t, other)
			var l logs
			opts := Options{LockTries: -1, LockTimeout: 300 * time.Millisecond}
			switch how {
			case "cancel":
				opts.LockTimeout = NoLockTimeout
				pid := conn.PgConn().PID()
				cancelled := make(chan error, 1)
				watch := devdbtest.Connect(t, conn.Config().ConnString())
				go func() {
					// Wait until the build waits for the writer, then cancel it.
					for {
						var n int
						err := watch.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock' AND query LIKE '%CONCURRENTLY%'", pid).Scan(&n)
						if err != nil || n > 0 {
							if err == nil {
								_, err = watch.Exec(ctx, "SELECT pg_cancel_backend($1)", pid)
							}
							cancelled <- err
							return
						}
						time.Sleep(20 * time.Millisecond)
					}
				}()
				defer func() {
					if err := <-cancelled; err != nil {
						t.Error(err)
					}
				}()
			case "retry":
				// The first try runs into its lock timeout; the writer ends
				// before the second, which drops the index the first left.
				opts.LockTries = 3
				l.on = func(s string) {
					if strings.HasPrefix(s, "retry 2 of 3") {
						if err := tx.Commit(ctx); err != nil {
							t.Error(err)
						}
					}
				}
			}
			_, err := Upgrade(ctx, conn, d, "head", l.opts(opts))
			if how == "retry" {
				if err != nil {
					t.Fatal(err)
				}
				w := fmt.Sprintf("up bbbb01: dropping the invalid index public.d_k that an earlier try of bbbb01.sql:%d left", line)
				if !l.has(w) {
					t.Errorf("logs %q lack %q", l.lines, w)
				}
				wantCurrent(t, conn, "bbbb01")
				if oid, valid := indexState(t, conn, "public.d_k"); oid == 0 || !valid {
					t.Errorf("index public.d_k: oid %d, valid %v", oid, valid)
				}
				return
			}
			var pe *PartialError
			if !errors.As(err, &pe) || pe.Statement == nil || pe.Statement.Line != line || pe.Committed != 1 || !slices.Equal(pe.Invalid, []string{"public.d_k"}) {
				t.Fatalf("error %v, want a PartialError at bbbb01.sql:%d after 1 committed, naming public.d_k", err, line)
			}
			code := map[string]string{"cancel": "57014", "lock timeout": "55P03"}[how]
			if pgErr := (*pgconn.PgError)(nil); !errors.As(err, &pgErr) || pgErr.Code != code {
				t.Errorf("error %v, want SQLSTATE %s", err, code)
			}
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			oid, _ := indexState(t, conn, "public.d_k")
			if _, err := Upgrade(ctx, conn, d, "head", l.opts(Options{})); err != nil {
				t.Fatal(err)
			}
			w := fmt.Sprintf("up bbbb01: dropping the invalid index public.d_k that an earlier try of bbbb01.sql:%d left", line)
			if !l.has(w) || !l.has(fmt.Sprintf("resuming up bbbb01 at bbbb01.sql:%d", line)) {
				t.Errorf("logs %q lack %q or the resume", l.lines, w)
			}
			wantCurrent(t, conn, "bbbb01")
			if noid, valid := indexState(t, conn, "public.d_k"); noid == 0 || noid == oid || !valid {
				t.Errorf("index public.d_k: oid %d (the failed one %d), valid %v; want a new valid index", noid, oid, valid)
			}
		})
	}
}

// An invalid index of the build's name that the revision did not start
// (no progress row records the build) is refused and left alone.
func TestForeignInvalidIndexRefused(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	conn := newConn(t)
	a, b := dupRevs("public", "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS d_k ON public.d_t (k)")
	d := memDir(t, a, b)
	if _, err := Upgrade(ctx, conn, d, "aaaa01", nil); err != nil {
		t.Fatal(err)
	}
	// Someone's own build, by hand, fails and leaves it.
	if _, err := conn.Exec(ctx, "CREATE UNIQUE INDEX CONCURRENTLY d_k ON public.d_t (k)"); err == nil {
		t.Fatal("the build by hand succeeded on duplicate values")
	}
	if _, err := conn.Exec(ctx, "DELETE FROM public.d_t WHERE k >= 0"); err != nil {
		t.Fatal(err)
	}
	oid, valid := indexState(t, conn, "public.d_k")
	if oid == 0 || valid {
		t.Fatalf("index public.d_k: oid %d, valid %v; want an invalid index", oid, valid)
	}
	var l logs
	_, err := Upgrade(ctx, conn, d, "head", l.opts(Options{}))
	line := d.Revision("bbbb01").Up[0].Line
	var pe *PartialError
	if !errors.As(err, &pe) || pe.Statement == nil || pe.Statement.Line != line {
		t.Fatalf("error %v, want a PartialError at bbbb01.sql:%d", err, line)
	}
	for _, w := range []string{
		fmt.Sprintf("up bbbb01 failed at bbbb01.sql:%d: index public.d_k exists and is invalid", line),
		"and up bbbb01 did not start it",
		"it is left alone",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message %q lacks %q", err, w)
		}
	}
	if l.has("dropping") {
		t.Errorf("logs %q say an index was dropped", l.lines)
	}
	if noid, nvalid := indexState(t, conn, "public.d_k"); noid != oid || nvalid {
		t.Errorf("index public.d_k: oid %d, valid %v; want %d untouched and invalid", noid, nvalid, oid)
	}
	wantCurrent(t, conn, "aaaa01")
	wantProgress(t, conn, 0)
}
