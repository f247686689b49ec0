package acceptance

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/sharedtest"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/hcl"
	"github.com/retortdb/retort/model/yaml"
	"github.com/retortdb/retort/render"
	"github.com/retortdb/retort/source"
)

// realSchemas are the schemas of ../shared/schemas, each with its files in
// load order (see that folder's README).
var realSchemas = []struct {
	name  string
	files []string
}{
	{"pagila", []string{"pagila.sql"}},
	{"hatchet", []string{"hatchet-v0.sql", "hatchet-v1-core.sql", "hatchet-v1-olap.sql"}},
	{"postgrest", []string{"postgrest-database.sql", "postgrest-roles.sql", "postgrest-schema.sql",
		"postgrest-jwt.sql", "postgrest-jsonschema.sql", "postgrest-privileges.sql"}},
	{"gitlab", []string{"gitlab.sql"}},
}

// TestRealSchemas loads each real schema into a database with psql, as its
// authors do, and proves on it what retort promises of any database:
//   - inspect's SQL, applied to a freshly created database, rebuilds it
//     (every object kind, owners and grants included);
//   - diffing it against itself, read twice, gives nothing;
//   - the plan from an empty database builds it, a second diff is empty,
//     and the plan's down empties the database again;
//   - inspect --format sql, hcl and yaml of it, read back as a declared
//     source (normalized through the dev server), diff empty against it.
func TestRealSchemas(t *testing.T) {
	for _, rs := range realSchemas {
		t.Run(rs.name, func(t *testing.T) {
			t.Parallel()
			var files []string
			for _, f := range rs.files {
				files = append(files, sharedtest.Schema(t, f))
			}
			if testing.Short() && rs.name == "gitlab" {
				t.Skip("gitlab takes a while; runs without -short")
			}
			orig := devdbtest.NewDatabase(t)
			psql(t, orig, files...)
			want := inspect(t, orig)
			if len(want.Tables) == 0 {
				t.Fatal("inspect found no tables")
			}
			t.Logf("%s: %d tables, %d views, %d functions, %d triggers, %d indexes",
				rs.name, len(want.Tables), len(want.Views), len(want.Functions), len(want.Triggers), countIndexes(want))
			t.Run("inspect sql rebuilds it", func(t *testing.T) {
				t.Parallel()
				inspectRebuilds(t, want, rs.name)
			})
			t.Run("diff against itself is empty", func(t *testing.T) {
				t.Parallel()
				again := inspect(t, orig)
				plan, err := render.NewPlan(want, again, everything)
				if err != nil {
					t.Fatal(err)
				}
				if len(plan.Changes)+len(plan.Up)+len(plan.Down) > 0 {
					t.Errorf("diff of %s with itself is not empty:\n%s", rs.name, render.Script(plan.Up))
				}
			})
			t.Run("built from empty and emptied by down", func(t *testing.T) {
				t.Parallel()
				fromEmpty(t, want)
			})
			t.Run("check passes after revision --autogenerate", func(t *testing.T) {
				t.Parallel()
				// The fixpoint property of issue 13 (see fixpointHolds),
				// with the schema declared as inspect's SQL of it.
				ddl, err := render.SchemaSQL(want, render.Options{Comments: true})
				if err != nil {
					t.Fatal(err)
				}
				if err := fixpointHolds(t, rs.name, ddl, false); err != nil {
					t.Error(err)
				}
			})
			for _, form := range []string{"sql", "hcl", "yaml"} {
				t.Run("declared "+form+" diffs empty", func(t *testing.T) {
					t.Parallel()
					declaredDiffsEmpty(t, want, rs.name, form)
				})
			}
		})
	}
}

// everything compares and renders owners and grants too.
var everything = render.PlanOptions{
	Options: render.Options{Comments: true, Owners: true, Privileges: true},
	Diff:    diff.Options{Owners: true, Privileges: true},
}

