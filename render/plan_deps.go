package render

import (
	"slices"
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// lookup finds the objects of one schema by name.
type lookup struct {
	tables     map[model.QName]*model.Table
	views      map[model.QName]*model.View
	enums      map[model.QName]*model.Enum
	domains    map[model.QName]*model.Domain
	composites map[model.QName]*model.CompositeType
	ranges     map[model.QName]*model.RangeType
	sequences  map[model.QName]*model.Sequence
	functions  map[ddl.RefKey]*model.Function
	aggregates map[ddl.RefKey]*model.Aggregate
	triggers   map[ddl.RefKey]*model.Trigger
	rules      map[ddl.RefKey]*model.Rule
	policies   map[ddl.RefKey]*model.Policy
	casts      map[ddl.RefKey]*model.Cast
	statistics map[model.QName]*model.Statistics
	// owned lists the sequences owned by a column of a table.
	owned map[model.QName][]*model.Sequence
}

func newLookup(s *model.Schema) *lookup {
	l := &lookup{
		tables: map[model.QName]*model.Table{}, views: map[model.QName]*model.View{},
		enums: map[model.QName]*model.Enum{}, domains: map[model.QName]*model.Domain{},
		composites: map[model.QName]*model.CompositeType{}, ranges: map[model.QName]*model.RangeType{},
		sequences: map[model.QName]*model.Sequence{}, functions: map[ddl.RefKey]*model.Function{},
		aggregates: map[ddl.RefKey]*model.Aggregate{}, triggers: map[ddl.RefKey]*model.Trigger{},
		rules: map[ddl.RefKey]*model.Rule{}, policies: map[ddl.RefKey]*model.Policy{}, casts: map[ddl.RefKey]*model.Cast{},
		owned: map[model.QName][]*model.Sequence{}, statistics: map[model.QName]*model.Statistics{},
	}
	for i := range s.Statistics {
		l.statistics[s.Statistics[i].QName] = &s.Statistics[i]
	}
	for i := range s.Tables {
		l.tables[s.Tables[i].QName] = &s.Tables[i]
	}
	for i := range s.Views {
		l.views[s.Views[i].QName] = &s.Views[i]
	}
	for i := range s.Enums {
		l.enums[s.Enums[i].QName] = &s.Enums[i]
	}
	for i := range s.Domains {
		l.domains[s.Domains[i].QName] = &s.Domains[i]
	}
	for i := range s.CompositeTypes {
		l.composites[s.CompositeTypes[i].QName] = &s.CompositeTypes[i]
	}
	for i := range s.RangeTypes {
		l.ranges[s.RangeTypes[i].QName] = &s.RangeTypes[i]
	}
	for i := range s.Sequences {
		q := &s.Sequences[i]
		l.sequences[q.QName] = q
		if q.OwnedBy != nil {
			l.owned[q.OwnedBy.Table] = append(l.owned[q.OwnedBy.Table], q)
		}
	}
	for i := range s.Functions {
		l.functions[ddl.KeyOf(ddl.FuncRef(s.Functions[i]))] = &s.Functions[i]
	}
	for i := range s.Aggregates {
		l.aggregates[ddl.KeyOf(ddl.AggRef(s.Aggregates[i]))] = &s.Aggregates[i]
	}
	for i := range s.Triggers {
		l.triggers[ddl.KeyOf(triggerRefOf(&s.Triggers[i]))] = &s.Triggers[i]
	}
	for i := range s.Rules {
		l.rules[ddl.KeyOf(ruleRefOf(&s.Rules[i]))] = &s.Rules[i]
	}
	for i := range s.Policies {
		l.policies[ddl.KeyOf(policyRefOf(&s.Policies[i]))] = &s.Policies[i]
	}
	for i := range s.Casts {
		l.casts[ddl.KeyOf(castRefOf(&s.Casts[i]))] = &s.Casts[i]
	}
	return l
}

func triggerRefOf(t *model.Trigger) model.ObjectRef {
	return childRef(model.KindTrigger, t.Table, t.Name)
}

func ruleRefOf(r *model.Rule) model.ObjectRef { return childRef(model.KindRule, r.Table, r.Name) }

func policyRefOf(p *model.Policy) model.ObjectRef { return childRef(model.KindPolicy, p.Table, p.Name) }

func castRefOf(c *model.Cast) model.ObjectRef {
	return model.ObjectRef{Kind: model.KindCast, Name: c.Key()}
}

// owner returns the table or materialized view an index of the schema is
// on, and whether it is partitioned.
func (l *lookup) indexOwner(q model.QName) (ref model.ObjectRef, partitioned, ok bool) {
	if t := l.tables[q]; t != nil {
		return ddl.TableRef(q), t.Kind == model.TablePartitioned, true
	}
	if v := l.views[q]; v != nil {
		return ddl.ViewRefOf(v), false, true
	}
	return model.ObjectRef{}, false, false
}

func (l *lookup) index(q model.QName, name string) *model.Index {
	var ixs []model.Index
	if t := l.tables[q]; t != nil {
		ixs = t.Indexes
	} else if v := l.views[q]; v != nil {
		ixs = v.Indexes
	}
	for i := range ixs {
		if ixs[i].Name == name {
			return &ixs[i]
		}
	}
	return nil
}

func (l *lookup) constraint(q model.QName, name string) *model.Constraint {
	if t := l.tables[q]; t != nil {
		for i := range t.Constraints {
			if t.Constraints[i].Name == name {
				return &t.Constraints[i]
			}
		}
	}
	return nil
}

func (l *lookup) column(q model.QName, name string) *model.Column {
	if t := l.tables[q]; t != nil {
		for i := range t.Columns {
			if t.Columns[i].Name == name {
				return &t.Columns[i]
			}
		}
	}
	return nil
}

// parentColumn finds the column that a partition or inheritance child
// inherits from its parent, with the parent's name.
func (l *lookup) parentColumn(t *model.Table, name string) (model.QName, *model.Column) {
	parents := t.Inherits
	if t.PartitionOf != nil {
		parents = []model.QName{*t.PartitionOf}
	}
	for _, p := range parents {
		if c := l.column(p, name); c != nil {
			return p, c
		}
	}
	return model.QName{}, nil
}

// keyIndexRef is the index that implements a key or exclusion constraint.
func keyIndexRef(t model.QName, c *model.Constraint) (model.ObjectRef, bool) {
	switch c.Type {
	case model.PrimaryKey, model.Unique, model.Exclusion:
		name := c.Index
		if name == "" {
			name = c.Name
		}
		return ddl.IndexRef(t.Schema, name, t.Name), true
	}
	return model.ObjectRef{}, false
}

// tableParts are the parts dropped along with a table: its columns,
// constraints (and their indexes) and indexes.
func tableParts(t *model.Table) []model.ObjectRef {
	var parts []model.ObjectRef
	for _, c := range t.Columns {
		parts = append(parts, colRef(t.QName, c.Name))
	}
	for i := range t.Constraints {
		c := &t.Constraints[i]
		parts = append(parts, ddl.ConstraintRef(t.QName, c.Name))
		if r, ok := keyIndexRef(t.QName, c); ok {
			parts = append(parts, r)
		}
	}
	for _, ix := range t.Indexes {
		parts = append(parts, ddl.IndexRef(t.Schema, ix.Name, t.Name))
	}
	return parts
}

func quotedNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = sqlq.QuoteIdent(n)
	}
	return out
}

