package render_test

import (
	"strings"
	"testing"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
)

// TestNotNullNoDefaultHazard: adding a NOT NULL column without a default to
// a table of the source is a hazard of its own, whose severity and words
// follow the source's size estimate; columns that get a value and tables
// the plan creates carry none.
func TestNotNullNoDefaultHazard(t *testing.T) {
	t.Parallel()
	pub := []model.Namespace{{Name: "public"}}
	id := model.Column{Name: "id", Type: "integer", NotNull: true}
	table := func(name string, cols ...model.Column) model.Table {
		return model.Table{QName: q("public", name), Kind: model.TableOrdinary, Columns: append([]model.Column{id}, cols...)}
	}
	added := model.Column{Name: "c", Type: "integer", NotNull: true}
	with := func(f func(*model.Column)) model.Column {
		c := added
		f(&c)
		return c
	}
	sizes := func(rows int64) map[model.QName]model.TableSize {
		return map[model.QName]model.TableSize{q("public", "t"): {Rows: rows, Bytes: 8192}}
	}
	plain := func(s map[model.QName]model.TableSize, c model.Column) (*model.Schema, *model.Schema) {
		return &model.Schema{Namespaces: pub, Tables: []model.Table{table("t")}, TableSizes: s},
			&model.Schema{Namespaces: pub, Tables: []model.Table{table("t", c)}}
	}
	type want struct {
		sev   render.Severity
		words []string
		// backfill: the plan adds the column nullable, then a backfill
		// step, then SET NOT NULL, instead of an ADD that would fail.
		backfill bool
	}
	cases := []struct {
		name     string
		from, to func() (*model.Schema, *model.Schema)
		up, down *want // nil: no hazard of the kind
	}{
		{name: "rows", from: func() (*model.Schema, *model.Schema) { return plain(sizes(1234), added) },
			up: &want{render.SeverityWarning, []string{"public.t.c without a default would fail: public.t has about 1.2 thousand rows", "adds the column nullable, fills it in with the backfill step"}, true}},
		{name: "empty", from: func() (*model.Schema, *model.Schema) { return plain(sizes(0), added) },
			up: &want{render.SeverityWarning, []string{"fails if public.t has rows", "estimates it empty", "declare a default"}, false}},
		{name: "no sizes", from: func() (*model.Schema, *model.Schema) { return plain(nil, added) },
			up: &want{render.SeverityWarning, []string{"would fail if public.t has rows", "its size is unknown (revision --autogenerate --url DATABASE reads it)", "backfill step"}, true}},
		{name: "never analyzed", from: func() (*model.Schema, *model.Schema) { return plain(sizes(-1), added) },
			up: &want{render.SeverityWarning, []string{"would fail if public.t has rows", "no estimate before its first VACUUM or ANALYZE"}, true}},
		{name: "no estimate for the table", from: func() (*model.Schema, *model.Schema) {
			return plain(map[model.QName]model.TableSize{q("public", "other"): {Rows: 5}}, added)
		}, up: &want{render.SeverityWarning, []string{"its size is unknown"}, true}},
		{name: "renamed table keeps its size", from: func() (*model.Schema, *model.Schema) {
			to := table("u", added)
			to.RenamedFrom = "t"
			return &model.Schema{Namespaces: pub, Tables: []model.Table{table("t")}, TableSizes: sizes(50)},
				&model.Schema{Namespaces: pub, Tables: []model.Table{to}}
		}, up: &want{render.SeverityWarning, []string{"public.u has about 50 rows"}, true}},
		{name: "down adds back a dropped column", from: func() (*model.Schema, *model.Schema) {
			return &model.Schema{Namespaces: pub, Tables: []model.Table{table("t", added)}, TableSizes: sizes(7)},
				&model.Schema{Namespaces: pub, Tables: []model.Table{table("t")}}
		}, down: &want{render.SeverityWarning, []string{"public.t has about 7 rows"}, true}},
		{name: "nullable", from: func() (*model.Schema, *model.Schema) {
			return plain(sizes(10), with(func(c *model.Column) { c.NotNull = false }))
		}},
		{name: "default", from: func() (*model.Schema, *model.Schema) {
			return plain(sizes(10), with(func(c *model.Column) { c.Default = "0" }))
		}},
		{name: "identity", from: func() (*model.Schema, *model.Schema) {
			return plain(sizes(10), with(func(c *model.Column) { c.Identity = "d" }))
		}},
		{name: "generated", from: func() (*model.Schema, *model.Schema) {
			return plain(sizes(10), with(func(c *model.Column) { c.Generated = "(id + 1)"; c.GeneratedKind = "s" }))
		}},
		{name: "domain with a default", from: func() (*model.Schema, *model.Schema) {
			from, to := plain(sizes(10), with(func(c *model.Column) {
				c.Type = "public.d"
				c.Deps = []model.ObjectRef{{Kind: model.KindType, Schema: "public", Name: "d"}}
			}))
			dom := []model.Domain{{QName: q("public", "d"), Type: "integer", Default: "0"}}
			from.Domains, to.Domains = dom, dom
			return from, to
		}},
		{name: "partition inherits it: the parent's ADD carries the one hazard", from: func() (*model.Schema, *model.Schema) {
			tables := func(cols ...model.Column) []model.Table {
				parent := table("p", cols...)
				parent.Kind, parent.PartitionKey = model.TablePartitioned, "RANGE (id)"
				part := table("t", cols...)
				for i := range part.Columns {
					part.Columns[i].Inherited = true
				}
				part.PartitionOf, part.PartitionBound = &parent.QName, "FOR VALUES FROM (0) TO (10)"
				return []model.Table{parent, part}
			}
			return &model.Schema{Namespaces: pub, Tables: tables(), TableSizes: sizes(10)},
				&model.Schema{Namespaces: pub, Tables: tables(added)}
		}, up: &want{render.SeverityWarning, []string{"column public.p.c ", "would fail if public.p has rows", "no estimate"}, true}},
		{name: "table the plan creates", from: func() (*model.Schema, *model.Schema) {
			return &model.Schema{Namespaces: pub, TableSizes: sizes(10)},
				&model.Schema{Namespaces: pub, Tables: []model.Table{table("t", added)}}
		}},
		{name: "foreign table", from: func() (*model.Schema, *model.Schema) {
			ft := func(cols ...model.Column) model.Table {
				t := table("t", cols...)
				t.Kind, t.Server = model.TableForeign, "srv"
				return t
			}
			srv := []model.ForeignServer{{Name: "srv", Wrapper: "postgres_fdw"}}
			fdw := []model.ForeignDataWrapper{{Name: "postgres_fdw"}}
			return &model.Schema{Namespaces: pub, Tables: []model.Table{ft()}, Servers: srv, ForeignDataWrappers: fdw, TableSizes: sizes(10)},
				&model.Schema{Namespaces: pub, Tables: []model.Table{ft(added)}, Servers: srv, ForeignDataWrappers: fdw}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			from, to := c.from()
			plan, err := render.NewPlan(from, to, render.PlanOptions{})
			if err != nil {
				t.Fatal(err)
			}
			check := func(dir string, stmts []render.Statement, w *want) {
				var got []render.Hazard
				for _, st := range stmts {
					for _, h := range st.Hazards {
						if h.Kind == render.HazardNotNullNoDefault {
							got = append(got, h)
						}
					}
				}
				switch {
				case w == nil && len(got) > 0:
					t.Errorf("%s: unexpected hazard %q", dir, got[0].Text())
				case w == nil:
				case len(got) != 1:
					t.Errorf("%s: %d hazards of kind %s, want 1", dir, len(got), render.HazardNotNullNoDefault)
				default:
					checkBackfill(t, dir, stmts, w.backfill)
					if got[0].Severity != w.sev {
						t.Errorf("%s: severity %s, want %s: %q", dir, got[0].Severity, w.sev, got[0].Message)
					}
					for _, word := range w.words {
						if !strings.Contains(got[0].Message, word) {
							t.Errorf("%s: hazard %q lacks %q", dir, got[0].Message, word)
						}
					}
				}
			}
			check("up", plan.Up, c.up)
			check("down", plan.Down, c.down)
		})
	}
}

