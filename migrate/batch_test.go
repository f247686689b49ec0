package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
)

// countedConn connects to a new database through a connection that counts
// its writes.
func countedConn(t *testing.T) (*pgx.Conn, *atomic.Int64) {
	t.Helper()
	cfg, err := pgx.ParseConfig(devdbtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	writes := new(atomic.Int64)
	cfg.DialFunc = devdbtest.CountWrites(cfg.DialFunc, writes)
	conn, err := pgx.ConnectConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn, writes
}

// The statements of a transaction go to the server in one round trip: a
// revision of 200 statements costs as many round trips as one of 10.
func TestBatchRoundTrips(t *testing.T) {
	t.Parallel()
	trips := func(n int) int64 {
		conn, writes := countedConn(t)
		r := rev("aaaa01")
		for i := range n {
			r.Up = append(r.Up, Statement{SQL: fmt.Sprintf("CREATE TABLE public.t%d (id int)", i)})
		}
		r.Down = []Statement{{SQL: "SELECT 1"}}
		d := memDir(t, r)
		before := writes.Load()
		if _, err := Upgrade(t.Context(), conn, d, "head", nil); err != nil {
			t.Fatal(err)
		}
		if got := tables(t, conn); len(got) != n+3 {
			t.Fatalf("%d tables after the upgrade, want %d", len(got), n+3)
		}
		return writes.Load() - before
	}
	small, large := trips(10), trips(200)
	if large-small > 2 {
		t.Errorf("upgrade of 10 statements took %d round trips, of 200 statements %d: want as many", small, large)
	}
}

// A statement that fails in a batch is named as if it had run alone: its
// file and line, the statements before it, and the error's position within
// it.
func TestBatchFailure(t *testing.T) {
	t.Parallel()
	ok := []Statement{
		{SQL: "CREATE TABLE public.a (id int)"},
		{SQL: "-- a comment before, ü\nCREATE TABLE public.b (id int) -- and after, ü"},
		{SQL: "SELECT pg_catalog.generate_series(1, 3)"}, // returns rows
		{SQL: "INSERT INTO public.a VALUES (1), (2)"},
	}
	for _, tt := range []struct {
		name string
		at   int    // where the failing statement goes
		bad  string // the failing statement
	}{
		{"first", 0, "CREATE TABLE public.a (id nosuchtype)"},
		{"middle", 2, "SELECT nosuchcolumn FROM public.a"},
		{"after rows", 3, "CREATE TABLE public.a (id int)"},
		{"last", 4, "INSERT INTO public.a VALUES ('x')"},
		{"syntax", 3, "CREATE TABLE public.ü (id int,)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conn := newConn(t)
			r := rev("aaaa01")
			r.Up = slices.Insert(slices.Clone(ok), tt.at, Statement{SQL: tt.bad})
			r.Down = []Statement{{SQL: "SELECT 1"}}
			d := memDir(t, r)
			var logged []string
			opts := &Options{Debugf: func(f string, a ...any) { logged = append(logged, fmt.Sprintf(f, a...)) }}
			_, err := Upgrade(t.Context(), conn, d, "head", opts)
			var pe *PartialError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want a PartialError", err)
			}
			line := d.Revision("aaaa01").Up[tt.at].Line
			if pe.Statement == nil || pe.Statement.Line != line {
				t.Errorf("failing statement %+v, want the one at line %d", pe.Statement, line)
			}
			if want := fmt.Sprintf("up aaaa01 failed at aaaa01.sql:%d: ", line); !strings.Contains(err.Error(), want) {
				t.Errorf("message %q lacks %q", err, want)
			}
			// The statements before it ran, each logged once; after a
			// syntax error, none ran.
			ran := tt.at
			if tt.name == "syntax" {
				ran = 0
			}
			if n := len(logged) - 1; n != ran {
				t.Errorf("%d statements logged as run, want %d: %q", n, ran, logged)
			}
			wantCurrent(t, conn)
			if got := tables(t, conn); slices.Contains(got, "a") || slices.Contains(got, "b") {
				t.Errorf("tables of the failed revision exist: %v", got)
			}
			// Run by itself after the same statements, the statement fails
			// with the same error at the same position.
			tx, err2 := conn.Begin(t.Context())
			if err2 != nil {
				t.Fatal(err2)
			}
			defer tx.Rollback(t.Context())
			for _, s := range r.Up[:tt.at] {
				if _, err := tx.Exec(t.Context(), s.SQL); err != nil {
					t.Fatal(err)
				}
			}
			_, alone := tx.Exec(t.Context(), tt.bad)
			var got, want *pgconn.PgError
			if !errors.As(err, &got) || !errors.As(alone, &want) {
				t.Fatalf("errors %v and %v, want PostgreSQL's", err, alone)
			}
			if got.Code != want.Code || got.Message != want.Message || got.Position != want.Position {
				t.Errorf("error %s %q at %d, want %s %q at %d", got.Code, got.Message, got.Position, want.Code, want.Message, want.Position)
			}
		})
	}
}

