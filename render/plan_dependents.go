package render

import (
	"slices"

	"github.com/retortdb/retort/model"
)

// dependentsOf maps every object of s to the objects of s that need it:
// what their Deps name, and what hangs off it (a table's triggers, rules,
// policies and partitions, a column's owned sequences, a partitioned
// index's partitions).
func dependentsOf(s *model.Schema, l *lookup) map[refKey][]model.ObjectRef {
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
		d.addAll(v.Deps, viewRefOf(v))
		for j := range v.Indexes {
			ix := &v.Indexes[j]
			d.addAll(ix.Deps, indexRef(v.Schema, ix.Name, v.Name))
		}
	}
	d.routinesAndRest(s)
	for i := range s.Statistics {
		st := &s.Statistics[i]
		who := statisticsRef(st.QName)
		if v := l.views[st.Table]; v != nil {
			d.add(viewRefOf(v), who)
		} else {
			d.add(tableRef(st.Table), who)
		}
		d.addAll(st.Deps, who)
	}
	return d
}

// dependents is what dependentsOf builds: for each object, the objects
// that need it, each once.
type dependents map[refKey][]model.ObjectRef

// add records that who needs on.
func (d dependents) add(on, who model.ObjectRef) {
	k := keyOf(on)
	if keyOf(who) == k || slices.ContainsFunc(d[k], func(r model.ObjectRef) bool { return keyOf(r) == keyOf(who) }) {
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
	for _, r := range typeAndCollationRefs(text, collation) {
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
	tr := tableRef(t.QName)
	if t.PartitionOf != nil {
		d.add(tableRef(*t.PartitionOf), tr)
	}
	for _, p := range t.Inherits {
		d.add(tableRef(p), tr)
	}
	if r, ok := typeRef(t.OfType); ok {
		d.add(r, tr)
	}
	for _, c := range t.Columns {
		who := colRef(t.QName, c.Name)
		d.addAll(c.Deps, who)
		d.typeDeps(c.Type, c.Collation, who)
		for _, r := range sequenceRefs(c.Default) {
			d.add(r, who)
		}
	}
	for j := range t.Constraints {
		c := &t.Constraints[j]
		who := constraintRef(t.QName, c.Name)
		d.addAll(c.Deps, who)
		if c.ParentIndex != nil {
			d.add(indexRef(c.ParentIndex.Schema, c.ParentIndex.Name, ""), who)
		}
		if c.Type == model.ForeignKey && c.RefTable != nil {
			d.foreignKey(c, who, l)
		}
	}
	for j := range t.Indexes {
		ix := &t.Indexes[j]
		who := indexRef(t.Schema, ix.Name, t.Name)
		d.addAll(ix.Deps, who)
		if ix.ParentIndex != nil {
			d.add(indexRef(ix.ParentIndex.Schema, ix.ParentIndex.Name, ""), who)
		}
	}
}

// foreignKey records that a foreign key needs its table and the key or
// unique index of it that it references.
func (d dependents) foreignKey(c *model.Constraint, who model.ObjectRef, l *lookup) {
	d.add(tableRef(*c.RefTable), who)
	rt := l.tables[*c.RefTable]
	if rt == nil {
		return
	}
	for k := range rt.Constraints {
		rc := &rt.Constraints[k]
		if (rc.Type == model.PrimaryKey || rc.Type == model.Unique) && slices.Equal(rc.Columns, c.RefColumns) {
			d.add(constraintRef(rt.QName, rc.Name), who)
		}
	}
	for _, ix := range rt.Indexes {
		if ix.Unique && ix.Predicate == "" && slices.Equal(ix.Keys, quotedNames(c.RefColumns)) {
			d.add(indexRef(rt.Schema, ix.Name, rt.Name), who)
		}
	}
}

// routinesAndRest records the dependents of functions and aggregates, and
// what triggers, rules, policies, casts, default privileges and event
// triggers need.
func (d dependents) routinesAndRest(s *model.Schema) {
	for i := range s.Functions {
		d.addAll(s.Functions[i].Deps, funcRef(s.Functions[i]))
	}
	for i := range s.Aggregates {
		d.addAll(s.Aggregates[i].Deps, aggRef(s.Aggregates[i]))
	}
	routines := map[model.QName][]model.ObjectRef{}
	for _, f := range s.Functions {
		routines[f.QName] = append(routines[f.QName], funcRef(f))
	}
	for i := range s.Triggers {
		tr := &s.Triggers[i]
		who := triggerRefOf(tr)
		d.add(tableRef(tr.Table), who)
		d.addAll(tr.Deps, who)
		if q, ok := qnameRef(tr.Function); ok {
			d.addAll(routines[q], who)
		}
	}
	for i := range s.Rules {
		r := &s.Rules[i]
		who := ruleRefOf(r)
		d.add(tableRef(r.Table), who)
		d.addAll(r.Deps, who)
	}
	for i := range s.Policies {
		pl := &s.Policies[i]
		who := policyRefOf(pl)
		d.add(tableRef(pl.Table), who)
		d.addAll(pl.Deps, who)
	}
	for i := range s.Casts {
		d.addAll(s.Casts[i].Deps, castRefOf(&s.Casts[i]))
	}
	for i := range s.DefaultPrivileges {
		if dp := &s.DefaultPrivileges[i]; dp.Schema != "" {
			d.add(nsRef(dp.Schema), defaultPrivilegesRef(dp))
		}
	}
	for i := range s.EventTriggers {
		e := &s.EventTriggers[i]
		if q, ok := qnameRef(e.Function); ok {
			d.addAll(routines[q], model.ObjectRef{Kind: model.KindEventTrigger, Name: e.Name})
		}
	}
}