// inSchema lists the free-standing objects of s in a namespace, for the
// drop of the namespace to wait on.
func inSchema(s *model.Schema, ns string) []model.ObjectRef {
	var out []model.ObjectRef
	for _, e := range s.Extensions {
		if e.Schema == ns {
			out = append(out, model.ObjectRef{Kind: model.KindExtension, Name: e.Name})
		}
	}
	for _, c := range s.Collations {
		if c.Schema == ns {
			out = append(out, model.ObjectRef{Kind: model.KindCollation, Schema: ns, Name: c.Name})
		}
	}
	for _, e := range s.Enums {
		if e.Schema == ns {
			out = append(out, typeRefOf(e.QName))
		}
	}
	for _, d := range s.Domains {
		if d.Schema == ns {
			out = append(out, typeRefOf(d.QName))
		}
	}
	for _, c := range s.CompositeTypes {
		if c.Schema == ns {
			out = append(out, typeRefOf(c.QName))
		}
	}
	for _, r := range s.RangeTypes {
		if r.Schema == ns {
			out = append(out, typeRefOf(r.QName))
		}
	}
	for _, q := range s.Sequences {
		if q.Schema == ns {
			out = append(out, seqRef(q.QName))
		}
	}
	for _, t := range s.Tables {
		if t.Schema == ns {
			out = append(out, ddl.TableRef(t.QName))
		}
	}
	for i := range s.Views {
		if s.Views[i].Schema == ns {
			out = append(out, ddl.ViewRefOf(&s.Views[i]))
		}
	}
	for _, f := range s.Functions {
		if f.Schema == ns {
			out = append(out, ddl.FuncRef(f))
		}
	}
	for _, a := range s.Aggregates {
		if a.Schema == ns {
			out = append(out, ddl.AggRef(a))
		}
	}
	for _, st := range s.Statistics {
		if st.Schema == ns {
			out = append(out, ddl.StatisticsRef(st.QName))
		}
	}
	return out
}

// triggerUsesColumns reports whether a trigger names columns (UPDATE OF or
// a WHEN condition), which stops a column's type from changing under it.
func triggerUsesColumns(tr *model.Trigger) bool {
	def := tr.Definition
	return ddl.IndexTopLevel(def, " UPDATE OF ") >= 0 || ddl.IndexTopLevel(def, " WHEN (") >= 0
}

