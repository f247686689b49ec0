package render_test

import (
	"strings"
	"testing"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
)

// TestLockHazardOnLargeTable: a lock on a table that the source database
// estimates large says how large, in both directions; a small one, or one
// without an estimate, keeps the plain message.
func TestLockHazardOnLargeTable(t *testing.T) {
	t.Parallel()
	table := func(name, typ string) model.Table {
		return model.Table{QName: q("public", name), Kind: model.TableOrdinary, Columns: []model.Column{{Name: "n", Type: typ}}}
	}
	from := &model.Schema{Namespaces: []model.Namespace{{Name: "public"}},
		Tables: []model.Table{table("big", "integer"), table("huge", "integer"), table("small", "integer"), table("unknown", "integer")},
		TableSizes: map[model.QName]model.TableSize{
			q("public", "big"):   {Rows: 2_400_000, Bytes: 310 << 20},
			q("public", "huge"):  {Rows: -1, Bytes: 3 << 40},
			q("public", "small"): {Rows: 99_999, Bytes: 8 << 20},
		}}
	to := &model.Schema{Namespaces: from.Namespaces,
		Tables: []model.Table{table("big", "bigint"), table("huge", "bigint"), table("small", "bigint"), table("unknown", "bigint")}}
	plan, err := render.NewPlan(from, to, render.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The size goes to the hazard that says the table is locked for long:
	// here the rewrite of a type change (the brief lock's hazard of the
	// same statement is folded into it).
	large := map[string]string{
		"public.big":  "; public.big is a large table: about 2.4 million rows, 310 MB as of its last VACUUM or ANALYZE",
		"public.huge": "; public.huge is a large table: 3.0 TB as of its last VACUUM or ANALYZE",
	}
	tables := []string{"public.big", "public.huge", "public.small", "public.unknown"}
	for dir, stmts := range map[string][]render.Statement{"up": plan.Up, "down": plan.Down} {
		seen := 0
		for _, st := range stmts {
			for _, h := range st.Hazards {
				if h.Kind != render.HazardExclusiveLock && h.Kind != render.HazardTableRewrite {
					continue
				}
				for _, table := range tables {
					if !strings.Contains(h.Message, " "+table+".") && !strings.Contains(h.Message, " on "+table+",") {
						continue
					}
					seen++
					if suffix, ok := large[table]; ok && !strings.HasSuffix(h.Message, suffix) {
						t.Errorf("%s: hazard %q, want it to end in %q", dir, h.Message, suffix)
					}
					if _, ok := large[table]; !ok && strings.Contains(h.Message, "large table") {
						t.Errorf("%s: hazard %q calls a small or unmeasured table large", dir, h.Message)
					}
				}
			}
		}
		want := tables
		if seen != len(want) {
			t.Errorf("%s: %d lock hazards on the four tables, want %d", dir, seen, len(want))
		}
	}
}
