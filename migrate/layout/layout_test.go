package layout

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/retortdb/retort/migrate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// createItems is a first revision: transactional, no hazards.
func createItems() *migrate.Revision {
	return &migrate.Revision{
		ID:      "aaaa00000001",
		Message: "create items",
		Created: time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC),
		Up: []migrate.Statement{
			{SQL: "CREATE TABLE public.items (\n    id bigint PRIMARY KEY,\n    name text NOT NULL,\n    legacy text\n)"},
			{SQL: "COMMENT ON TABLE public.items IS 'things; for sale'"},
		},
		Down: []migrate.Statement{
			{SQL: "DROP TABLE public.items"},
		},
	}
}

// addSearch is what the golden files show for every layout: a
// dollar-quoted function, a DO block, a statement with timeouts and a
// hazard, and CREATE INDEX CONCURRENTLY, which cannot run in a transaction.
func addSearch() *migrate.Revision {
	return &migrate.Revision{
		ID:      "bbbb00000002",
		Parents: []string{"aaaa00000001"},
		Message: "add items search",
		Created: time.Date(2026, 11, 27, 8, 30, 0, 0, time.UTC),
		Hazards: []string{
			"data-loss (danger): drops column public.items.legacy",
			"non-transactional (info): CREATE INDEX CONCURRENTLY runs outside a transaction block",
		},
		Up: []migrate.Statement{
			{SQL: "-- Function bodies are checked when they run.\nSET check_function_bodies = false"},
			{SQL: "CREATE FUNCTION public.items_touch() RETURNS trigger\n    LANGUAGE plpgsql\n    AS $$\nBEGIN\n  NEW.name := btrim(NEW.name);\n  RETURN NEW;\nEND;\n$$"},
			{SQL: "-- hazard: data-loss (danger): drops column public.items.legacy\nALTER TABLE public.items DROP COLUMN legacy", StatementTimeout: time.Minute, LockTimeout: 5 * time.Second},
			{SQL: "DO $$\nBEGIN\n  PERFORM public.items_touch_check();\nEND\n$$"},
			{SQL: "-- hazard: non-transactional (info): CREATE INDEX CONCURRENTLY runs outside a transaction block\nCREATE INDEX CONCURRENTLY items_name ON public.items (name)", NoTransaction: true},
		},
		Down: []migrate.Statement{
			{SQL: "DROP INDEX CONCURRENTLY public.items_name", NoTransaction: true},
			{SQL: "ALTER TABLE public.items ADD COLUMN legacy text", LockTimeout: 1500 * time.Millisecond},
			{SQL: "DROP FUNCTION public.items_touch() -- the trigger function"},
		},
	}
}

func TestParse(t *testing.T) {
	for _, l := range All {
		got, err := Parse(string(l))
		if err != nil || got != l {
			t.Errorf("Parse(%q) = %q, %v", l, got, err)
		}
	}
	if got, err := Parse(""); err != nil || got != Native {
		t.Errorf(`Parse("") = %q, %v; want native`, got, err)
	}
	_, err := Parse("liquibase")
	if err == nil || !strings.Contains(err.Error(), "native, goose, golang-migrate, dbmate, flyway or atlas") {
		t.Errorf("Parse(liquibase) error = %v; want one listing the layouts", err)
	}
}

// writeBoth writes createItems then addSearch in layout l into a new
// directory, and returns it, the paths written and the warnings.
func writeBoth(t *testing.T, l Layout) (dir string, paths []string, warnings []string) {
	t.Helper()
	dir = t.TempDir()
	opts := Options{Warnf: func(format string, args ...any) { warnings = append(warnings, fmt.Sprintf(format, args...)) }}
	for _, rev := range []*migrate.Revision{createItems(), addSearch()} {
		p, err := Write(dir, l, rev, opts)
		if err != nil {
			t.Fatalf("Write %s %s: %v", l, rev.Message, err)
		}
		paths = append(paths, p...)
	}
	return dir, paths, warnings
}