// retypeBlockers are the objects of the source that stop the type of
// columns of table t from changing, or the columns from being dropped:
// views, rules and policies that read the table, triggers that name its
// columns, and foreign keys on those columns or referencing them.
func (p *planner) retypeBlockers(t model.QName, cols map[string]bool) []model.ObjectRef {
	var out []model.ObjectRef
	for _, d := range p.dependents[ddl.KeyOf(ddl.TableRef(t))] {
		switch d.Kind {
		case model.KindView, model.KindMaterializedView, model.KindRule, model.KindPolicy:
			out = append(out, d)
		case model.KindStatistics:
			// Not a blocker: PostgreSQL drops statistics with a column they
			// use and rebuilds them on a retype, but resets their target.
			// Dropped first and created after, they keep it.
			if st := p.oi.statistics[model.QName{Schema: d.Schema, Name: d.Name}]; st != nil && ddl.StatisticsUses(st.Definition, cols) {
				out = append(out, d)
			}
		case model.KindTrigger:
			if tr := p.oi.triggers[ddl.KeyOf(d)]; tr != nil && triggerUsesColumns(tr) {
				out = append(out, d)
			}
		case model.KindFunction:
			// A SQL-standard body (BEGIN ATOMIC, RETURN) depends on the
			// columns it reads, as a view does.
			if f := p.oi.functions[ddl.KeyOf(d)]; f != nil && hasSQLBody(f) {
				out = append(out, d)
			}
		}
	}
	// Views that read the table's row type through a function of it are not
	// rebuilt: PostgreSQL allows that change.
	for _, ot := range p.old.Tables {
		for i := range ot.Constraints {
			c := &ot.Constraints[i]
			if c.Type != model.ForeignKey {
				continue
			}
			hit := ot.QName == t && slices.ContainsFunc(c.Columns, func(n string) bool { return cols[n] })
			if c.RefTable != nil && *c.RefTable == t && slices.ContainsFunc(c.RefColumns, func(n string) bool { return cols[n] }) {
				hit = true
			}
			if hit {
				out = append(out, ddl.ConstraintRef(ot.QName, c.Name))
			}
		}
	}
	return out
}

// hasSQLBody reports whether a function has a SQL-standard body, parsed
// when it is created, rather than a string: pg_get_functiondef writes no
// AS clause for it.
func hasSQLBody(f *model.Function) bool {
	if f.Language != "sql" {
		return false
	}
	for _, line := range strings.Split(f.Definition, "\n") {
		switch {
		case strings.HasPrefix(line, "AS "):
			return false
		case line == "BEGIN ATOMIC" || strings.HasPrefix(line, "RETURN "):
			return true
		}
	}
	return false
}

// typeOf returns the type a column type text names, without array
// brackets or modifiers, when it is schema-qualified.
func typeOf(text string) (model.QName, bool) {
	q, ok := ddl.QNameRef(text)
	return q, ok
}

// record notes what the plan's changes name, for the closure and the
// renderers.
func (p *planner) record(changes []diff.Change) {
	for _, c := range changes {
		if c.Op() == diff.Create {
			p.created[ddl.KeyOf(c.Ref())] = true
		}
		if c.Op() == diff.Drop {
			p.markDropped(c.Ref())
			switch c := c.(type) {
			case *diff.TableChange:
				p.markDropped(tableParts(c.From)...)
			case *diff.ConstraintChange:
				if r, ok := keyIndexRef(c.Table, c.From); ok {
					p.markDropped(r)
				}
			}
		}
		switch c := c.(type) {
		case *diff.TableChange:
			q := c.Ref()
			qn := model.QName{Schema: q.Schema, Name: q.Name}
			if prev, ok := p.tableOps[qn]; !ok || prev != diff.Drop {
				p.tableOps[qn] = c.Operation
			}
			if c.Operation == diff.Rename {
				p.renamed[c.To.QName] = c.From.QName
			}
		case *diff.ColumnChange:
			if p.columnOps[c.Table] == nil {
				p.columnOps[c.Table] = map[string]*diff.ColumnChange{}
			}
			name := c.Ref().Name
			if prev := p.columnOps[c.Table][name]; prev == nil || prev.Operation != diff.Drop {
				p.columnOps[c.Table][name] = c
			}
		}
	}
}

// oldTable returns the source's table that the target names q: under its
// old name when the plan renames it, then in a copy that bears the new
// name, as the plan's statements after the rename call it.
func (p *planner) oldTable(q model.QName) *model.Table {
	old, ok := p.renamed[q]
	if !ok {
		return p.oi.tables[q]
	}
	t := p.oi.tables[old]
	if t == nil {
		return nil
	}
	c := *t
	c.QName = q
	return &c
}
