package main

import (
	"strings"
	"testing"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/sqlddl"
	"github.com/retortdb/retort/render"
)

// TestStatementsHazardsStayComments drops a column whose name holds a line
// end and SQL after it: the hazard comments that statements puts above each
// statement of the revision must stay comments, so that PostgreSQL's own
// scanner finds exactly the plan's statement in each, and nothing else.
func TestStatementsHazardsStayComments(t *testing.T) {
	for _, end := range []string{"\n", "\r", "\r\n", "\f", "\v", "\u0085", "\u2028", "\u2029"} {
		col := "c" + end + "DROP TABLE public.victim; --"
		table := func(cols ...model.Column) *model.Schema {
			s := &model.Schema{
				Namespaces: []model.Namespace{{Name: "public"}},
				Tables: []model.Table{{
					QName: model.QName{Schema: "public", Name: "t"}, Kind: model.TableOrdinary,
					Columns: append([]model.Column{{Name: "id", Type: "integer"}}, cols...),
				}},
			}
			s.Normalize()
			return s
		}
		plan, err := render.NewPlan(table(model.Column{Name: col, Type: "text"}), table(), render.PlanOptions{})
		if err != nil {
			t.Fatalf("%q: %v", end, err)
		}
		if len(plan.Up) == 0 || len(plan.Up[0].Hazards) == 0 {
			t.Fatalf("%q: want a drop with hazards, got %+v", end, plan.Up)
		}
		got := statements(plan.Up)
		if len(got) != len(plan.Up) {
			t.Fatalf("%q: %d statements, want %d", end, len(got), len(plan.Up))
		}
		for i, st := range got {
			split, err := sqlddl.Split("up", []byte(st.SQL))
			if err != nil {
				t.Fatalf("%q: split %q: %v", end, st.SQL, err)
			}
			want := strings.TrimSuffix(strings.TrimSpace(plan.Up[i].SQL), ";")
			if len(split) != 1 || split[0].Text != want {
				var texts []string
				for _, s := range split {
					texts = append(texts, s.Text)
				}
				t.Errorf("%q: statement %d reads as %q to PostgreSQL, want only %q", end, i, texts, want)
			}
			for _, l := range strings.Split(st.SQL, "\n") {
				if strings.HasPrefix(l, "-- hazard:") && strings.ContainsAny(l, "\r\f\v\u0085\u2028\u2029") {
					t.Errorf("%q: hazard line %q holds a line end", end, l)
				}
			}
		}
	}
}
