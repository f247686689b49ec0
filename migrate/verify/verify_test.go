package verify_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/migrate/verify"
)

func TestMain(m *testing.M) { devdbtest.Main(m) }

// revision is one revision file of a test directory, first parent first.
type revision struct{ id, up, down string }

// dirOf writes revs, each the child of the one before, as native files.
func dirOf(t *testing.T, revs ...revision) *migrate.Dir {
	t.Helper()
	fsys := fstest.MapFS{}
	parent := []string(nil)
	for _, r := range revs {
		rev := &migrate.Revision{ID: r.id, Parents: parent, Message: "rev " + r.id,
			Up: []migrate.Statement{{SQL: r.up}}, Down: []migrate.Statement{{SQL: r.down}}}
		fsys[r.id+".sql"] = &fstest.MapFile{Data: migrate.Format(rev)}
		parent = []string{r.id}
	}
	d, err := migrate.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newConn(t *testing.T) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), devdbtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

var (
	createA = revision{"aaaa00000001", "CREATE TABLE public.a (id int)", "DROP TABLE public.a"}
	createB = revision{"bbbb00000002", "CREATE TABLE public.b (id int)", "DROP TABLE public.b"}
	// keepsC's down leaves the column it adds.
	keepsC = revision{"cccc00000003", "ALTER TABLE public.a ADD COLUMN c text", "SELECT 1"}
	// failsUp's up fails after createA.
	failsUp = revision{"dddd00000004", "ALTER TABLE public.missing ADD COLUMN x int", "SELECT 1"}
	// failsDown's down fails.
	failsDown = revision{"eeee00000005", "CREATE TABLE public.e (id int)", "DROP TABLE public.nothing"}
)

// TestRun verifies directories whose downs undo their ups, and ones where
// a revision's down falls short or a step fails: the error names the
// first such revision and the step, and the revisions before it were
// reported ok.
func TestRun(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		revs    []revision
		wantOK  []string
		wantRev string
		step    verify.Step
		msg     string
	}{
		{name: "undone", revs: []revision{createA, createB}, wantOK: []string{createA.id, createB.id}},
		{name: "empty", revs: nil},
		{name: "down leaves a column", revs: []revision{createA, keepsC, createB}, wantOK: []string{createA.id},
			wantRev: keepsC.id, step: verify.StepRestore,
			msg: "revision cccc00000003 (cccc00000003.sql): down does not restore the state before up: drop column public.a.c"},
		{name: "up fails", revs: []revision{createA, failsUp}, wantOK: []string{createA.id},
			wantRev: failsUp.id, step: verify.StepUp, msg: "verify dddd00000004: up: "},
		{name: "down fails", revs: []revision{createA, failsDown}, wantOK: []string{createA.id},
			wantRev: failsDown.id, step: verify.StepDown, msg: "verify eeee00000005: down: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			conn := newConn(t)
			var ok []string
			err := verify.Run(t.Context(), conn, dirOf(t, tc.revs...), verify.Options{
				OK: func(r *migrate.Revision) { ok = append(ok, r.ID) },
			})
			if strings.Join(ok, ",") != strings.Join(tc.wantOK, ",") {
				t.Errorf("ok %v, want %v", ok, tc.wantOK)
			}
			if tc.wantRev == "" {
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				return
			}
			var re *verify.RevisionError
			if !errors.As(err, &re) {
				t.Fatalf("Run: %v (%T), want a *RevisionError", err, err)
			}
			if re.Revision.ID != tc.wantRev || re.Step != tc.step {
				t.Errorf("failed at %s %s, want %s %s", re.Revision.ID, re.Step, tc.wantRev, tc.step)
			}
			if !strings.HasPrefix(err.Error(), tc.msg) {
				t.Errorf("error %q, want it to start %q", err, tc.msg)
			}
			if tc.step == verify.StepRestore && len(re.Changes) == 0 {
				t.Errorf("restore failure without changes")
			}
		})
	}
}

// TestRunLeavesHead checks that Run leaves the database at the heads, and
// that Inspect reads it without the runner's own tables.
func TestRunLeavesHead(t *testing.T) {
	t.Parallel()
	conn := newConn(t)
	opts := verify.Options{Migrate: migrate.Options{VersionTable: "my_versions"}}
	if err := verify.Run(t.Context(), conn, dirOf(t, createA, createB), opts); err != nil {
		t.Fatal(err)
	}
	cur, err := migrate.Current(t.Context(), conn, &opts.Migrate)
	if err != nil {
		t.Fatal(err)
	}
	if len(cur) != 1 || cur[0] != createB.id {
		t.Errorf("current %v, want [%s]", cur, createB.id)
	}
	head, err := verify.Inspect(t.Context(), conn, opts)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tb := range head.Tables {
		names = append(names, tb.QName.String())
	}
	if got := strings.Join(names, ","); got != "public.a,public.b" {
		t.Errorf("head tables %s, want public.a,public.b", got)
	}
}

// TestRunInspectFails: an inspection that fails names the revision and the
// step, and wraps the cause.
func TestRunInspectFails(t *testing.T) {
	t.Parallel()
	conn := newConn(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := verify.Run(ctx, conn, dirOf(t, createA), verify.Options{})
	var re *verify.RevisionError
	if !errors.As(err, &re) || re.Step != verify.StepInspect || re.Revision.ID != createA.id {
		t.Fatalf("Run: %v, want a *RevisionError at %s inspect", err, createA.id)
	}
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "verify "+createA.id+": inspect: ") {
		t.Errorf("error %q does not name the step or wrap the cause", err)
	}
}