// TestGolden renders the two revisions in every layout and compares every
// file of the directory, and the warnings, with testdata/golden/LAYOUT;
// go test -update rewrites them.
func TestGolden(t *testing.T) {
	for _, l := range All {
		t.Run(string(l), func(t *testing.T) {
			dir, _, warnings := writeBoth(t, l)
			got := map[string]string{}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				data, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				got[e.Name()] = string(data)
			}
			if len(warnings) > 0 {
				got["warnings.golden"] = strings.Join(warnings, "\n") + "\n"
			}
			golden := filepath.Join("testdata", "golden", string(l))
			if *update {
				if err := os.RemoveAll(golden); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(golden, 0o755); err != nil {
					t.Fatal(err)
				}
				for name, text := range got {
					if err := os.WriteFile(filepath.Join(golden, name), []byte(text), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			want := map[string]string{}
			gentries, err := os.ReadDir(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			for _, e := range gentries {
				data, err := os.ReadFile(filepath.Join(golden, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				want[e.Name()] = string(data)
			}
			for name, w := range want {
				if g, ok := got[name]; !ok {
					t.Errorf("%s not written", name)
				} else if g != w {
					t.Errorf("%s:\n--- got\n%s--- want\n%s", name, g, w)
				}
			}
			for name := range got {
				if _, ok := want[name]; !ok {
					t.Errorf("%s written, not in %s", name, golden)
				}
			}
		})
	}
}

// TestRoundTrip writes the revisions in each layout, reads the directory
// back and finds the same statements, directives and hazards, in a line.
func TestRoundTrip(t *testing.T) {
	for _, l := range All[1:] {
		t.Run(string(l), func(t *testing.T) {
			dir, _, _ := writeBoth(t, l)
			d, err := ReadDir(os.DirFS(dir), ".", l)
			if err != nil {
				t.Fatal(err)
			}
			revs := d.Revisions()
			want := []*migrate.Revision{createItems(), addSearch()}
			if len(revs) != len(want) {
				t.Fatalf("read %d revisions, want %d", len(revs), len(want))
			}
			versions := []string{"20261127070000", "20261127083000"}
			for i, r := range revs {
				w := want[i]
				if r.ID != versions[i] {
					t.Errorf("revision %d: id %s, want the version %s", i, r.ID, versions[i])
				}
				var parents []string
				if i > 0 {
					parents = []string{versions[i-1]}
				}
				if !slices.Equal(r.Parents, parents) {
					t.Errorf("%s: parents %v, want %v", r.ID, r.Parents, parents)
				}
				if r.Message != w.Message || !r.Created.Equal(w.Created) {
					t.Errorf("%s: message %q created %v, want %q %v", r.ID, r.Message, r.Created, w.Message, w.Created)
				}
				if !slices.Equal(r.Hazards, w.Hazards) {
					t.Errorf("%s: hazards %q, want %q", r.ID, r.Hazards, w.Hazards)
				}
				sameStatements(t, r.ID+" up", r.Up, w.Up)
				if l == Atlas {
					if !r.NoDown || r.Down != nil {
						t.Errorf("%s: an Atlas migration has no down; got NoDown %v, %d statements", r.ID, r.NoDown, len(r.Down))
					}
					continue
				}
				if r.NoDown {
					t.Errorf("%s: NoDown set", r.ID)
				}
				sameStatements(t, r.ID+" down", r.Down, w.Down)
			}
			if got := d.Heads(); !slices.Equal(got, versions[1:]) {
				t.Errorf("heads %v", got)
			}
		})
	}
}

// sameStatements compares statements as a layout keeps them: the same SQL
// and timeouts, and the same transaction behaviour. A file that runs outside
// a transaction marks all its statements so (as the tool runs them), so a
// statement marked in want must be in got, and the block as a whole must
// agree.
func sameStatements(t *testing.T, what string, got, want []migrate.Statement) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d statements, want %d:\n%+v", what, len(got), len(want), got)
		return
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.SQL != w.SQL || g.StatementTimeout != w.StatementTimeout || g.LockTimeout != w.LockTimeout {
			t.Errorf("%s statement %d:\n got %q (statement_timeout %v, lock_timeout %v)\nwant %q (%v, %v)",
				what, i, g.SQL, g.StatementTimeout, g.LockTimeout, w.SQL, w.StatementTimeout, w.LockTimeout)
		}
		if !w.Transactional() && g.Transactional() {
			t.Errorf("%s statement %d: runs in a transaction", what, i)
		}
	}
	if migrate.Transactional(got) != migrate.Transactional(want) {
		t.Errorf("%s: Transactional %v, want %v", what, migrate.Transactional(got), migrate.Transactional(want))
	}
}

func TestWriteNeverOverwrites(t *testing.T) {
	// All or nothing: a taken name stops every file, and leaves no
	// temporary file behind.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "b.sql"), []byte("-- mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := writeAll(dir, []output{{name: "a.sql", data: []byte("x")}, {name: "b.sql", data: []byte("y")}})
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("writeAll over b.sql: %v; want fs.ErrExist", err)
	}
	if got := snapshot(t, dir); !mapsEqual(got, map[string]string{"b.sql": "-- mine\n"}) {
		t.Errorf("the directory changed: %q", got)
	}

	// Flyway: a script configuration file in the way.
	dir = t.TempDir()
	if _, err := Write(dir, Flyway, createItems(), Options{}); err != nil {
		t.Fatal(err)
	}
	taken := "U20261127083000__add_items_search.sql.conf"
	if err := os.WriteFile(filepath.Join(dir, taken), []byte("# mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	if _, err := Write(dir, Flyway, addSearch(), Options{}); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Write over %s: %v; want fs.ErrExist", taken, err)
	}
	if after := snapshot(t, dir); !mapsEqual(before, after) {
		t.Errorf("the directory changed:\nbefore %q\nafter  %q", keys(before), keys(after))
	}

	// A migration with the same version is never replaced: the clock
	// version moves on past it.
	for _, l := range []Layout{Goose, Dbmate, Atlas, GolangMigrate, Flyway} {
		dir := t.TempDir()
		rev := addSearch()
		first, err := Write(dir, l, rev, Options{})
		if err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, dir)
		second, err := Write(dir, l, rev, Options{})
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		if !strings.Contains(second[0], "20261127083001") {
			t.Errorf("%s: wrote %v after %v; want version 20261127083001", l, second, first)
		}
		for name, text := range before {
			if name != atlasSumFile && readString(t, filepath.Join(dir, name)) != text {
				t.Errorf("%s: %s changed", l, name)
			}
		}
	}

	// Atlas: an atlas.sum that does not match stops the write, as in Atlas.
	dir = t.TempDir()
	if _, err := Write(dir, Atlas, createItems(), Options{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "20261127070000_create_items.sql"), []byte("-- edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before = snapshot(t, dir)
	if _, err := Write(dir, Atlas, addSearch(), Options{}); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("Write with a stale atlas.sum: %v", err)
	}
	if after := snapshot(t, dir); !mapsEqual(before, after) {
		t.Errorf("the directory changed: %q", keys(after))
	}
}

func TestWriteVersionOrder(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(dir, Goose, createItems(), Options{}); err != nil {
		t.Fatal(err)
	}
	// Same second: the next version.
	p, err := Write(dir, Goose, createItems(), Options{})
	if err != nil || !strings.HasSuffix(p[0], "20261127070001_create_items.sql") {
		t.Errorf("second write in one second: %v, %v", p, err)
	}
	// A given version must come after the last one.
	if _, err := Write(dir, Goose, createItems(), Options{Version: "20261127065959"}); err == nil || !strings.Contains(err.Error(), "does not come after") {
		t.Errorf("an earlier --rev-id: %v", err)
	}
	if _, err := Write(dir, Goose, createItems(), Options{Version: "abc"}); err == nil || !strings.Contains(err.Error(), "not a valid goose version") {
		t.Errorf("a version that is not a number: %v", err)
	}
	p, err = Write(dir, Goose, createItems(), Options{Version: "30000101000000"})
	if err != nil || !strings.HasSuffix(p[0], "30000101000000_create_items.sql") {
		t.Errorf("a later --rev-id: %v, %v", p, err)
	}
	// The time zone of the version.
	dir = t.TempDir()
	p, err = Write(dir, Dbmate, createItems(), Options{Name: migrate.NameOptions{Timezone: "Asia/Tokyo"}})
	if err != nil || !strings.HasSuffix(p[0], "20261127160000_create_items.sql") {
		t.Errorf("timezone Asia/Tokyo: %v, %v", p, err)
	}
}

func TestAtlasWarnsDroppedDown(t *testing.T) {
	_, paths, warnings := writeBoth(t, Atlas)
	if len(warnings) != 2 || !strings.Contains(warnings[0], "no down") {
		t.Errorf("warnings %q; want one per dropped down", warnings)
	}
	if filepath.Base(paths[len(paths)-1]) != "atlas.sum" {
		t.Errorf("paths %v; want atlas.sum listed", paths)
	}
}

func TestOneQueryWarning(t *testing.T) {
	for _, l := range []Layout{GolangMigrate, Dbmate} {
		_, _, warnings := writeBoth(t, l)
		if len(warnings) != 2 || !strings.Contains(warnings[0], "CREATE INDEX CONCURRENTLY") || !strings.Contains(warnings[1], "DROP INDEX CONCURRENTLY") {
			t.Errorf("%s warnings %q", l, warnings)
		}
	}
	// Alone in its block, a non-transactional statement runs as written.
	rev := &migrate.Revision{Message: "index", Created: time.Now(), Up: []migrate.Statement{{SQL: "CREATE INDEX CONCURRENTLY i ON t (a)"}}}
	var warnings []string
	if _, err := Write(t.TempDir(), GolangMigrate, rev, Options{Warnf: func(f string, a ...any) { warnings = append(warnings, f) }}); err != nil || len(warnings) != 0 {
		t.Errorf("a lone CREATE INDEX CONCURRENTLY: %v, warnings %q", err, warnings)
	}
}

// TestReadForeign reads files written by hand, as the tools' documentation
// shows them.
func TestReadForeign(t *testing.T) {
	fsys := fstest.MapFS{
		"goose/00001_users.sql": {Data: []byte(`-- +goose Up
CREATE TABLE users (id int);
-- +goose StatementBegin
CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  RETURN 1;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION f();
DROP TABLE users;
`)},
		"goose/00002_index.sql": {Data: []byte(`-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY users_id ON users (id);
`)},
		"golang/1_init.up.sql":        {Data: []byte("BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;\n")},
		"golang/1_init.down.sql":      {Data: []byte("DROP TABLE t;\n")},
		"golang/2_more.up.sql":        {Data: []byte("ALTER TABLE t ADD b int;\n")},
		"golang/README.md":            {Data: []byte("not a migration")},
		"flyway/V1__init.sql":         {Data: []byte("CREATE TABLE t (a int);\n")},
		"flyway/V1.1__index.sql":      {Data: []byte("CREATE INDEX CONCURRENTLY ti ON t (a);\n")},
		"flyway/V1.1__index.sql.conf": {Data: []byte("executeInTransaction=false\n")},
		"flyway/U1__init.sql":         {Data: []byte("DROP TABLE t;\n")},
		"flyway/V2__data.sql":         {Data: []byte("INSERT INTO t VALUES (1);\n")},
	}
	d, err := ReadDir(fsys, "goose", Goose)
	if err != nil {
		t.Fatal(err)
	}
	revs := d.Revisions()
	if len(revs) != 2 || revs[0].ID != "00001" || len(revs[0].Up) != 2 || len(revs[0].Down) != 2 || revs[1].Parents[0] != "00001" {
		t.Fatalf("goose: %+v", revs)
	}
	if !strings.HasSuffix(revs[0].Up[1].SQL, "$$") || !revs[1].Up[0].NoTransaction || revs[1].Down != nil || revs[1].NoDown {
		t.Errorf("goose: %q / %+v", revs[0].Up[1].SQL, revs[1])
	}

	d, err = ReadDir(fsys, "golang", GolangMigrate)
	if err != nil {
		t.Fatal(err)
	}
	revs = d.Revisions()
	if len(revs) != 2 || len(revs[0].Up) != 1 || revs[0].Up[0].SQL != "CREATE TABLE t (a int)" || !revs[1].NoDown || revs[0].NoDown {
		t.Fatalf("golang-migrate: %+v", revs)
	}
	if _, err := d.DowngradeSteps([]string{"2"}, "base"); err == nil || !strings.Contains(err.Error(), "no down") {
		t.Errorf("downgrade over a migration without a down file: %v", err)
	}

	d, err = ReadDir(fsys, "flyway", Flyway)
	if err != nil {
		t.Fatal(err)
	}
	revs = d.Revisions()
	if len(revs) != 3 || revs[1].ID != "1_1" || !revs[1].Up[0].NoTransaction || revs[0].NoDown || !revs[1].NoDown || revs[2].Parents[0] != "1_1" {
		t.Fatalf("flyway: %+v", revs)
	}
	if revs[1].Checksum == migrate.Checksum(fsys["flyway/V1.1__index.sql"].Data) {
		t.Errorf("flyway: the checksum leaves out the script configuration file")
	}
}

func TestReadErrors(t *testing.T) {
	for _, c := range []struct {
		l     Layout
		files map[string]string
		want  string
	}{
		{Goose, map[string]string{"1_a.sql": "-- +goose Up\n-- +goose ENVSUBST ON\nSELECT ${X};\n"}, "ENVSUBST"},
		{Goose, map[string]string{"1_a.sql": "SELECT 1;\n"}, "statement before -- +goose Up"},
		{Goose, map[string]string{"a.sql": "-- +goose Up\n"}, "not a goose migration name"},
		{Goose, map[string]string{"1_a.sql": "-- +goose Up\n", "01_b.sql": "-- +goose Up\n"}, "two goose migrations have version"},
		{Dbmate, map[string]string{"1_a.sql": "-- migrate:up\nSELECT 1;\n"}, "requires a -- migrate:down"},
		{Flyway, map[string]string{"R__views.sql": "SELECT 1;\n"}, "repeatable"},
		{Flyway, map[string]string{"U1__a.sql": "SELECT 1;\n"}, "without its versioned migration"},
		{Atlas, map[string]string{"1_a.sql": "SELECT 1;\n"}, "atlas.sum is missing"},
		{Atlas, map[string]string{"1_a.sql": "SELECT 1;\n", "atlas.sum": string(atlasSumText(atlasHash([]namedFile{{"1_a.sql", []byte("SELECT 2;\n")}})))}, "does not match"},
		{Atlas, map[string]string{"1_a.sql": "-- atlas:checkpoint\n\nSELECT 1;\n", "atlas.sum": string(atlasSumText(atlasHash([]namedFile{{"1_a.sql", []byte("-- atlas:checkpoint\n\nSELECT 1;\n")}})))}, "checkpoint"},
	} {
		fsys := fstest.MapFS{}
		for name, text := range c.files {
			fsys[name] = &fstest.MapFile{Data: []byte(text)}
		}
		_, err := ReadDir(fsys, ".", c.l)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: error %v; want %q", c.l, keys(c.files), err, c.want)
		}
	}
}

func TestFoldTimeouts(t *testing.T) {
	stmts := []migrate.Statement{
		{SQL: "SET lock_timeout = '5s'"},
		{SQL: "ALTER TABLE t ADD a int"},
		{SQL: "RESET lock_timeout"},
		{SQL: "SET statement_timeout TO '250ms'"}, // no RESET after: kept as written
		{SQL: "SELECT 1"},
		{SQL: "SET statement_timeout = '2min'"},
		{SQL: "SET lock_timeout = '1h'"},
		{SQL: "SELECT 2"},
		{SQL: "RESET lock_timeout"},
		{SQL: "RESET statement_timeout"},
	}
	got := foldTimeouts(stmts)
	want := []migrate.Statement{
		{SQL: "ALTER TABLE t ADD a int", LockTimeout: 5 * time.Second},
		{SQL: "SET statement_timeout TO '250ms'"},
		{SQL: "SELECT 1"},
		{SQL: "SELECT 2", StatementTimeout: 2 * time.Minute, LockTimeout: time.Hour},
	}
	if !slices.Equal(got, want) {
		t.Errorf("foldTimeouts:\n got %+v\nwant %+v", got, want)
	}
}

func TestGooseStatement(t *testing.T) {
	for sql, want := range map[string]string{
		"SELECT 1":                    "SELECT 1;",
		"SELECT 1 -- note":            "SELECT 1 -- note\n;",
		"SELECT 'a;b'":                "-- +goose StatementBegin\nSELECT 'a;b';\n-- +goose StatementEnd",
		"DO $$ BEGIN NULL; END $$;\n": "-- +goose StatementBegin\nDO $$ BEGIN NULL; END $$;\n-- +goose StatementEnd",
	} {
		if got := gooseStatement(sql); got != want {
			t.Errorf("gooseStatement(%q) = %q, want %q", sql, got, want)
		}
	}
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		out[e.Name()] = readString(t, filepath.Join(dir, e.Name()))
	}
	return out
}

