package migrate

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
)

func newConn(t *testing.T) *pgx.Conn {
	t.Helper()
	return devdbtest.Connect(t, devdbtest.NewDatabase(t))
}

func linearDir(t *testing.T) *Dir {
	t.Helper()
	d, err := ReadDir(os.DirFS("testdata"), "linear")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// memDir builds a Dir from revisions written to an in-memory file system,
// so that files, checksums and file names are real.
func memDir(t *testing.T, revs ...*Revision) *Dir {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, r := range revs {
		fsys[r.ID+".sql"] = &fstest.MapFile{Data: Format(r)}
	}
	d, err := ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// tableRev makes a revision that creates the table named by its id.
func tableRev(spec string) *Revision {
	r := rev(spec)
	r.Up = []Statement{{SQL: "CREATE TABLE public.t_" + r.ID + " (id int)"}}
	r.Down = []Statement{{SQL: "DROP TABLE public.t_" + r.ID}}
	return r
}

func currentOf(t *testing.T, conn *pgx.Conn, opts *Options) []string {
	t.Helper()
	cur, err := Current(t.Context(), conn, opts)
	if err != nil {
		t.Fatal(err)
	}
	return cur
}

func wantCurrent(t *testing.T, conn *pgx.Conn, want ...string) {
	t.Helper()
	if got := currentOf(t, conn, nil); !slices.Equal(got, want) {
		t.Fatalf("current %v, want %v", got, want)
	}
}

func tables(t *testing.T, conn *pgx.Conn) []string {
	t.Helper()
	rows, err := conn.Query(t.Context(), "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestUpgradeDowngradeLinear(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	conn := newConn(t)
	d := linearDir(t)
	wantCurrent(t, conn) // no version table yet
	if pending, err := Pending(ctx, conn, d, nil); err != nil || len(pending) != 3 {
		t.Fatalf("pending on an empty database: %v, %v", pending, err)
	}
	if got := tables(t, conn); len(got) != 0 {
		t.Fatalf("Pending created tables: %v", got)
	}

	steps, err := Upgrade(ctx, conn, d, "head", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(steps); !slices.Equal(got, []string{"1a2b3c4d5e6f", "7c8d9e0f1a2b", "3f2a9c1b7d4e"}) {
		t.Errorf("applied %v", got)
	}
	wantCurrent(t, conn, "3f2a9c1b7d4e")
	var n int
	var active bool
	if err := conn.QueryRow(ctx, "SELECT public.user_count(), public.is_active('active')").Scan(&n, &active); err != nil || n != 1 || !active {
		t.Errorf("user_count, is_active = %d, %v, %v", n, active, err)
	}
	var sum string
	if err := conn.QueryRow(ctx, "SELECT checksum FROM public.retort_history WHERE revision = '7c8d9e0f1a2b' AND direction = 'up'").Scan(&sum); err != nil || sum != d.Revision("7c8d9e0f1a2b").Checksum {
		t.Errorf("history checksum %q, %v", sum, err)
	}
	if steps, err := Upgrade(ctx, conn, d, "head", nil); err != nil || len(steps) != 0 {
		t.Errorf("second upgrade: %v, %v", steps, err)
	}
	if pending, err := Pending(ctx, conn, d, nil); err != nil || len(pending) != 0 {
		t.Errorf("pending at head: %v, %v", pending, err)
	}

	if _, err := Downgrade(ctx, conn, d, "-1", nil); err != nil {
		t.Fatal(err)
	}
	wantCurrent(t, conn, "7c8d9e0f1a2b")
	if _, err := Downgrade(ctx, conn, d, "base", nil); err != nil {
		t.Fatal(err)
	}
	wantCurrent(t, conn)
	if got := tables(t, conn); !slices.Equal(got, []string{"retort_history", "retort_progress", "retort_version"}) {
		t.Errorf("tables after downgrade base: %v", got)
	}
	if _, err := Upgrade(ctx, conn, d, "+2", nil); err != nil {
		t.Fatal(err)
	}
	wantCurrent(t, conn, "7c8d9e0f1a2b")
	var hist int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM public.retort_history").Scan(&hist); err != nil || hist != 3+3+2 {
		t.Errorf("history rows %d, %v; want 8", hist, err)
	}
}

func TestBranchesAndMerges(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	conn := newConn(t)
	d := memDir(t,
		tableRev("aaaa01"), tableRev("bbbb01 aaaa01 @bee"), tableRev("bbbb02 bbbb01"),
		tableRev("dddd01 aaaa01 @dee"), tableRev("mmmm01 bbbb02 dddd01"), tableRev("cccc01 mmmm01"),
		tableRev("eeee01 @other"), tableRev("eeee02 eeee01 >bbbb01"))
	type op struct {
		dir    Direction
		target string
		want   []string
	}
	for _, o := range []op{
		{Up, "bbbb01", []string{"bbbb01"}},
		{Up, "dddd01", []string{"bbbb01", "dddd01"}},
		{Up, "bbbb02", []string{"bbbb02", "dddd01"}},
		{Up, "eeee01", []string{"bbbb02", "dddd01", "eeee01"}},
		{Up, "mmmm01", []string{"eeee01", "mmmm01"}},
		{Up, "heads", []string{"cccc01", "eeee02"}},
		{Down, "bbbb02", []string{"bbbb02", "dddd01", "eeee02"}},
		{Down, "aaaa01", []string{"aaaa01", "eeee01"}},
		{Up, "dee@head", []string{"cccc01", "eeee01"}},
		{Down, "base", nil},
	} {
		cur := currentOf(t, conn, nil)
		var err error
		if o.dir == Up {
			_, err = Upgrade(ctx, conn, d, o.target, nil)
		} else {
			_, err = Downgrade(ctx, conn, d, o.target, nil)
		}
		if err != nil {
			t.Fatalf("%s %s: %v", o.dir, o.target, err)
		}
		got := currentOf(t, conn, nil)
		if !slices.Equal(got, o.want) {
			t.Fatalf("%s %s from %v: version table %v, want %v", o.dir, o.target, cur, got, o.want)
		}
		// Every applied revision's table exists, and no other.
		var want []string
		for id := range d.ancestors(got) {
			want = append(want, "t_"+id)
		}
		want = append(want, "retort_history", "retort_progress", "retort_version")
		slices.Sort(want)
		if tbls := tables(t, conn); !slices.Equal(tbls, want) {
			t.Fatalf("%s %s: tables %v, want %v", o.dir, o.target, tbls, want)
		}
	}
}

func TestFailureRollsBackRevision(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	conn := newConn(t)
	bad := tableRev("cccc01 bbbb01")
	bad.Up = append(bad.Up, Statement{SQL: "INSERT INTO public.t_cccc01 VALUES ('not a number')"})
	d := memDir(t, tableRev("aaaa01"), tableRev("bbbb01 aaaa01"), bad, tableRev("dddd01 cccc01"))
	steps, err := Upgrade(ctx, conn, d, "head", nil)
	var pe *PartialError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v, want a PartialError", err)
	}
	if got := ids(pe.Applied); !slices.Equal(got, []string{"aaaa01", "bbbb01"}) || !slices.Equal(ids(steps), got) {
		t.Errorf("applied %v (returned %v)", got, ids(steps))
	}
	if pe.Failed.Revision.ID != "cccc01" || pe.Statement == nil || !strings.Contains(pe.Statement.SQL, "not a number") || pe.Committed != 0 {
		t.Errorf("failed %v at %+v, committed %d", pe.Failed, pe.Statement, pe.Committed)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "22P02" {
		t.Errorf("cause %v, want invalid_text_representation", err)
	}
	msg := err.Error()
	for _, w := range []string{"up cccc01 failed at cccc01.sql:", "applied before it: aaaa01, bbbb01"} {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q lacks %q", msg, w)
		}
	}
	wantCurrent(t, conn, "bbbb01")
	if got := tables(t, conn); slices.Contains(got, "t_cccc01") {
		t.Errorf("t_cccc01 survived the rollback: %v", got)
	}
}

func TestNonTransactionalRevision(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	conn := newConn(t)
	a := tableRev("aaaa01")
	b := rev("bbbb01 aaaa01")
	b.Up = []Statement{
		{SQL: "CREATE TYPE public.mood AS ENUM ('ok')"},
		{SQL: "ALTER TYPE public.mood ADD VALUE 'sad'"},
		{SQL: "CREATE TABLE public.m (m public.mood DEFAULT 'sad')"},
		{SQL: "CREATE INDEX CONCURRENTLY m_m ON public.m (m)"},
		{SQL: "INSERT INTO public.m VALUES ('happy')"}, // fails
	}
	b.Down = []Statement{{SQL: "DROP TABLE public.m"}, {SQL: "DROP TYPE public.mood"}}
	var logs []string
	opts := &Options{Logf: func(f string, args ...any) { logs = append(logs, f) }}
	_, err := Upgrade(ctx, conn, memDir(t, a, b), "head", opts)
	var pe *PartialError
	if !errors.As(err, &pe) || pe.Committed != 4 || pe.Statement == nil || !strings.Contains(pe.Statement.SQL, "happy") {
		t.Fatalf("error %v (%+v), want a PartialError after 4 committed statements", err, pe)
	}
	if !strings.Contains(err.Error(), "bbbb01 runs outside a transaction: 4 of its 5 statements ran and stay committed") {
		t.Errorf("message %q", err)
	}
	if !slices.ContainsFunc(logs, func(s string) bool { return strings.Contains(s, "outside a transaction") }) {
		t.Errorf("no warning logged: %q", logs)
	}
	wantCurrent(t, conn, "aaaa01")
	b.Up = b.Up[:4]
	_, err = Upgrade(ctx, conn, memDir(t, a, b), "head", nil)
	if err == nil || !strings.Contains(err.Error(), "was edited since") {
		t.Fatalf("resuming a half-applied revision from an edited file: %v", err)
	}
	// Repair by hand as the message says, then the fixed revision applies.
	if _, err := conn.Exec(ctx, "DROP TABLE public.m; DROP TYPE public.mood; DELETE FROM public.retort_progress WHERE revision = 'bbbb01'"); err != nil {
		t.Fatal(err)
	}
	if _, err := Upgrade(ctx, conn, memDir(t, a, b), "head", nil); err != nil {
		t.Fatal(err)
	}
	wantCurrent(t, conn, "bbbb01")
	if _, err := Downgrade(ctx, conn, memDir(t, a, b), "base", nil); err != nil {
		t.Fatal(err)
	}
	wantCurrent(t, conn)
}
