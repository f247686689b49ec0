package migrate

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// A revision outside a transaction that fails midway (a unique index built
// concurrently on duplicate rows) says what stays committed and which
// invalid index it left; once the data is fixed and the index dropped as
// the message says, the next upgrade resumes after the statements that ran.
// A downgrade that fails midway resumes the same way.
func TestNoTransactionRevisionResumes(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	conn := newConn(t)
	a := rev("aaaa01")
	a.Up = []Statement{{SQL: "CREATE TABLE public.d_t (k int)"}, {SQL: "INSERT INTO public.d_t VALUES (1), (1)"}}
	a.Down = []Statement{{SQL: "DROP TABLE public.d_t"}}
	b := rev("bbbb01 aaaa01")
	b.Up = []Statement{
		{SQL: "CREATE TABLE public.other (id int)"},
		{SQL: "CREATE INDEX CONCURRENTLY other_id ON public.other (id)"},
		{SQL: "CREATE UNIQUE INDEX CONCURRENTLY d ON public.d_t (k)"}, // fails on the duplicates
		{SQL: "ALTER TABLE public.d_t ADD CONSTRAINT d_t_k UNIQUE USING INDEX d"},
	}
	b.Down = []Statement{
		{SQL: "ALTER TABLE public.d_t DROP CONSTRAINT d_t_k"},
		{SQL: "DROP INDEX CONCURRENTLY public.other_id"},
		{SQL: "DROP TABLE public.other"}, // fails while a view uses the table
	}
	d := memDir(t, a, b)
	up := d.Revision("bbbb01").Up
	var logs []string
	opts := &Options{Logf: func(f string, args ...any) { logs = append(logs, fmt.Sprintf(f, args...)) }}

	_, err := Upgrade(ctx, conn, d, "head", opts)
	var pe *PartialError
	if !errors.As(err, &pe) || pe.Committed != 2 || pe.Statement == nil || pe.Statement.Line != up[2].Line {
		t.Fatalf("error %v (%+v), want a PartialError at the third statement after 2 committed", err, pe)
	}
	if !slices.Equal(pe.Invalid, []string{"public.d"}) {
		t.Errorf("invalid indexes %v, want public.d", pe.Invalid)
	}
	msg := err.Error()
	for _, w := range []string{
		fmt.Sprintf("up bbbb01 failed at bbbb01.sql:%d: ", up[2].Line),
		"applied before it: aaaa01",
		fmt.Sprintf("bbbb01 runs outside a transaction: 2 of its 4 statements ran and stay committed (bbbb01.sql:%d, %d)", up[0].Line, up[1].Line),
		"the failed statement left the invalid index public.d: drop it with DROP INDEX CONCURRENTLY public.d;",
		fmt.Sprintf("the next upgrade resumes bbbb01 at bbbb01.sql:%d", up[2].Line),
	} {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q lacks %q", msg, w)
		}
	}
	if strings.Contains(msg, "nothing was applied") {
		t.Errorf("message %q says nothing was applied", msg)
	}
	wantCurrent(t, conn, "aaaa01")
	var done int
	var sum string
	if err := conn.QueryRow(ctx, "SELECT done, checksum FROM public.retort_progress WHERE revision = 'bbbb01' AND direction = 'up'").Scan(&done, &sum); err != nil || done != 2 || sum != d.Revision("bbbb01").Checksum {
		t.Errorf("progress row: done %d, checksum %.12s, %v", done, sum, err)
	}

	// An edited file does not resume blindly.
	edited := *b
	edited.Up = append(slices.Clone(b.Up), Statement{SQL: "SELECT 1"})
	_, err = Upgrade(ctx, conn, memDir(t, a, &edited), "head", opts)
	if err == nil || !strings.Contains(err.Error(), "was edited since") ||
		!strings.Contains(err.Error(), "DELETE FROM public.retort_progress WHERE revision = 'bbbb01'") {
		t.Fatalf("resume with an edited file: %v", err)
	}

	// Fix the data, drop the index as the message says, run again.
	drop := regexp.MustCompile(`DROP INDEX CONCURRENTLY [^;]+`).FindString(msg)
	for _, s := range []string{"DELETE FROM public.d_t WHERE ctid <> (SELECT min(ctid) FROM public.d_t)", drop} {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	logs = nil
	steps, err := Upgrade(ctx, conn, d, "head", opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(steps); !slices.Equal(got, []string{"bbbb01"}) {
		t.Errorf("applied %v", got)
	}
	resumed := fmt.Sprintf("resuming up bbbb01 at bbbb01.sql:%d (statement 3 of 4): statements at bbbb01.sql:%d, %d ran in an earlier run", up[2].Line, up[0].Line, up[1].Line)
	if !slices.Contains(logs, resumed) {
		t.Errorf("logs %q lack %q", logs, resumed)
	}
	wantCurrent(t, conn, "bbbb01")
	wantProgress(t, conn, 0)
	var valid bool
	// ADD CONSTRAINT … USING INDEX renamed the index d to its constraint's name.
	if err := conn.QueryRow(ctx, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.d_t_k'::regclass").Scan(&valid); err != nil || !valid {
		t.Errorf("index public.d_t_k valid %v, %v", valid, err)
	}

	// A downgrade that fails midway resumes too.
	if _, err := conn.Exec(ctx, "CREATE VIEW public.v AS SELECT id FROM public.other"); err != nil {
		t.Fatal(err)
	}
	down := d.Revision("bbbb01").Down
	_, err = Downgrade(ctx, conn, d, "-1", opts)
	if !errors.As(err, &pe) || pe.Committed != 2 || pe.Statement == nil || pe.Statement.Line != down[2].Line {
		t.Fatalf("downgrade error %v, want a PartialError at the third statement", err)
	}
	if w := fmt.Sprintf("the next downgrade resumes bbbb01 at bbbb01.sql:%d", down[2].Line); !strings.Contains(err.Error(), w) {
		t.Errorf("message %q lacks %q", err, w)
	}
	wantCurrent(t, conn, "bbbb01")
	wantProgress(t, conn, 1)
	if _, err := conn.Exec(ctx, "DROP VIEW public.v"); err != nil {
		t.Fatal(err)
	}
	if _, err := Downgrade(ctx, conn, d, "-1", opts); err != nil {
		t.Fatal(err)
	}
	wantCurrent(t, conn, "aaaa01")
	wantProgress(t, conn, 0)
	if got := tables(t, conn); slices.Contains(got, "other") {
		t.Errorf("tables after the downgrade: %v", got)
	}
}

// A stamp that changes whether a revision is applied forgets its partial
// progress: the stamp says what is applied.
func TestStampForgetsProgress(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	conn := newConn(t)
	a := tableRev("aaaa01")
	b := rev("bbbb01 aaaa01")
	b.Up = []Statement{
		{SQL: "CREATE TABLE public.x (id int)"},
		{SQL: "CREATE INDEX CONCURRENTLY x_id ON public.x (id)"},
		{SQL: "SELECT 1/0"},
	}
	b.Down = []Statement{{SQL: "DROP TABLE public.x"}}
	d := memDir(t, a, b)
	if _, err := Upgrade(ctx, conn, d, "head", nil); err == nil {
		t.Fatal("division by zero succeeded")
	}
	wantProgress(t, conn, 1)
	// A run that does not resume it says what stays.
	var logs []string
	opts := &Options{Logf: func(f string, args ...any) { logs = append(logs, fmt.Sprintf(f, args...)) }}
	if _, err := Downgrade(ctx, conn, d, "base", opts); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(logs, func(l string) bool {
		return strings.HasPrefix(l, "warning: up bbbb01 was left partly applied by an earlier run (2 statements committed, bbbb01.sql:")
	}) {
		t.Errorf("no warning of the partial bbbb01: %q", logs)
	}
	// Stamping a state that leaves bbbb01 unapplied keeps its progress;
	// stamping it applied forgets it.
	if _, err := Stamp(ctx, conn, d, []string{"aaaa01"}, false, nil); err != nil {
		t.Fatal(err)
	}
	wantProgress(t, conn, 1)
	if _, err := Stamp(ctx, conn, d, []string{"bbbb01"}, false, nil); err != nil {
		t.Fatal(err)
	}
	wantProgress(t, conn, 0)
}

func wantProgress(t *testing.T, conn *pgx.Conn, want int) {
	t.Helper()
	var n int
	if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM public.retort_progress").Scan(&n); err != nil || n != want {
		t.Errorf("progress rows %d, %v; want %d", n, err, want)
	}
}