func readString(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestReadAllowHazard: a reviewer acknowledges hazard kinds in the header
// of a file of any layout, where the plan's hazards are; in a statement's
// comments the line is an error that says where it belongs.
func TestReadAllowHazard(t *testing.T) {
	const allow = "-- retort:allow-hazard data-loss\n-- retort:allow-hazard index-build, table-rewrite\n"
	want := []string{"data-loss", "index-build", "table-rewrite"}
	for _, c := range []struct {
		l     Layout
		files map[string]string
	}{
		{Goose, map[string]string{"1_a.sql": "-- hazard: data-loss (danger): x\n" + allow + "\n-- +goose Up\nSELECT 1;\n"}},
		{Dbmate, map[string]string{"1_a.sql": allow + "-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n"}},
		{GolangMigrate, map[string]string{"1_a.up.sql": "-- hazard: data-loss (danger): x\n" + allow + "\nSELECT 1;\n", "1_a.down.sql": "SELECT 2;\n"}},
		{Flyway, map[string]string{"V1__a.sql": allow + "\nSELECT 1;\n"}},
	} {
		fsys := fstest.MapFS{}
		for name, text := range c.files {
			fsys[name] = &fstest.MapFile{Data: []byte(text)}
		}
		d, err := ReadDir(fsys, ".", c.l)
		if err != nil {
			t.Errorf("%s: %v", c.l, err)
			continue
		}
		r := d.Revisions()[0]
		if !slices.Equal(r.AllowHazards, want) {
			t.Errorf("%s: AllowHazards %q, want %q", c.l, r.AllowHazards, want)
		}
		if len(r.Up) != 1 {
			t.Errorf("%s: %d up statements, want 1", c.l, len(r.Up))
		}
	}
	for _, c := range []struct {
		l     Layout
		files map[string]string
		want  string
	}{
		{Goose, map[string]string{"1_a.sql": "-- retort:allow-hazard Data Loss\n-- +goose Up\nSELECT 1;\n"}, `1_a.sql:1: allow-hazard "Data Loss"`},
		{GolangMigrate, map[string]string{"1_a.up.sql": "-- retort:allow-hazard data-loss\nSELECT 1;\n", "1_a.down.sql": "SELECT 2;\n"},
			"acknowledges a whole revision: write it in the file's header"},
	} {
		fsys := fstest.MapFS{}
		for name, text := range c.files {
			fsys[name] = &fstest.MapFile{Data: []byte(text)}
		}
		if _, err := ReadDir(fsys, ".", c.l); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v; want %q", c.l, err, c.want)
		}
	}
}
