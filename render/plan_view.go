package render

import (
	"reflect"
	"slices"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

func (p *planner) viewChange(c *diff.ObjectChange[model.View]) {
	switch c.Operation {
	case diff.Create:
		p.b.View(c.To)
	case diff.Drop:
		v := c.From
		t := ddl.ViewTarget(v)
		var parts []model.ObjectRef
		for _, ix := range v.Indexes {
			parts = append(parts, ddl.IndexRef(v.Schema, ix.Name, v.Name))
		}
		kind := "VIEW "
		if v.Materialized {
			kind = "MATERIALIZED VIEW "
		}
		i := p.drop(dropStmt{ref: t.Ref, kindPrio: ddl.PrioView, sql: "DROP " + kind + ddl.QNameSQL(v.QName), parts: parts})
		p.markDropped(append(parts, t.Ref)...)
		if i >= 0 && !v.Materialized {
			p.breakDropCycle(p.b.Stmt(i).ID, v, t)
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
func (p *planner) breakDropCycle(id string, v *model.View, t ddl.Target) {
	p.b.SetBreaker(id, func(func(model.ObjectRef) bool) []Statement {
		drop := *p.b.Lookup(id)
		rel := released(t.Ref)
		drop.ProvTokens = slices.DeleteFunc(slices.Clone(drop.ProvTokens), func(tok ddl.Token) bool { return tok == rel })
		query, _ := ddl.PlaceholderQuery(v) // v and its column types are there
		ph := Statement{
			ID:            ddl.StmtID(ddl.DropPrio, "drop", "placeholder", t.ID),
			Priority:      ddl.DropPrio,
			SQL:           "CREATE OR REPLACE VIEW " + ddl.QNameSQL(v.QName) + " AS\n" + query,
			ProvTokens:    []ddl.Token{rel},
			Transactional: true,
		}
		return []Statement{drop, ph}
	})
}

// alterView replaces a view's query (CREATE OR REPLACE VIEW, when the old
// columns stay first), refreshes a materialized view that becomes
// populated or not, and sets defaults, comments, owner and grants.
func (p *planner) alterView(f, v *model.View) {
	t := ddl.ViewTarget(v)
	if !v.Materialized && (f.Definition != v.Definition || !reflect.DeepEqual(f.Options, v.Options) ||
		f.CheckOption != v.CheckOption || !sameViewColumns(f.Columns, v.Columns)) {
		st := p.b.ViewCreate(v, t, true)
		st.ID = ddl.StmtID(ddl.PrioView, "alter", t.ID)
		st.Priority = ddl.PrioView
		st.Provides = []model.ObjectRef{t.Ref}
		st.ProvTokens = []ddl.Token{released(t.Ref)}
		st.Requires = slices.DeleteFunc(st.Requires, func(r model.ObjectRef) bool { return ddl.KeyOf(r) == ddl.KeyOf(t.Ref) })
		p.add(st)
	}
	if v.Materialized && f.WithNoData != v.WithNoData {
		sql := "REFRESH MATERIALIZED VIEW " + ddl.QNameSQL(v.QName)
		if v.WithNoData {
			sql += " WITH NO DATA"
		}
		p.add(Statement{Priority: ddl.PrioMatView, ID: ddl.StmtID(ddl.PrioMatView, "alter", t.ID, "refresh"), SQL: sql, Requires: []model.ObjectRef{t.Ref},
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
			sql := "ALTER VIEW " + ddl.QNameSQL(v.QName) + " ALTER COLUMN " + col
			if c.Default == "" {
				sql += " DROP DEFAULT"
			} else {
				sql += " SET DEFAULT " + c.Default
			}
			p.add(Statement{Priority: ddl.PrioDefault, ID: ddl.StmtID(ddl.PrioDefault, "default", t.ID, col), SQL: sql,
				Requires: append([]model.ObjectRef{t.Ref}, ddl.SequenceRefs(c.Default)...)})
		}
		if o.Comment != c.Comment && p.opts.Comments {
			value := "NULL"
			if c.Comment != "" {
				value = sqlq.Literal(c.Comment)
			}
			p.b.CommentOn(t.Ref, "comment "+t.ID+" column "+col, "COLUMN "+ddl.QNameSQL(v.QName)+"."+col, value)
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

// viewKind returns the rules of model.View: see viewAlterable.
func viewKind() objectKind[model.View] {
	return objectKind[model.View]{
		change:  (*planner).viewChange,
		inPlace: func(_ *planner, c *diff.ObjectChange[model.View]) bool { return viewAlterable(c.From, c.To) },
	}
}