// checkBackfill checks that stmts add column c nullable, backfill it (a
// statement outside the transaction blocks, marked as such, with its TODO
// marks) and then set it NOT NULL, or add it NOT NULL at once.
func checkBackfill(t *testing.T, dir string, stmts []render.Statement, want bool) {
	t.Helper()
	var added, fill, setNotNull int = -1, -1, -1
	for i, st := range stmts {
		switch {
		case strings.Contains(st.SQL, "ADD COLUMN c integer"):
			added = i
			if want == strings.Contains(st.SQL, "NOT NULL") {
				t.Errorf("%s: %s", dir, st.SQL)
			}
		case st.Backfill:
			fill = i
			if st.Transactional || !strings.Contains(st.SQL, "-- TODO") {
				t.Errorf("%s: backfill step: transactional %v:\n%s", dir, st.Transactional, st.SQL)
			}
		case strings.Contains(st.SQL, "ALTER COLUMN c SET NOT NULL"):
			setNotNull = i
		}
	}
	if !want {
		if fill >= 0 || setNotNull >= 0 {
			t.Errorf("%s: a backfill where the ADD can be NOT NULL", dir)
		}
		return
	}
	if added < 0 || fill < added || setNotNull < fill {
		t.Errorf("%s: ADD, backfill and SET NOT NULL at %d, %d, %d, want them in that order", dir, added, fill, setNotNull)
	}
}
