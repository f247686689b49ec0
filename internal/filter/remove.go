package filter

import (
	"slices"

	"github.com/retortdb/retort/model"
)

// Rules say which objects [Remove] keeps. A nil rule keeps everything of
// its kind.
type Rules struct {
	// Object decides the objects that live in a schema: types, collations,
	// extensions, sequences, tables, views, functions and aggregates.
	Object func(model.QName) bool
	// Schema decides schemas and the default privileges of one schema.
	Schema func(name string) bool
	// Global decides the objects without a schema: event triggers,
	// foreign-data wrappers and servers, by name.
	Global func(name string) bool
}

// Remove deletes from s the objects rules do not keep, with what belongs to
// them: a table's triggers, rules, policies and owned sequences go with it,
// a partition with its parent, a server's user mappings with the server.
// It returns how many objects (not counting those parts) it removed.
func Remove(s *model.Schema, r Rules) int {
	rm := &remover{obj: r.Object, sch: r.Schema, glob: r.Global, gone: map[model.QName]bool{}}
	if rm.obj == nil {
		rm.obj = func(model.QName) bool { return true }
	}
	if rm.sch == nil {
		rm.sch = func(string) bool { return true }
	}
	if rm.glob == nil {
		rm.glob = func(string) bool { return true }
	}
	s.Namespaces = filterSlice(s.Namespaces, func(n model.Namespace) bool { return rm.kept(rm.sch(n.Name)) })
	s.Extensions = filterSlice(s.Extensions, func(e model.Extension) bool {
		return rm.keep(model.QName{Schema: e.Schema, Name: e.Name})
	})
	s.Collations = filterSlice(s.Collations, func(c model.Collation) bool { return rm.keep(c.QName) })
	s.Enums = filterSlice(s.Enums, func(e model.Enum) bool { return rm.keep(e.QName) })
	s.Domains = filterSlice(s.Domains, func(d model.Domain) bool { return rm.keep(d.QName) })
	s.CompositeTypes = filterSlice(s.CompositeTypes, func(c model.CompositeType) bool { return rm.keep(c.QName) })
	s.RangeTypes = filterSlice(s.RangeTypes, func(t model.RangeType) bool { return rm.keep(t.QName) })
	rm.relations(s)
	s.Functions = filterSlice(s.Functions, func(f model.Function) bool { return rm.keep(f.QName) })
	s.Aggregates = filterSlice(s.Aggregates, func(a model.Aggregate) bool { return rm.keep(a.QName) })
	s.Triggers = filterSlice(s.Triggers, func(t model.Trigger) bool { return !rm.gone[t.Table] })
	s.Rules = filterSlice(s.Rules, func(x model.Rule) bool { return !rm.gone[x.Table] })
	s.Policies = filterSlice(s.Policies, func(p model.Policy) bool { return !rm.gone[p.Table] })
	// Extended statistics go with their table, and with their own schema
	// (which need not be the table's).
	s.Statistics = filterSlice(s.Statistics, func(x model.Statistics) bool { return !rm.gone[x.Table] && rm.kept(rm.sch(x.Schema)) })
	rm.globals(s)
	s.DefaultPrivileges = filterSlice(s.DefaultPrivileges, func(d model.DefaultPrivileges) bool {
		return d.Schema == "" || rm.sch(d.Schema)
	})
	return rm.removed
}

// A remover is one run of [Remove].
type remover struct {
	obj     func(model.QName) bool
	sch     func(string) bool
	glob    func(string) bool
	removed int
	// gone collects the tables and views removed, for the parts that go
	// with them.
	gone map[model.QName]bool
}

// kept counts an object that is not kept, and returns ok.
func (rm *remover) kept(ok bool) bool {
	if !ok {
		rm.removed++
	}
	return ok
}

// keep decides an object that lives in a schema.
func (rm *remover) keep(q model.QName) bool { return rm.kept(rm.sch(q.Schema) && rm.obj(q)) }

