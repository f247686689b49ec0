package render

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

func (p *planner) enumChange(c *diff.ObjectChange[model.Enum]) {
	switch c.Operation {
	case diff.Create:
		p.b.enum(*c.To)
	case diff.Drop:
		p.drop(dropStmt{ref: typeRefOf(c.From.QName), kindPrio: prioType, sql: "DROP TYPE " + qnameSQL(c.From.QName)})
	case diff.Alter:
		f, e := c.From, c.To
		if p.rebuilt[e.QName] {
			var lost []string
			for _, l := range f.Labels {
				if !slices.Contains(e.Labels, l) {
					lost = append(lost, l)
				}
			}
			p.rebuildType(e.QName, "TYPE", lost, func() { p.b.enum(*e) })
			return
		}
		p.addEnumValues(f, e)
		t := typeTarget(e.QName, "TYPE")
		p.commentChange(t, f.Comment, e.Comment)
		p.ownerChange(t, f.Owner, e.Owner)
		p.grantChange(t, f.Owner, e.Owner, f.Grants, e.Grants)
	}
}

// addEnumValues adds the labels that to has and from lacks, each next to a
// label that exists by then, in order. ALTER TYPE … ADD VALUE runs outside
// the plan's transaction: a value added in a transaction block cannot be
// used before the block commits.
func (p *planner) addEnumValues(from, to *model.Enum) {
	have := map[string]bool{}
	for _, l := range from.Labels {
		have[l] = true
	}
	ref := typeRefOf(to.QName)
	name := qnameSQL(to.QName)
	label := func(l string) model.ObjectRef {
		return model.ObjectRef{Kind: tokLabel, Schema: to.Schema, Table: to.Name, Name: l}
	}
	added := map[string]bool{}
	for i, l := range to.Labels {
		if have[l] {
			continue
		}
		sql := "ALTER TYPE " + name + " ADD VALUE " + sqlq.Literal(l)
		var req []model.ObjectRef
		switch {
		case i > 0:
			prev := to.Labels[i-1]
			sql += " AFTER " + sqlq.Literal(prev)
			if added[prev] {
				req = append(req, label(prev))
			}
		default:
			for _, next := range to.Labels[1:] {
				if have[next] {
					sql += " BEFORE " + sqlq.Literal(next)
					break
				}
			}
		}
		added[l] = true
		p.addStmt(Statement{
			ID:      stmtID(dropPrio, "add value", name, fmt.Sprintf("%06d", i)),
			SQL:     sql,
			Hazards: []Hazard{{Kind: HazardNonTransactional, Message: "ALTER TYPE " + to.QName.String() + " ADD VALUE runs outside a transaction block, so that later statements can use the new value"}},
			// Every column and default that uses the new labels waits for
			// them; a label comes after the one it is placed next to.
			Provides: []model.ObjectRef{ref, label(l)},
			Requires: req,
		})
	}
}

// tempName is the name a rebuilt type has until it is dropped.
func tempName(name string) string {
	const suffix = "__retort_old"
	for len(name)+len(suffix) > 63 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name + suffix
}

// rebuildType replaces a type that cannot change in place (an enum that
// loses or reorders labels, a domain over such an enum): the old type is
// renamed to a temporary name, the new one created under the name, every
// column of the old type moved to the new one through text, and the old
// type dropped. Views, functions and the like that use the type are rebuilt
// around it by the plan's closure. lost are the enum labels that go away.
func (p *planner) rebuildType(q model.QName, kind string, lost []string, create func()) {
	ref := typeRefOf(q)
	tmp := tempName(q.Name)
	renamed := token("renamed type ", ref)
	// What is dropped by its signature (functions, casts) is dropped before
	// the rename changes the signature's meaning.
	var before, after []model.ObjectRef
	for _, d := range p.dependents[keyOf(ref)] {
		after = append(after, released(d))
		if d.Kind != diff.KindColumn && d.Kind != model.KindType {
			before = append(before, released(d))
		}
	}
	p.add(Statement{
		ID:       stmtID(dropPrio, "rename", "type "+qnameSQL(q)),
		SQL:      "ALTER " + kind + " " + qnameSQL(q) + " RENAME TO " + sqlq.QuoteIdent(tmp),
		Provides: []model.ObjectRef{freed(ref), renamed},
		Requires: before,
	})
	create()
	for _, col := range p.rebuiltColumns(q) {
		p.moveColumn(col, lost)
	}
	p.add(Statement{
		ID:       stmtID(dropPrio, "drop", fmt.Sprintf("%02d", 40-prioType), "type "+qnameSQL(q)+" old"),
		SQL:      "DROP " + kind + " " + sqlq.Qualified(q.Schema, tmp),
		Provides: []model.ObjectRef{released(ref)},
		// After the new type, which the old one's users have moved to.
		Requires: append(after, renamed, ref),
	})
}

// moveColumn moves a column to the new type of a rebuilt type, through
// text; its default is dropped before and set again after.
func (p *planner) moveColumn(cr model.ColumnRef, lost []string) {
	t, c, oc := p.ni.tables[cr.Table], p.ni.column(cr.Table, cr.Column), p.oi.column(cr.Table, cr.Column)
	if t == nil || c == nil || oc == nil {
		return
	}
	name := sqlq.QuoteIdent(c.Name)
	col := "ALTER COLUMN " + name
	var subs []string
	if oc.Default != "" {
		subs = append(subs, col+" DROP DEFAULT")
	}
	typ := c.Type
	if c.Collation != "" {
		typ += " COLLATE " + nameText(c.Collation)
	}
	subs = append(subs, col+" TYPE "+typ+" USING "+name+"::text::"+c.Type)
	if c.Default != "" {
		subs = append(subs, col+" SET DEFAULT "+c.Default)
	}
	hz := []Hazard{
		{Kind: HazardTableRewrite, Message: "moving " + cr.Table.String() + "." + c.Name + " to the rebuilt type " + strings.TrimSuffix(c.Type, "[]") + " rewrites the table"},
		lockHazard(cr.Table, "ALTER COLUMN TYPE"),
	}
	if len(lost) > 0 {
		what := "the values " + quotedList(lost) + " leave"
		if len(lost) == 1 {
			what = "the value " + quotedList(lost) + " leaves"
		}
		hz = append(hz, Hazard{Kind: HazardDataLoss, Message: what + " the type of " +
			cr.Table.String() + "." + c.Name + ": rows that hold them make the statement fail"})
	}
	st := p.alterStmt(t, "column "+name+" move", alterTable(t, false)+" "+strings.Join(subs, ",\n    "), hz...)
	st.Provides = append(st.Provides, released(colRef(cr.Table, c.Name)), colRef(cr.Table, c.Name))
	st.Requires = append(st.Requires, columnRequires(c, false)...)
	for _, r := range p.retypeBlockers(cr.Table, map[string]bool{c.Name: true}) {
		st.Requires = append(st.Requires, released(r))
	}
	p.add(st)
}

func quotedList(labels []string) string {
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = sqlq.Literal(l)
	}
	return strings.Join(out, ", ")
}
