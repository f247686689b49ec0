package render_test

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenCases are the schemas and options whose scripts are kept in
// testdata/NAME.golden.
var goldenCases = []struct {
	name   string
	schema func() *model.Schema
	opts   render.Options
}{
	{"full", fullSchema, render.Options{Owners: true, Privileges: true, Comments: true, Secrets: true}},
	{"full-bare", fullSchema, render.Options{}},
	{"no-public", noPublicSchema, render.Options{Comments: true}},
	{"statistics", statisticsSchema, render.Options{Owners: true, Comments: true}},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := render.SchemaSQL(tc.schema(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			again, err := render.SchemaSQL(tc.schema(), tc.opts)
			if err != nil || again != got {
				t.Fatalf("SchemaSQL is not deterministic (err %v)", err)
			}
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("SchemaSQL differs from %s (go test -update rewrites it):\n%s", path, lineDiff(string(want), got))
			}
		})
	}
}

// statisticsSchema has extended statistics on a table and a materialized
// view, with a target, a comment and an owner.
func statisticsSchema() *model.Schema {
	target := 250
	t := model.QName{Schema: "app", Name: "orders"}
	mv := model.QName{Schema: "app", Name: "totals"}
	s := &model.Schema{
		Namespaces: []model.Namespace{{Name: "app"}, {Name: "public"}},
		Tables: []model.Table{{QName: t, Columns: []model.Column{
			{Name: "city", Type: "text"}, {Name: "zip", Type: "text"}, {Name: "total", Type: "numeric"},
		}}},
		Views: []model.View{{QName: mv, Materialized: true, Definition: " SELECT city,\n    sum(total) AS total\n   FROM app.orders\n  GROUP BY city;",
			Columns: []model.ViewColumn{{Name: "city", Type: "text"}, {Name: "total", Type: "numeric"}}}},
		Statistics: []model.Statistics{
			{QName: model.QName{Schema: "app", Name: "orders_city_zip"}, Table: t,
				Definition: "CREATE STATISTICS app.orders_city_zip (ndistinct, dependencies) ON city, zip FROM app.orders",
				Target:     &target, Owner: "postgres", Comment: "zip implies city"},
			{QName: model.QName{Schema: "public", Name: "totals_stats"}, Table: mv,
				Definition: "CREATE STATISTICS public.totals_stats ON city, total FROM app.totals"},
		},
	}
	s.Normalize()
	return s
}

// noPublicSchema has no schema public, which the script must then drop.
func noPublicSchema() *model.Schema {
	return &model.Schema{
		Namespaces: []model.Namespace{{Name: "app", Comment: "no public here"}},
		Tables: []model.Table{{QName: q("app", "t"), Kind: model.TableOrdinary,
			Columns: []model.Column{{Name: "id", Type: "integer"}}}},
	}
}

// lineDiff shows the first lines where two texts differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n- " + wl + "\n+ " + gl
		}
	}
	return "(no line differs)"
}
