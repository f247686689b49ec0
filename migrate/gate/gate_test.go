package gate_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/migrate/gate"
	"github.com/retortdb/retort/migrate/layout"
	"github.com/retortdb/retort/render"
)

func TestMain(m *testing.M) { devdbtest.Main(m) }

func newConn(t *testing.T) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), devdbtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func exec(t *testing.T, conn *pgx.Conn, sql string) {
	t.Helper()
	if _, err := conn.Exec(t.Context(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// native reads native revision files, given by name, from memory.
func native(t *testing.T, files map[string]string) *migrate.Dir {
	t.Helper()
	return readDir(t, files, layout.Native)
}

func readDir(t *testing.T, files map[string]string, l layout.Layout) *migrate.Dir {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	d, err := layout.ReadDir(fsys, ".", l)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// rev writes a native revision: header lines after the id and message.
func rev(id, parent, header, up, down string) string {
	s := "-- retort:revision " + id + "\n"
	if parent != "" {
		s += "-- retort:parents " + parent + "\n"
	}
	return s + "-- retort:message m\n" + header + "\n-- retort:up\n" + up + "\n-- retort:down\n" + down + "\n"
}

// run upgrades (or downgrades) through the gate with opts, and returns the
// gate's refusal, nil when the run went through; any other error fails.
func run(t *testing.T, conn *pgx.Conn, d *migrate.Dir, direction migrate.Direction, target string, opts gate.Options) *gate.RefusedError {
	t.Helper()
	g, err := gate.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	mo := &migrate.Options{Gate: g}
	if direction == migrate.Down {
		_, err = migrate.Downgrade(t.Context(), conn, d, target, mo)
	} else {
		_, err = migrate.Upgrade(t.Context(), conn, d, target, mo)
	}
	var re *gate.RefusedError
	if errors.As(err, &re) {
		return re
	}
	if err != nil {
		t.Fatal(err)
	}
	return nil
}

func current(t *testing.T, conn *pgx.Conn) string {
	t.Helper()
	heads, err := migrate.Current(t.Context(), conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(heads, " ")
}

func hasColumn(t *testing.T, conn *pgx.Conn, table, col string) bool {
	t.Helper()
	var n int
	err := conn.QueryRow(t.Context(), "SELECT count(*) FROM information_schema.columns WHERE table_name = $1 AND column_name = $2", table, col).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n == 1
}

const dropColumn = "ALTER TABLE public.t DROP COLUMN c;"

func TestDropColumn(t *testing.T) {
	t.Parallel()
	files := map[string]string{"a1.sql": rev("a1", "", "", "SELECT 1;", "SELECT 1;"),
		"b2.sql": rev("b2", "a1", "", "CREATE INDEX t_c ON public.t (c);\n"+dropColumn, "ALTER TABLE public.t ADD COLUMN c int;")}
	d := native(t, files)
	for _, tt := range []struct {
		name, setup string
		opts        gate.Options
		refused     bool
	}{
		{"rows", "INSERT INTO t VALUES (1, 1)", gate.Options{}, true},
		{"analyzed rows", "INSERT INTO t VALUES (1, 1); ANALYZE t", gate.Options{}, true},
		{"empty", "", gate.Options{}, false},
		{"emptied", "INSERT INTO t VALUES (1, 1); DELETE FROM t", gate.Options{}, false},
		{"allowed", "INSERT INTO t VALUES (1, 1)", gate.Options{Allow: []string{"data-loss", "index-build"}}, false},
		{"one kind allowed", "INSERT INTO t VALUES (1, 1)", gate.Options{Allow: []string{"data-loss"}}, true},
		{"all allowed", "INSERT INTO t VALUES (1, 1)", gate.Options{Allow: []string{"all"}}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conn := newConn(t)
			exec(t, conn, "CREATE TABLE t (id int, c int)")
			if tt.setup != "" {
				exec(t, conn, tt.setup)
				exec(t, conn, "VACUUM t") // the estimates of an emptied table say so
			}
			re := run(t, conn, d, migrate.Up, "heads", tt.opts)
			if (re != nil) != tt.refused {
				t.Fatalf("refused: %v, want %v", re, tt.refused)
			}
			if re == nil {
				if hasColumn(t, conn, "t", "c") || current(t, conn) != "b2" {
					t.Fatalf("the upgrade did not run: at %q", current(t, conn))
				}
				return
			}
			msg := re.Error()
			if !strings.HasPrefix(msg, "upgrade refused, nothing ran: revision b2 ") ||
				!strings.Contains(msg, "public.t holds rows") || !strings.Contains(msg, "-- retort:allow-hazard KIND") {
				t.Errorf("refusal:\n%s", msg)
			}
			for kind, line := range map[string]string{"index-build": "\nb2.sql:6: index-build (danger): CREATE INDEX on public.t without CONCURRENTLY",
				"data-loss": "\nb2.sql:7: data-loss (danger): dropping public.t.c loses its values"} {
				if want := !slices.Contains(tt.opts.Allow, kind); strings.Contains(msg, line) != want {
					t.Errorf("%s refused: %v, want %v:\n%s", kind, !want, want, msg)
				}
			}
			// Nothing ran, a1 included.
			if !hasColumn(t, conn, "t", "c") || current(t, conn) != "" {
				t.Errorf("after the refusal: column c %v, version %q", hasColumn(t, conn, "t", "c"), current(t, conn))
			}
		})
	}
}

// TestHeaderAcknowledges: the revision's own allow-hazard line lets its
// hazards through, one kind per kind.
func TestHeaderAcknowledges(t *testing.T) {
	t.Parallel()
	conn := newConn(t)
	exec(t, conn, "CREATE TABLE t (id int, c int); INSERT INTO t VALUES (1, 1)")
	d := native(t, map[string]string{"a1.sql": rev("a1", "", "-- retort:allow-hazard table-rewrite\n", dropColumn, "SELECT 1;")})
	if re := run(t, conn, d, migrate.Up, "heads", gate.Options{}); re == nil || len(re.Refusals) != 1 || re.Refusals[0].Kind != "data-loss" {
		t.Fatalf("another kind acknowledged: %v", re)
	}
	d = native(t, map[string]string{"a1.sql": rev("a1", "", "-- retort:allow-hazard table-rewrite, data-loss\n", dropColumn, "SELECT 1;")})
	if re := run(t, conn, d, migrate.Up, "heads", gate.Options{}); re != nil {
		t.Fatal(re)
	}
	if hasColumn(t, conn, "t", "c") {
		t.Error("the acknowledged drop did not run")
	}
	d = native(t, map[string]string{"a1.sql": rev("a1", "", "-- retort:allow-hazard data-los\n", dropColumn, "SELECT 1;")})
	g, _ := gate.New(gate.Options{})
	_, err := migrate.Upgrade(t.Context(), newConn(t), d, "heads", &migrate.Options{Gate: g})
	if err == nil || !strings.Contains(err.Error(), "a1.sql: header: -- retort:allow-hazard data-los: unknown hazard kind") {
		t.Errorf("an unknown kind in the header: %v", err)
	}
}

// TestOtherLayouts: revisions written by hand for other tools are judged
// from their statements.
func TestOtherLayouts(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		l     layout.Layout
		files map[string]string
		want  string
	}{
		{layout.Goose, map[string]string{"00001_index.sql": "-- +goose Up\nCREATE INDEX t_c ON t (c);\n\n-- +goose Down\nDROP INDEX t_c;\n"},
			"00001_index.sql:2: index-build (danger): CREATE INDEX on t without CONCURRENTLY"},
		{layout.GolangMigrate, map[string]string{"1_index.up.sql": "\nCREATE INDEX t_c ON t (c);\n", "1_index.down.sql": "DROP INDEX t_c;\n"},
			"1_index.up.sql:2: index-build (danger): CREATE INDEX on t without CONCURRENTLY"},
	} {
		t.Run(string(tt.l), func(t *testing.T) {
			t.Parallel()
			conn := newConn(t)
			exec(t, conn, "CREATE TABLE t (id int, c int); INSERT INTO t VALUES (1, 1)")
			d := readDir(t, tt.files, tt.l)
			re := run(t, conn, d, migrate.Up, "heads", gate.Options{})
			if re == nil || !strings.Contains(re.Error(), tt.want) {
				t.Fatalf("refusal %v, want %q", re, tt.want)
			}
			if re := run(t, conn, d, migrate.Up, "heads", gate.Options{Allow: []string{"index-build"}}); re != nil {
				t.Fatal(re)
			}
		})
	}
}

// TestDowngrade: a downgrade is gated by the down's statements, not the
// header's hazards (which are the up's).
func TestDowngrade(t *testing.T) {
	t.Parallel()
	conn := newConn(t)
	exec(t, conn, "CREATE TABLE t (id int); INSERT INTO t VALUES (1)")
	d := native(t, map[string]string{"a1.sql": rev("a1", "", "-- retort:hazard table-rewrite (danger): not carried by the down\n",
		"ALTER TABLE public.t ADD COLUMN c int;", "-- hazard: data-loss (danger): drops column public.t.c\n"+dropColumn)})
	if re := run(t, conn, d, migrate.Up, "heads", gate.Options{Allow: []string{"table-rewrite"}}); re != nil {
		t.Fatal(re)
	}
	re := run(t, conn, d, migrate.Down, "base", gate.Options{})
	if re == nil || len(re.Refusals) != 1 || !strings.HasPrefix(re.Error(), "downgrade refused") ||
		re.Refusals[0].String() != "a1.sql:9: data-loss (danger): drops column public.t.c (public.t holds rows)" {
		t.Fatalf("refusal: %v", re)
	}
	if current(t, conn) != "a1" || !hasColumn(t, conn, "t", "c") {
		t.Fatal("the refused downgrade ran")
	}
	if re := run(t, conn, d, migrate.Down, "base", gate.Options{Allow: []string{"data-loss"}}); re != nil {
		t.Fatal(re)
	}
}

// TestHazardLines: the hazard comments and header lines retort writes are
// judged, old ones without a severity by their kind's.
func TestHazardLines(t *testing.T) {
	t.Parallel()
	conn := newConn(t)
	exec(t, conn, "CREATE TABLE t (id int, c int); INSERT INTO t VALUES (1, 1)")
	up := "-- hazard: table-rewrite: rewrites public.t\nALTER TABLE public.t ALTER COLUMN c TYPE text;\n\n" +
		"-- hazard: access-exclusive-lock: brief\nALTER TABLE public.t ALTER COLUMN c SET DEFAULT 'x';\n\n" +
		"-- hazard: data-loss (warning): a warning is not refused\nALTER TABLE public.t ALTER COLUMN c DROP DEFAULT;\n\n" +
		"CREATE TABLE public.n (id int);\n\n-- hazard: data-loss (danger): a table this revision created\nDROP TABLE public.n;"
	header := "-- retort:hazard not-null-no-default: adds public.t.x\n-- retort:hazard table-rewrite: carried by a statement\n-- retort:hazard index-build (warning): a warning\n"
	d := native(t, map[string]string{"a1.sql": rev("a1", "", header, up, "SELECT 1;")})
	re := run(t, conn, d, migrate.Up, "heads", gate.Options{})
	var got []string
	if re != nil {
		for _, r := range re.Refusals {
			got = append(got, r.String())
		}
	}
	want := []string{
		"a1.sql:9: table-rewrite (danger): rewrites public.t (public.t holds rows)",
		"a1.sql: header: not-null-no-default (danger): adds public.t.x",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSizes: a table an earlier step creates is empty unless a statement
// between adds rows; a table renamed earlier in the run is the table under
// its old name; a table whose size cannot be read counts as rows.
func TestSizes(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"a1.sql": rev("a1", "", "", "CREATE TABLE public.n (id int, c int);\nALTER TABLE public.t RENAME TO u;", "SELECT 1;"),
		"b2.sql": rev("b2", "a1", "", "ALTER TABLE public.n DROP COLUMN c;\nALTER TABLE public.u DROP COLUMN c;", "SELECT 1;"),
	}
	conn := newConn(t)
	exec(t, conn, "CREATE TABLE t (id int, c int)")
	d := native(t, files)
	if re := run(t, conn, d, migrate.Up, "heads", gate.Options{}); re != nil {
		t.Fatal(re)
	}

	conn = newConn(t)
	exec(t, conn, "CREATE TABLE t (id int, c int); INSERT INTO t VALUES (1, 1)")
	re := run(t, conn, d, migrate.Up, "heads", gate.Options{})
	if re == nil || len(re.Refusals) != 1 || re.Refusals[0].String() != "b2.sql:7: data-loss (danger): dropping public.u.c loses its values "+
		"and breaks application versions still running that use it (lint drop-column) (public.t holds rows)" {
		t.Fatalf("refusal: %v", re)
	}

	files["a1.sql"] = rev("a1", "", "", "CREATE TABLE public.n (id int, c int);\nINSERT INTO public.n VALUES (1, 1);", "SELECT 1;")
	files["b2.sql"] = rev("b2", "a1", "", "ALTER TABLE public.n DROP COLUMN c;", "SELECT 1;")
	re = run(t, newConn(t), native(t, files), migrate.Up, "heads", gate.Options{})
	if re == nil || !strings.Contains(re.Error(), "cannot tell whether public.n (created earlier in this run, rows may have been added since) holds rows") {
		t.Fatalf("refusal: %v", re)
	}

	// A lock held elsewhere: the exact query gives up after its timeout.
	conn = newConn(t)
	exec(t, conn, "CREATE TABLE t (id int, c int)")
	other, err := pgx.Connect(t.Context(), conn.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(context.Background())
	tx, err := other.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(t.Context(), "LOCK TABLE t IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	d = native(t, map[string]string{"a1.sql": rev("a1", "", "", dropColumn, "SELECT 1;")})
	re = run(t, conn, d, migrate.Up, "heads", gate.Options{})
	if re == nil || !strings.Contains(re.Error(), "cannot tell whether public.t holds rows") {
		t.Fatalf("refusal: %v", re)
	}
}

const backfill = `-- retort:backfill
-- retort:no-transaction
-- TODO: review this backfill of public.t.c, then delete this line.
DO $retort$
BEGIN
  UPDATE public.t SET c = NULL -- TODO: the value
  WHERE c IS NULL;
END $retort$;`

// TestBackfill: a backfill block still marked TODO is refused whatever is
// allowed; completed, it runs.
func TestBackfill(t *testing.T) {
	t.Parallel()
	conn := newConn(t)
	exec(t, conn, "CREATE TABLE t (id int, c int); INSERT INTO t VALUES (1, NULL)")
	for _, up := range []string{backfill, strings.Replace(backfill, "-- TODO: review this backfill of public.t.c, then delete this line.\n", "", 1)} {
		d := native(t, map[string]string{"a1.sql": rev("a1", "", "-- retort:allow-hazard data-loss\n", up, "SELECT 1;")})
		re := run(t, conn, d, migrate.Up, "heads", gate.Options{Allow: []string{"all"}})
		if re == nil || len(re.Refusals) != 1 || !strings.HasSuffix(re.Refusals[0].String(), ": incomplete backfill: complete the backfill block and delete its TODO comments") ||
			!strings.Contains(re.Error(), "nothing allows an incomplete backfill") || strings.Contains(re.Error(), "--allow-hazards") {
			t.Fatalf("refusal: %v", re)
		}
	}
	done := strings.NewReplacer("-- TODO: review this backfill of public.t.c, then delete this line.\n", "", "NULL -- TODO: the value", "7").Replace(backfill)
	d := native(t, map[string]string{"a1.sql": rev("a1", "", "", done, "SELECT 1;")})
	if re := run(t, conn, d, migrate.Up, "heads", gate.Options{}); re != nil {
		t.Fatal(re)
	}
	var c int
	if err := conn.QueryRow(t.Context(), "SELECT c FROM t").Scan(&c); err != nil || c != 7 {
		t.Fatalf("backfill: %d, %v", c, err)
	}
}

func TestParseAllow(t *testing.T) {
	if got, err := gate.ParseAllow(" data-loss,index-build ,,all"); err != nil || strings.Join(got, " ") != "data-loss index-build all" {
		t.Errorf("ParseAllow: %q, %v", got, err)
	}
	if _, err := gate.ParseAllow("data-loss,rewrite"); err == nil || !strings.Contains(err.Error(), `unknown hazard kind "rewrite"`) {
		t.Errorf("ParseAllow: %v", err)
	}
	if _, err := gate.New(gate.Options{Allow: []string{"nope"}}); err == nil {
		t.Error("New accepted an unknown kind")
	}
}

// TestBackfillOtherLayouts: a goose file does not keep the
// "-- retort:backfill" directive, so the gate knows an incomplete backfill
// by the TODO comments of retort's template (regression: a goose revision
// ran its template with NULL and failed halfway, at the NOT NULL step).
func TestBackfillOtherLayouts(t *testing.T) {
	t.Parallel()
	conn := newConn(t)
	exec(t, conn, "CREATE TABLE t (id bigint PRIMARY KEY, c int); INSERT INTO t VALUES (1, NULL)")
	template := "-- +goose NO TRANSACTION\n-- +goose Up\n-- +goose StatementBegin\n" +
		render.BackfillReviewMark + "public.t.c: put the value for the rows that\n" +
		"-- public.t has in place of the NULL marked TODO, then delete both TODO comments.\n" +
		"UPDATE public.t SET c =\n    NULL " + render.BackfillValueMark + "c\nWHERE c IS NULL;\n-- +goose StatementEnd\n\n-- +goose Down\nSELECT 1;\n"
	for name, text := range map[string]string{
		"both marks":       template,
		"the value's mark": strings.Replace(template, render.BackfillReviewMark+"public.t.c: put the value for the rows that\n", "", 1),
	} {
		d := readDir(t, map[string]string{"00001_fill.sql": text}, layout.Goose)
		re := run(t, conn, d, migrate.Up, "heads", gate.Options{Allow: []string{"all"}})
		if re == nil || !regexp.MustCompile(`00001_fill.sql:[56]: incomplete backfill`).MatchString(re.Error()) {
			t.Fatalf("%s: refusal %v", name, re)
		}
	}
}

// TestOtherLayoutsAcknowledge: a goose file's header acknowledges its
// hazard as a native revision's does.
func TestOtherLayoutsAcknowledge(t *testing.T) {
	t.Parallel()
	conn := newConn(t)
	exec(t, conn, "CREATE TABLE t (id int, c int); INSERT INTO t VALUES (1, 1)")
	d := readDir(t, map[string]string{"00001_index.sql": "-- retort:allow-hazard index-build\n\n-- +goose Up\nCREATE INDEX t_c ON t (c);\n\n-- +goose Down\nDROP INDEX t_c;\n"}, layout.Goose)
	if re := run(t, conn, d, migrate.Up, "heads", gate.Options{}); re != nil {
		t.Fatal(re)
	}
}