// relations removes tables (partitions with their parent, down every
// level), views, and sequences (those owned by a removed table's column go
// with it).
func (rm *remover) relations(s *model.Schema) {
	s.Tables = filterSlice(s.Tables, func(t model.Table) bool {
		if !rm.keep(t.QName) {
			rm.gone[t.QName] = true
			return false
		}
		return true
	})
	for more := true; more; {
		more = false
		s.Tables = filterSlice(s.Tables, func(t model.Table) bool {
			if t.PartitionOf != nil && rm.gone[*t.PartitionOf] {
				rm.gone[t.QName] = true
				more = true
				return false
			}
			return true
		})
	}
	s.Views = filterSlice(s.Views, func(v model.View) bool {
		if !rm.keep(v.QName) {
			rm.gone[v.QName] = true
			return false
		}
		return true
	})
	s.Sequences = filterSlice(s.Sequences, func(q model.Sequence) bool {
		if q.OwnedBy != nil && rm.gone[q.OwnedBy.Table] {
			return false
		}
		return rm.keep(q.QName)
	})
}

// globals removes the objects without a schema: event triggers, and
// foreign-data wrappers with their servers and those servers' user
// mappings.
func (rm *remover) globals(s *model.Schema) {
	s.EventTriggers = filterSlice(s.EventTriggers, func(e model.EventTrigger) bool { return rm.kept(rm.glob(e.Name)) })
	wrappers := map[string]bool{}
	s.ForeignDataWrappers = filterSlice(s.ForeignDataWrappers, func(w model.ForeignDataWrapper) bool {
		if !rm.kept(rm.glob(w.Name)) {
			wrappers[w.Name] = true
			return false
		}
		return true
	})
	servers := map[string]bool{}
	s.Servers = filterSlice(s.Servers, func(v model.ForeignServer) bool {
		if !rm.kept(rm.glob(v.Name) && !wrappers[v.Wrapper]) {
			servers[v.Name] = true
			return false
		}
		return true
	})
	s.UserMappings = filterSlice(s.UserMappings, func(m model.UserMapping) bool { return !servers[m.Server] })
}

// filterSlice keeps the elements for which keep is true, in order; it
// returns nil for an empty result, as the model's Normalize does.
func filterSlice[T any](xs []T, keep func(T) bool) []T {
	out := xs[:0]
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Declares reports whether s declares the schema named or any object in
// it (types, collations, extensions, sequences, tables, views, functions,
// aggregates, extended statistics, default privileges).
func Declares(s *model.Schema, schema string) bool {
	in := func(q model.QName) bool { return q.Schema == schema }
	return slices.ContainsFunc(s.Namespaces, func(n model.Namespace) bool { return n.Name == schema }) ||
		slices.ContainsFunc(s.Extensions, func(e model.Extension) bool { return e.Schema == schema }) ||
		slices.ContainsFunc(s.Collations, func(c model.Collation) bool { return in(c.QName) }) ||
		slices.ContainsFunc(s.Enums, func(e model.Enum) bool { return in(e.QName) }) ||
		slices.ContainsFunc(s.Domains, func(d model.Domain) bool { return in(d.QName) }) ||
		slices.ContainsFunc(s.CompositeTypes, func(c model.CompositeType) bool { return in(c.QName) }) ||
		slices.ContainsFunc(s.RangeTypes, func(r model.RangeType) bool { return in(r.QName) }) ||
		slices.ContainsFunc(s.Sequences, func(q model.Sequence) bool { return in(q.QName) }) ||
		slices.ContainsFunc(s.Tables, func(t model.Table) bool { return in(t.QName) }) ||
		slices.ContainsFunc(s.Views, func(v model.View) bool { return in(v.QName) }) ||
		slices.ContainsFunc(s.Functions, func(f model.Function) bool { return in(f.QName) }) ||
		slices.ContainsFunc(s.Aggregates, func(a model.Aggregate) bool { return in(a.QName) }) ||
		slices.ContainsFunc(s.Statistics, func(x model.Statistics) bool { return in(x.QName) }) ||
		slices.ContainsFunc(s.DefaultPrivileges, func(d model.DefaultPrivileges) bool { return d.Schema == schema })
}