// inspectRebuilds applies inspect's SQL of want to a freshly created
// database and expects want back.
func inspectRebuilds(t *testing.T, want *model.Schema, name string) {
	opts := render.Options{Comments: true, Owners: true, Privileges: true}
	ddl, err := render.SchemaSQL(want, opts)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	again, err := render.SchemaSQL(want, opts)
	if err != nil || again != ddl {
		t.Fatalf("render is not deterministic (err %v)", err)
	}
	copyDB := devdbtest.NewDatabase(t)
	psqlText(t, copyDB, name+".sql", ddl)
	got := inspect(t, copyDB)
	if !want.Equal(got) {
		t.Errorf("database rebuilt from inspect's SQL differs from the original (- original, + rebuilt):\n%s", schemaDiff(want, got))
	}
}

// fromEmpty plans want from a freshly created database (which the source
// "empty" also is), applies up and expects want, diffs again and expects nothing, applies down and expects
// the fresh database again.
func fromEmpty(t *testing.T, want *model.Schema) {
	url := devdbtest.NewDatabase(t)
	empty := inspect(t, url)
	// retort diff --from empty plans from the same model as this freshly
	// created database, so the plan below is that command's plan too.
	l := &source.Loader{DevURL: devdbtest.Server(t).ConnString("postgres")}
	defer l.Close()
	if fromSource, err := l.Load(t.Context(), "empty"); err != nil {
		t.Fatalf("load empty: %v", err)
	} else if !fromSource.Equal(empty) {
		t.Fatalf("the empty source differs from a freshly created database (- empty source, + fresh):\n%s", schemaDiff(fromSource, empty))
	}
	plan, err := render.NewPlan(empty, want, everything)
	if err != nil {
		t.Fatal(err)
	}
	if err := psqlTry(t, url, "up.sql", plan.UpSQL()); err != nil {
		t.Fatalf("up does not apply: %v", err)
	}
	after := inspect(t, url)
	if !after.Equal(want) {
		t.Fatalf("after up (- after up, + original):\n%s", schemaDiff(after, want))
	}
	again, err := render.NewPlan(after, want, everything)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Changes) > 0 {
		t.Errorf("a second diff is not empty:\n%s", render.Script(again.Up))
	}
	if err := psqlTry(t, url, "down.sql", plan.DownSQL()); err != nil {
		t.Fatalf("down does not apply: %v", err)
	}
	if back := inspect(t, url); !back.Equal(empty) {
		t.Errorf("after down (- after down, + empty):\n%s", schemaDiff(back, empty))
	}
}

// declaredDiffsEmpty writes want in a declared form, as inspect --format
// does, reads it back through the source loader (which normalizes it on
// the dev server) and expects no difference, as diff --from DB --to FILE
// compares them: without owners and grants.
func declaredDiffsEmpty(t *testing.T, want *model.Schema, name, form string) {
	var (
		text []byte
		err  error
	)
	switch form {
	case "sql":
		var ddl string
		ddl, err = render.SchemaSQL(want, render.Options{Comments: true})
		text = []byte(ddl)
	case "hcl":
		text, err = hcl.Encode(want)
	case "yaml":
		text, err = yaml.Encode(want)
	}
	if err != nil {
		t.Fatalf("write %s: %v", form, err)
	}
	path := filepath.Join(t.TempDir(), name+"."+form)
	if err := os.WriteFile(path, text, 0o644); err != nil {
		t.Fatal(err)
	}
	// Trusted: the real schemas create extensions only a superuser may
	// (file_fdw, postgis); they are the suite's own fixtures.
	l := &source.Loader{DevURL: devdbtest.Server(t).ConnString("postgres"), Logf: t.Logf, Trusted: true}
	defer l.Close()
	got, err := l.Load(t.Context(), path)
	if err != nil {
		t.Fatalf("load %s: %v", form, err)
	}
	plan, err := render.NewPlan(want, got, render.PlanOptions{Options: render.Options{Comments: true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Changes) > 0 {
		t.Errorf("diff --from DB --to %s.%s is not empty:\n%s", name, form, tail(render.Script(plan.Up), 6000))
	}
}
