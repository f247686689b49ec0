package render

import (
	"slices"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// dependentsOf maps every object of s to the objects of s that need it:
// what their Deps name, and what hangs off it (a table's triggers, rules,
// policies and partitions, a column's owned sequences, a partitioned
// index's partitions).
func dependentsOf(s *model.Schema, l *lookup) map[ddl.RefKey][]model.ObjectRef {
	d := dependents{}
	d.types(s)
	for i := range s.Sequences {
		q := &s.Sequences[i]
		if q.OwnedBy != nil {
			d.add(colRef(q.OwnedBy.Table, q.OwnedBy.Column), seqRef(q.QName))
		}
	}
	for i := range s.Tables {
		d.table(&s.Tables[i], l)
	}
	for i := range s.Views {
		v := &s.Views[i]
		d.addAll(v.Deps, ddl.ViewRefOf(v))
		for j := range v.Indexes {
			ix := &v.Indexes[j]
			d.addAll(ix.Deps, ddl.IndexRef(v.Schema, ix.Name, v.Name))
		}
	}
	d.routinesAndRest(s)
	for i := range s.Statistics {
		st := &s.Statistics[i]
		who := ddl.StatisticsRef(st.QName)
		if v := l.views[st.Table]; v != nil {
			d.add(ddl.ViewRefOf(v), who)
		} else {
			d.add(ddl.TableRef(st.Table), who)
		}
		d.addAll(st.Deps, who)
	}
	return d
}

// dependents is what dependentsOf builds: for each object, the objects
// that need it, each once.
type dependents map[ddl.RefKey][]model.ObjectRef

// add records that who needs on.
func (d dependents) add(on, who model.ObjectRef) {
	k := ddl.KeyOf(on)
	if ddl.KeyOf(who) == k || slices.ContainsFunc(d[k], func(r model.ObjectRef) bool { return ddl.KeyOf(r) == ddl.KeyOf(who) }) {
		return
	}
	d[k] = append(d[k], who)
}

// addAll records that who needs each of on.
func (d dependents) addAll(on []model.ObjectRef, who model.ObjectRef) {
	for _, r := range on {
		d.add(r, who)
	}
}

// typeDeps records that who needs the type and collation its text names.
func (d dependents) typeDeps(text, collation string, who model.ObjectRef) {
	for _, r := range ddl.TypeAndCollationRefs(text, collation) {
		d.add(r, who)
	}
}

// types records the dependents of domains, composite and range types.
func (d dependents) types(s *model.Schema) {
	for i := range s.Domains {
		dm := &s.Domains[i]
		who := typeRefOf(dm.QName)
		d.addAll(dm.Deps, who)
		d.typeDeps(dm.Type, dm.Collation, who)
	}
	for i := range s.CompositeTypes {
		c := &s.CompositeTypes[i]
		who := typeRefOf(c.QName)
		d.addAll(c.Deps, who)
		for _, a := range c.Attributes {
			d.typeDeps(a.Type, a.Collation, who)
		}
	}
	for i := range s.RangeTypes {
		r := &s.RangeTypes[i]
		who := typeRefOf(r.QName)
		d.addAll(r.Deps, who)
		d.typeDeps(r.Subtype, r.Collation, who)
	}
}

// table records what a table, its columns, constraints and indexes need.
func (d dependents) table(t *model.Table, l *lookup) {
	tr := ddl.TableRef(t.QName)
	if t.PartitionOf != nil {
		d.add(ddl.TableRef(*t.PartitionOf), tr)
	}
	for _, p := range t.Inherits {
		d.add(ddl.TableRef(p), tr)
	}
	if r, ok := ddl.TypeRef(t.OfType); ok {
		d.add(r, tr)
	}
	for _, c := range t.Columns {
		who := colRef(t.QName, c.Name)
		d.addAll(c.Deps, who)
		d.typeDeps(c.Type, c.Collation, who)
		for _, r := range ddl.SequenceRefs(c.Default) {
			d.add(r, who)
		}
	}
	for j := range t.Constraints {
		c := &t.Constraints[j]
		who := ddl.ConstraintRef(t.QName, c.Name)
		d.addAll(c.Deps, who)
		if c.ParentIndex != nil {
			d.add(ddl.IndexRef(c.ParentIndex.Schema, c.ParentIndex.Name, ""), who)
		}
		if c.Type == model.ForeignKey && c.RefTable != nil {
			d.foreignKey(c, who, l)
		}
	}
	for j := range t.Indexes {
		ix := &t.Indexes[j]
		who := ddl.IndexRef(t.Schema, ix.Name, t.Name)
		d.addAll(ix.Deps, who)
		if ix.ParentIndex != nil {
			d.add(ddl.IndexRef(ix.ParentIndex.Schema, ix.ParentIndex.Name, ""), who)
		}
	}
}

// foreignKey records that a foreign key needs its table and the key or
// unique index of it that it references.
func (d dependents) foreignKey(c *model.Constraint, who model.ObjectRef, l *lookup) {
	d.add(ddl.TableRef(*c.RefTable), who)
	rt := l.tables[*c.RefTable]
	if rt == nil {
		return
	}
	for k := range rt.Constraints {
		rc := &rt.Constraints[k]
		if (rc.Type == model.PrimaryKey || rc.Type == model.Unique) && slices.Equal(rc.Columns, c.RefColumns) {
			d.add(ddl.ConstraintRef(rt.QName, rc.Name), who)
		}
	}
	for _, ix := range rt.Indexes {
		if ix.Unique && ix.Predicate == "" && slices.Equal(ix.Keys, quotedNames(c.RefColumns)) {
			d.add(ddl.IndexRef(rt.Schema, ix.Name, rt.Name), who)
		}
	}
}

// routinesAndRest records the dependents of functions and aggregates, and
// what triggers, rules, policies, casts, default privileges and event
// triggers need.
func (d dependents) routinesAndRest(s *model.Schema) {
	for i := range s.Functions {
		d.addAll(s.Functions[i].Deps, ddl.FuncRef(s.Functions[i]))
	}
	for i := range s.Aggregates {
		d.addAll(s.Aggregates[i].Deps, ddl.AggRef(s.Aggregates[i]))
	}
	routines := map[model.QName][]model.ObjectRef{}
	for _, f := range s.Functions {
		routines[f.QName] = append(routines[f.QName], ddl.FuncRef(f))
	}
	for i := range s.Triggers {
		tr := &s.Triggers[i]
		who := triggerRefOf(tr)
		d.add(ddl.TableRef(tr.Table), who)
		d.addAll(tr.Deps, who)
		if q, ok := ddl.QNameRef(tr.Function); ok {
			d.addAll(routines[q], who)
		}
	}
	for i := range s.Rules {
		r := &s.Rules[i]
		who := ruleRefOf(r)
		d.add(ddl.TableRef(r.Table), who)
		d.addAll(r.Deps, who)
	}
	for i := range s.Policies {
		pl := &s.Policies[i]
		who := policyRefOf(pl)
		d.add(ddl.TableRef(pl.Table), who)
		d.addAll(pl.Deps, who)
	}
	for i := range s.Casts {
		d.addAll(s.Casts[i].Deps, castRefOf(&s.Casts[i]))
	}
	for i := range s.DefaultPrivileges {
		if dp := &s.DefaultPrivileges[i]; dp.Schema != "" {
			d.add(ddl.NamespaceRef(dp.Schema), ddl.DefaultPrivilegesRef(dp))
		}
	}
	for i := range s.EventTriggers {
		e := &s.EventTriggers[i]
		if q, ok := ddl.QNameRef(e.Function); ok {
			d.addAll(routines[q], model.ObjectRef{Kind: model.KindEventTrigger, Name: e.Name})
		}
	}
}
