package render

import (
	"reflect"
	"slices"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

func (p *planner) viewChange(c *diff.ObjectChange[model.View]) {
	switch c.Operation {
	case diff.Create:
		p.b.view(c.To)
	case diff.Drop:
		v := c.From
		t := viewTarget(v)
		var parts []model.ObjectRef
		for _, ix := range v.Indexes {
			parts = append(parts, indexRef(v.Schema, ix.Name, v.Name))
		}
		kind := "VIEW "
		if v.Materialized {
			kind = "MATERIALIZED VIEW "
		}
		i := p.drop(dropStmt{ref: t.ref, kindPrio: prioView, sql: "DROP " + kind + qnameSQL(v.QName), parts: parts})
		p.markDropped(append(parts, t.ref)...)
		if i >= 0 && !v.Materialized {
			p.breakDropCycle(p.b.stmts[i].ID, v, t)
		}
	case diff.Alter:
		p.alterView(c.From, c.To)
	}
}

// breakDropCycle lets the drop of view v (statement id) leave a cycle of
// drops: views that read each other, which PostgreSQL accepts (CREATE OR
// REPLACE VIEW can close the loop) but will drop neither of first. Like
// pg_dump's placeholder for creating them, v's query is first replaced
// with one of the same columns that reads nothing; then v holds on to
// nothing, and the others can go before it.
func (p *planner) breakDropCycle(id string, v *model.View, t target) {
	p.b.breakers[id] = func(func(model.ObjectRef) bool) []Statement {
		drop := p.b.stmts[p.b.byID[id]]
		rel := released(t.ref)
		drop.provTokens = slices.DeleteFunc(slices.Clone(drop.provTokens), func(tok token) bool { return tok == rel })
		query, _ := placeholderQuery(v) // v and its column types are there
		ph := Statement{
			ID:            stmtID(dropPrio, "drop", "placeholder", t.id),
			prio:          dropPrio,
			SQL:           "CREATE OR REPLACE VIEW " + qnameSQL(v.QName) + " AS\n" + query,
			provTokens:    []token{rel},
			Transactional: true,
		}
		return []Statement{drop, ph}
	}
}

// alterView replaces a view's query (CREATE OR REPLACE VIEW, when the old
// columns stay first), refreshes a materialized view that becomes
// populated or not, and sets defaults, comments, owner and grants.
func (p *planner) alterView(f, v *model.View) {
	t := viewTarget(v)
	if !v.Materialized && (f.Definition != v.Definition || !reflect.DeepEqual(f.Options, v.Options) ||
		f.CheckOption != v.CheckOption || !sameViewColumns(f.Columns, v.Columns)) {
		st := p.b.viewCreate(v, t, true)
		st.ID = stmtID(prioView, "alter", t.id)
		st.prio = prioView
		st.Provides = []model.ObjectRef{t.ref}
		st.provTokens = []token{released(t.ref)}
		st.Requires = slices.DeleteFunc(st.Requires, func(r model.ObjectRef) bool { return keyOf(r) == keyOf(t.ref) })
		p.add(st)
	}
	if v.Materialized && f.WithNoData != v.WithNoData {
		sql := "REFRESH MATERIALIZED VIEW " + qnameSQL(v.QName)
		if v.WithNoData {
			sql += " WITH NO DATA"
		}
		p.add(Statement{prio: prioMatView, ID: stmtID(prioMatView, "alter", t.id, "refresh"), SQL: sql, Requires: []model.ObjectRef{t.ref},
			Hazards: []Hazard{lockHazard(v.QName, "REFRESH MATERIALIZED VIEW")}})
	}
	old := map[string]model.ViewColumn{}
	for _, c := range f.Columns {
		old[c.Name] = c
	}
	for _, c := range v.Columns {
		o := old[c.Name]
		col := sqlq.QuoteIdent(c.Name)
		if o.Default != c.Default && !v.Materialized {
			sql := "ALTER VIEW " + qnameSQL(v.QName) + " ALTER COLUMN " + col
			if c.Default == "" {
				sql += " DROP DEFAULT"
			} else {
				sql += " SET DEFAULT " + c.Default
			}
			p.add(Statement{prio: prioDefault, ID: stmtID(prioDefault, "default", t.id, col), SQL: sql,
				Requires: append([]model.ObjectRef{t.ref}, sequenceRefs(c.Default)...)})
		}
		if o.Comment != c.Comment && p.opts.Comments {
			value := "NULL"
			if c.Comment != "" {
				value = sqlq.Literal(c.Comment)
			}
			p.b.commentOn(t.ref, "comment "+t.id+" column "+col, "COLUMN "+qnameSQL(v.QName)+"."+col, value)
		}
	}
	p.commentChange(t, f.Comment, v.Comment)
	p.ownerChange(t, f.Owner, v.Owner)
	p.grantChange(t, f.Owner, v.Owner, f.Grants, v.Grants)
}

func sameViewColumns(a, b []model.ViewColumn) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Type != b[i].Type || a[i].Collation != b[i].Collation {
			return false
		}
	}
	return true
}