// When the server reads a batch as more statements than retort split it
// into (a statement written with a semicolon inside), the transaction is
// rolled back and run again one statement at a time, as before batching.
func TestBatchSplitDifferently(t *testing.T) {
	t.Parallel()
	conn := newConn(t)
	r := rev("aaaa01")
	r.Up = []Statement{
		{SQL: "CREATE TABLE public.a (id int); CREATE TABLE public.b (id int)"},
		{SQL: "CREATE TABLE public.c (id int)"},
	}
	r.Down = []Statement{{SQL: "SELECT 1"}}
	// Format would write it as two statements: build the Dir by hand.
	r.Filename = "aaaa01.sql"
	d, err := NewDir([]*Revision{r})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Upgrade(t.Context(), conn, d, "head", nil); err != nil {
		t.Fatal(err)
	}
	wantCurrent(t, conn, "aaaa01")
	if got := tables(t, conn); !slices.Equal(got, []string{"a", "b", "c", "retort_history", "retort_progress", "retort_version"}) {
		t.Errorf("tables %v", got)
	}
}

// The version-table update in a batch must still change exactly one row.
func TestBatchVersionRowCount(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	conn := newConn(t)
	d := memDir(t, tableRev("aaaa01"), tableRev("bbbb01 aaaa01"))
	if _, err := Upgrade(ctx, conn, d, "aaaa01", nil); err != nil {
		t.Fatal(err)
	}
	// Something that swallows the update of the version table.
	if _, err := conn.Exec(ctx, `CREATE FUNCTION public.skip() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;
CREATE TRIGGER skip BEFORE UPDATE ON public.retort_version FOR EACH ROW EXECUTE FUNCTION public.skip()`); err != nil {
		t.Fatal(err)
	}
	_, err := Upgrade(ctx, conn, d, "head", nil)
	if err == nil || !strings.Contains(err.Error(), "changed 0 rows, want 1") {
		t.Fatalf("error %v, want the version table update's row count", err)
	}
	wantCurrent(t, conn, "aaaa01")
	if got := tables(t, conn); slices.Contains(got, "t_bbbb01") {
		t.Errorf("the failed revision's table exists: %v", got)
	}
}

// Options.Progress hears after each batch or statement how many of the
// step's statements have run, up to all of them.
func TestProgressHook(t *testing.T) {
	t.Parallel()
	conn := newConn(t)
	a := rev("aaaa01")
	a.Up = []Statement{
		{SQL: "CREATE TABLE public.a (id int)"},
		{SQL: "INSERT INTO public.a VALUES (1)"},
		{SQL: "SELECT pg_catalog.pg_sleep(0)", StatementTimeout: 5 * time.Second}, // runs alone
		{SQL: "INSERT INTO public.a VALUES (2)"},
	}
	a.Down = []Statement{{SQL: "DROP TABLE public.a"}}
	b := rev("bbbb01 aaaa01")
	b.Up = []Statement{
		{SQL: "CREATE TABLE public.b (id int)"},
		{SQL: "CREATE INDEX CONCURRENTLY b_id ON public.b (id)"},
		{SQL: "INSERT INTO public.b VALUES (1)"},
		{SQL: "INSERT INTO public.b VALUES (2)"},
	}
	b.Down = []Statement{{SQL: "DROP TABLE public.b"}}
	d := memDir(t, a, b)
	calls := map[string][][2]int{}
	opts := &Options{Progress: func(s Step, done, total int) {
		calls[s.Revision.ID] = append(calls[s.Revision.ID], [2]int{done, total})
	}}
	if _, err := Upgrade(t.Context(), conn, d, "head", opts); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"aaaa01", "bbbb01"} {
		c := calls[id]
		if len(c) < 2 {
			t.Errorf("%s: progress %v, want a call per batch or statement", id, c)
			continue
		}
		for i, x := range c {
			if x[1] != 4 || x[0] < 1 || x[0] > 4 || (i > 0 && x[0] <= c[i-1][0]) {
				t.Errorf("%s: progress %v, want increasing counts of 4", id, c)
				break
			}
		}
		if last := c[len(c)-1]; last[0] != 4 {
			t.Errorf("%s: progress ends at %v, want 4 of 4", id, last)
		}
	}
	// Statement by statement outside a transaction: 1, 2, then the last
	// two in one batch.
	if got := calls["bbbb01"]; !slices.Equal(got, [][2]int{{1, 4}, {2, 4}, {4, 4}}) {
		t.Errorf("bbbb01: progress %v, want [1 4] [2 4] [4 4]", got)
	}
}

// Options.StatementTimeout bounds each statement of a batch, as it bounds
// each statement run by itself, not the batch as a whole.
func TestBatchStatementTimeout(t *testing.T) {
	t.Parallel()
	conn := newConn(t)
	r := rev("aaaa01")
	for range 4 {
		r.Up = append(r.Up, Statement{SQL: "SELECT pg_catalog.pg_sleep(0.2)"})
	}
	r.Down = []Statement{{SQL: "SELECT 1"}}
	d := memDir(t, r)
	if _, err := Upgrade(t.Context(), conn, d, "head", &Options{StatementTimeout: 500 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	wantCurrent(t, conn, "aaaa01")
}
