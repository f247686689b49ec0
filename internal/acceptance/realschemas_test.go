package acceptance

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/render"
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

// TestRealSchemasRoundTrip loads each real schema into a database, prints it
// with inspect's SQL renderer, applies that to a freshly created database and
// checks that the two databases have equal models: every object kind, owners
// and grants included.
func TestRealSchemasRoundTrip(t *testing.T) {
	for _, rs := range realSchemas {
		t.Run(rs.name, func(t *testing.T) {
			t.Parallel()
			var files []string
			for _, f := range rs.files {
				p := filepath.Join(sharedSchemas, f)
				if _, err := os.Stat(p); err != nil {
					t.Fatalf("real schema missing: %v", err)
				}
				files = append(files, p)
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
			psqlText(t, copyDB, rs.name+".sql", ddl)
			got := inspect(t, copyDB)
			if !want.Equal(got) {
				t.Errorf("database rebuilt from inspect's SQL differs from the original (- original, + rebuilt):\n%s", schemaDiff(want, got))
			}
			t.Logf("%s: %d tables, %d views, %d functions, %d triggers, %d indexes' worth of DDL (%d bytes)",
				rs.name, len(want.Tables), len(want.Views), len(want.Functions), len(want.Triggers), countIndexes(want), len(ddl))
		})
	}
}
