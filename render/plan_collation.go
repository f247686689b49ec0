package render

import (
	"slices"
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

func collationTarget(q model.QName) ddl.Target {
	name := ddl.QNameSQL(q)
	return ddl.Target{Ref: model.ObjectRef{Kind: model.KindCollation, Schema: q.Schema, Name: q.Name},
		ID: "collation " + name, Comment: "COLLATION " + name, Alter: "COLLATION " + name}
}

func (p *planner) collationChange(c *diff.ObjectChange[model.Collation]) {
	switch c.Operation {
	case diff.Create:
		p.b.Collation(*c.To)
	case diff.Drop:
		t := collationTarget(c.From.QName)
		p.drop(dropStmt{ref: t.Ref, kindPrio: ddl.PrioCollation, sql: "DROP COLLATION " + ddl.QNameSQL(c.From.QName)})
	case diff.Alter:
		t := collationTarget(c.To.QName)
		if p.redefined[c.To.QName] {
			to := c.To
			p.rebuildRenamed(t.Ref, "COLLATION", ddl.PrioCollation, func() { p.b.Collation(*to) }, func() { p.moveCollated(to) })
			return
		}
		p.commentChange(t, c.From.Comment, c.To.Comment)
		p.ownerChange(t, c.From.Owner, c.To.Owner)
	}
}

// collationRedefined reports whether a collation changes more than
// PostgreSQL can alter in place (its comment and owner): its provider,
// locale or determinism are fixed when it is created.
func collationRedefined(f, t *model.Collation) bool {
	return !sameExcept(f, t, func(o *model.Collation) { o.Comment, o.Owner = "", "" })
}

// usesCollation reports whether a collation text (a column's, a type's)
// names the collation q.
func usesCollation(text string, q model.QName) bool {
	r, ok := ddl.CollationRef(text)
	return ok && r.Schema == q.Schema && r.Name == q.Name
}

// collatedColumns lists the columns of the source whose COLLATE names q
// and that keep their type and collation in the target, which a
// redefinition of q moves to the new collation. A column whose collation
// comes from its domain moves with the domain, a column a partition or
// child inherits with its parent's, and a column of a rebuilt type with
// that type.
func (p *planner) collatedColumns(q model.QName) []model.ColumnRef {
	return p.keptColumns(func(t model.QName, c, n *model.Column) bool {
		if !usesCollation(c.Collation, q) || n.Type != c.Type || n.Collation != c.Collation {
			return false
		}
		if cc := p.columnOps[t][c.Name]; cc != nil && cc.Operation == diff.Drop {
			return false
		}
		tq, ok := typeOf(c.Type)
		return !ok || !p.rebuilt[tq]
	})
}

// moveCollated moves the columns of collation to, which has just been
// created under the name of the one it redefines, onto it: one ALTER
// TABLE per table, so that PostgreSQL rebuilds the table's indexes once.
// The type stays, so the rows are not rewritten.
func (p *planner) moveCollated(to *model.Collation) {
	q := to.QName
	var tables []model.QName
	byTable := map[model.QName][]*model.Column{}
	for _, cr := range p.collatedColumns(q) {
		c, oc := p.ni.column(cr.Table, cr.Column), p.oi.column(cr.Table, cr.Column)
		if c == nil || oc == nil {
			continue
		}
		if byTable[cr.Table] == nil {
			tables = append(tables, cr.Table)
		}
		byTable[cr.Table] = append(byTable[cr.Table], c)
	}
	for _, tq := range tables {
		t, cols := p.ni.tables[tq], byTable[tq]
		var subs []string
		for _, c := range cols {
			col := "ALTER COLUMN " + sqlq.QuoteIdent(c.Name)
			// A default that names the collation holds on to the old one.
			reset := strings.Contains(p.oi.column(tq, c.Name).Default, "COLLATE "+ddl.QNameSQL(q))
			if reset {
				subs = append(subs, col+" DROP DEFAULT")
			}
			subs = append(subs, col+" TYPE "+collatedType(c))
			if reset && c.Default != "" {
				subs = append(subs, col+" SET DEFAULT "+c.Default)
			}
		}
		hz := []Hazard{lockHazard(tq, "ALTER COLUMN TYPE")}
		if h, ok := p.collationIndexHazard(tq, to); ok {
			hz = append(hz, h)
		}
		p.addMove(t, "columns move "+collationTarget(q).ID, cols, subs, hz)
	}
}

// collationIndexHazard says which indexes and keys of table t the move of
// its columns to the redefined collation to rebuilds.
func (p *planner) collationIndexHazard(t model.QName, to *model.Collation) (Hazard, bool) {
	ref := collationTarget(to.QName).Ref
	var names []string
	unique := false
	for _, d := range p.dependents[ddl.KeyOf(ref)] {
		if d.Table != t.Name || d.Schema != t.Schema || !p.rebuiltByAlter(to.QName, d) {
			continue
		}
		names = append(names, d.Name)
		switch d.Kind {
		case model.KindIndex:
			unique = unique || p.oi.index(t, d.Name).Unique
		case model.KindConstraint:
			unique = true
		}
	}
	if len(names) == 0 {
		return Hazard{}, false
	}
	slices.Sort(names)
	what := "index " + sqlq.QuoteIdent(names[0])
	if len(names) > 1 {
		what = "indexes " + sqlq.IdentList(names)
	}
	msg := "ALTER COLUMN TYPE rebuilds " + what + " of " + ddl.QNameSQL(t) + " on the redefined collation " + ddl.QNameSQL(to.QName) + " while it holds its lock"
	if unique && !to.Deterministic {
		msg += "; the collation is nondeterministic, so values that a unique index held distinct may now be equal, which fails the statement"
	}
	return Hazard{Kind: HazardIndexBuild, Message: msg}, true
}

// rebuiltByAlter reports whether an index or key constraint of the source
// that depends on collation q is rebuilt on the new collation by
// PostgreSQL itself, when the plan alters the columns of q of its table
// (moving them or changing their type): ALTER COLUMN … TYPE rebuilds the
// indexes and keys on those columns from their definitions, which name no
// collation where the column's applies, so they take the new one. One that
// names q itself (COLLATE q) would be rebuilt on the old one: the plan
// drops it before and creates it after.
func (p *planner) rebuiltByAlter(q model.QName, d model.ObjectRef) bool {
	t := model.QName{Schema: d.Schema, Name: d.Table}
	if op, ok := p.tableOps[t]; ok && op != diff.Alter && op != diff.Rename {
		return false
	}
	var def string
	switch d.Kind {
	case model.KindIndex:
		ix := p.oi.index(t, d.Name)
		if ix == nil {
			return false
		}
		def = ix.Definition
	case model.KindConstraint:
		c := p.oi.constraint(t, d.Name)
		if c == nil || c.Type == model.ForeignKey {
			return false
		}
		def = c.Definition
	default:
		return false
	}
	if strings.Contains(def, "COLLATE "+ddl.QNameSQL(q)) {
		return false
	}
	ot := p.oi.tables[t]
	if ot == nil {
		return false
	}
	for _, c := range ot.Columns {
		if !usesCollation(c.Collation, q) || p.ni.column(t, c.Name) == nil {
			continue
		}
		if cc := p.columnOps[t][c.Name]; cc != nil && cc.Operation == diff.Drop {
			continue
		}
		return true
	}
	return false
}

// collationKind returns the rules of model.Collation: a collation whose
// definition changes is dropped and created, unless something uses it.
func collationKind() objectKind[model.Collation] {
	return objectKind[model.Collation]{
		change: (*planner).collationChange,
		inPlace: func(p *planner, c *diff.ObjectChange[model.Collation]) bool {
			// One that something uses is rebuilt under its name instead, by
			// the closure: DROP COLLATION fails while columns use it.
			return !collationRedefined(c.From, c.To) || len(p.dependents[ddl.KeyOf(collationTarget(c.From.QName).Ref)]) > 0
		},
	}
}
