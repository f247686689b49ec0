package render_test

import (
	"strings"
	"testing"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
)

// collationSchemas returns two schemas that differ in the locale of
// collation public.loc, each with what extra adds.
func collationSchemas(extra func(*model.Schema)) (from, to *model.Schema) {
	mk := func(locale string) *model.Schema {
		s := &model.Schema{
			Namespaces: []model.Namespace{{Name: "public"}},
			Collations: []model.Collation{{QName: q("public", "loc"), Provider: "c", Locale: locale, Deterministic: true}},
		}
		extra(s)
		s.Normalize()
		return s
	}
	return mk("C"), mk("POSIX")
}

// TestPlanCollationUnmovable checks that a redefined collation whose users
// PostgreSQL cannot move to the new one makes the plan fail with an error
// that names them, rather than a script that fails.
func TestPlanCollationUnmovable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		extra func(*model.Schema)
		want  []string
	}{
		{"range with a column", func(s *model.Schema) {
			s.RangeTypes = []model.RangeType{{QName: q("public", "textrange"), Subtype: "text", Collation: "public.loc"}}
			s.Tables = []model.Table{{QName: q("public", "t"), Kind: model.TableOrdinary,
				Columns: []model.Column{{Name: "r", Type: "public.textrange"}}}}
		}, []string{"type public.textrange", "range type over collation public.loc", "column public.t.r"}},
		{"typed table", func(s *model.Schema) {
			s.CompositeTypes = []model.CompositeType{{QName: q("public", "pair"),
				Attributes: []model.Attribute{{Name: "k", Type: "text", Collation: "public.loc"}}}}
			s.Tables = []model.Table{{QName: q("public", "tt"), Kind: model.TableOrdinary, OfType: "public.pair",
				Columns: []model.Column{{Name: "k", Type: "text", Collation: "public.loc"}}}}
		}, []string{"table public.tt", "OF type public.pair", "collation public.loc", "NOT OF"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			from, to := collationSchemas(tc.extra)
			plan, err := render.NewPlan(from, to, render.PlanOptions{})
			if err == nil {
				t.Fatalf("NewPlan succeeded; want an error naming %q\nup:\n%s", tc.want, plan.UpSQL())
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
}
