package render

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

func (p *planner) enumChange(c *diff.ObjectChange[model.Enum]) {
	switch c.Operation {
	case diff.Create:
		p.b.Enum(*c.To)
	case diff.Drop:
		p.drop(dropStmt{ref: typeRefOf(c.From.QName), kindPrio: ddl.PrioType, sql: "DROP TYPE " + ddl.QNameSQL(c.From.QName)})
	case diff.Alter:
		f, e := c.From, c.To
		if p.rebuilt[e.QName] {
			var lost []string
			for _, l := range f.Labels {
				if !slices.Contains(e.Labels, l) {
					lost = append(lost, l)
				}
			}
			p.rebuildType(e.QName, "TYPE", lost, func() { p.b.Enum(*e) })
			return
		}
		p.addEnumValues(f, e)
		t := ddl.TypeTarget(e.QName, "TYPE")
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
	name := ddl.QNameSQL(to.QName)
	label := func(l string) ddl.Token {
		return ddl.Token{Kind: ddl.TokLabel, Key: ddl.RefKey{Schema: to.Schema, Table: to.Name, Name: l}}
	}
	added := map[string]bool{}
	for i, l := range to.Labels {
		if have[l] {
			continue
		}
		sql := "ALTER TYPE " + name + " ADD VALUE " + sqlq.Literal(l)
		var req []ddl.Token
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
			ID:       ddl.StmtID(ddl.DropPrio, "add value", name, fmt.Sprintf("%06d", i)),
			Priority: ddl.DropPrio,
			SQL:      sql,
			Hazards:  []Hazard{{Kind: HazardNonTransactional, Message: "ALTER TYPE " + ddl.QNameSQL(to.QName) + " ADD VALUE runs outside a transaction block, so that later statements can use the new value"}},
			// Every column and default that uses the new labels waits for
			// them; a label comes after the one it is placed next to.
			Provides:   []model.ObjectRef{ref},
			ProvTokens: []ddl.Token{label(l)},
			ReqTokens:  req,
		})
	}
}

// tempName is the name a rebuilt type or collation has until it is
// dropped.
func tempName(name string) string { return truncName(name, "__retort_old") }

// truncName is name followed by suffix, name cut short (at a character
// boundary) where the two would pass PostgreSQL's 63-byte limit on names.
func truncName(name, suffix string) string {
	for len(name)+len(suffix) > 63 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name + suffix
}

// rebuildType replaces a type that cannot change in place (an enum that
// loses or reorders labels; a domain or composite type over a rebuilt type
// or a redefined collation) by [planner.rebuildRenamed], moving every
// column of the old type to the new one through text. lost are the enum
// labels that go away.
func (p *planner) rebuildType(q model.QName, kind string, lost []string, create func()) {
	p.rebuildRenamed(typeRefOf(q), kind, ddl.PrioType, create, func() {
		for _, col := range p.rebuiltColumns(q) {
			p.moveColumn(col, lost)
		}
	})
}

// rebuildRenamed replaces an object that cannot change in place while
// columns use it: the old object is renamed to a temporary name, the new
// one created under the name (create), the columns moved to it (move), and
// the old one dropped. Renaming first keeps every name that the new
// definitions, and the views, functions and the like that the plan's
// closure rebuilds around it, are written with. kind is the SQL word
// (TYPE, DOMAIN, COLLATION) and kindPrio its create priority.
func (p *planner) rebuildRenamed(ref model.ObjectRef, kind string, kindPrio int, create, move func()) {
	q := model.QName{Schema: ref.Schema, Name: ref.Name}
	id := string(ref.Kind) + " " + ddl.QNameSQL(q)
	tmp := tempName(q.Name)
	renamed := ddl.TokenOf(ddl.TokAside, ref)
	// What is dropped by its signature (functions, casts) is dropped before
	// the rename changes the signature's meaning; views and indexes that
	// name the object, before it takes the name of the old one.
	var before, after []ddl.Token
	for _, d := range p.dependents[ddl.KeyOf(ref)] {
		after = append(after, released(d))
		if d.Kind != diff.KindColumn && d.Kind != model.KindType {
			before = append(before, released(d))
		}
	}
	p.add(Statement{
		ID:         ddl.StmtID(ddl.DropPrio, "rename", id),
		Priority:   ddl.DropPrio,
		SQL:        "ALTER " + kind + " " + ddl.QNameSQL(q) + " RENAME TO " + sqlq.QuoteIdent(tmp),
		ProvTokens: []ddl.Token{freed(ref), renamed},
		ReqTokens:  before,
	})
	create()
	move()
	p.add(Statement{
		ID:         ddl.DropID(kindPrio, id+" old"),
		Priority:   ddl.DropPrio,
		SQL:        "DROP " + kind + " " + sqlq.Qualified(q.Schema, tmp),
		ProvTokens: []ddl.Token{released(ref)},
		// After the new object, which the old one's users have moved to.
		Requires:  []model.ObjectRef{ref},
		ReqTokens: append(after, renamed),
	})
}

// moveColumn moves a column to the new type of a rebuilt type, through
// text; its default, typed by the old type, is dropped before and set
// again after.
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
	subs = append(subs, col+" TYPE "+collatedType(c)+" USING "+name+"::text::"+c.Type)
	if c.Default != "" {
		subs = append(subs, col+" SET DEFAULT "+c.Default)
	}
	hz := []Hazard{
		{Kind: HazardTableRewrite, Message: "moving " + columnText(cr.Table, c.Name) + " to the rebuilt type " + strings.TrimSuffix(c.Type, "[]") + " rewrites the table"},
		lockHazard(cr.Table, "ALTER COLUMN TYPE"),
	}
	if len(lost) > 0 {
		what := "the values " + quotedList(lost) + " leave"
		if len(lost) == 1 {
			what = "the value " + quotedList(lost) + " leaves"
		}
		hz = append(hz, Hazard{Kind: HazardDataLoss, Message: what + " the type of " +
			columnText(cr.Table, c.Name) + ": rows that hold them make the statement fail"})
	}
	p.addMove(t, "column "+name+" move", []*model.Column{c}, subs, hz)
}

// collatedType is a column's type with its collation, as ALTER COLUMN …
// TYPE takes them.
func collatedType(c *model.Column) string {
	if c.Collation != "" {
		return c.Type + " COLLATE " + ddl.NameText(c.Collation)
	}
	return c.Type
}

// addMove adds the ALTER TABLE that moves columns of table t to a rebuilt
// object: it releases the columns' hold on the old one, and comes after
// the new one and after the views, rules and keys that stop the columns'
// type from changing are dropped.
func (p *planner) addMove(t *model.Table, id string, cols []*model.Column, subs []string, hz []Hazard) {
	st := p.alterStmt(t, id, ddl.AlterTable(t, false)+" "+strings.Join(subs, ",\n    "), hz...)
	names := map[string]bool{}
	for _, c := range cols {
		names[c.Name] = true
		st.Provides = append(st.Provides, colRef(t.QName, c.Name))
		st.ProvTokens = append(st.ProvTokens, released(colRef(t.QName, c.Name)))
		st.Requires = append(st.Requires, ddl.ColumnRequires(c, false)...)
	}
	for _, r := range p.retypeBlockers(t.QName, names) {
		st.ReqTokens = append(st.ReqTokens, released(r))
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

// enumKind returns the rules of model.Enum: an enum gains labels in place;
// the rest is the closure's (a rebuild under a temporary name).
func enumKind() objectKind[model.Enum] {
	return objectKind[model.Enum]{
		change: (*planner).enumChange,
	}
}
