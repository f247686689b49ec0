package model

import (
	"cmp"
	"errors"
	"reflect"
	"slices"
	"strings"
)

// FunctionKey is the identity of a function or aggregate: its name and its
// identity arguments.
type FunctionKey struct {
	QName
	IdentityArgs string
}

// String returns schema.name(args).
func (k FunctionKey) String() string { return k.QName.String() + "(" + k.IdentityArgs + ")" }

// Key returns the function's identity.
func (f Function) Key() FunctionKey { return FunctionKey{f.QName, f.IdentityArgs} }

// Key returns the aggregate's identity.
func (a Aggregate) Key() FunctionKey { return FunctionKey{a.QName, a.IdentityArgs} }

func compareQName(a, b QName) int {
	if c := strings.Compare(a.Schema, b.Schema); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}

func compareFunctionKey(a, b FunctionKey) int {
	if c := compareQName(a.QName, b.QName); c != 0 {
		return c
	}
	return strings.Compare(a.IdentityArgs, b.IdentityArgs)
}

func compareTableChild(at QName, an string, bt QName, bn string) int {
	if c := compareQName(at, bt); c != 0 {
		return c
	}
	return strings.Compare(an, bn)
}

// Normalize puts s in canonical form: every list of objects sorted by its key
// (columns and enum labels keep their order, which is meaningful), dependency
// and grant lists sorted and without duplicates, and empty lists made nil.
// It is idempotent.
func (s *Schema) Normalize() {
	slices.SortFunc(s.Namespaces, func(a, b Namespace) int { return strings.Compare(a.Name, b.Name) })
	for i := range s.Namespaces {
		s.Namespaces[i].Grants = normGrants(s.Namespaces[i].Grants)
	}
	slices.SortFunc(s.Extensions, func(a, b Extension) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(s.Collations, func(a, b Collation) int { return compareQName(a.QName, b.QName) })
	slices.SortFunc(s.Enums, func(a, b Enum) int { return compareQName(a.QName, b.QName) })
	for i := range s.Enums {
		s.Enums[i].Grants = normGrants(s.Enums[i].Grants)
	}
	slices.SortFunc(s.Domains, func(a, b Domain) int { return compareQName(a.QName, b.QName) })
	for i := range s.Domains {
		d := &s.Domains[i]
		slices.SortFunc(d.Checks, func(a, b DomainCheck) int { return strings.Compare(a.Name, b.Name) })
		d.Checks = nilIfEmpty(d.Checks)
		d.Grants = normGrants(d.Grants)
		d.Deps = normDeps(d.Deps)
	}
	slices.SortFunc(s.CompositeTypes, func(a, b CompositeType) int { return compareQName(a.QName, b.QName) })
	for i := range s.CompositeTypes {
		s.CompositeTypes[i].Grants = normGrants(s.CompositeTypes[i].Grants)
		s.CompositeTypes[i].Deps = normDeps(s.CompositeTypes[i].Deps)
	}
	slices.SortFunc(s.RangeTypes, func(a, b RangeType) int { return compareQName(a.QName, b.QName) })
	for i := range s.RangeTypes {
		s.RangeTypes[i].Grants = normGrants(s.RangeTypes[i].Grants)
		s.RangeTypes[i].Deps = normDeps(s.RangeTypes[i].Deps)
	}
	slices.SortFunc(s.Sequences, func(a, b Sequence) int { return compareQName(a.QName, b.QName) })
	for i := range s.Sequences {
		s.Sequences[i].Grants = normGrants(s.Sequences[i].Grants)
	}
	slices.SortFunc(s.Tables, func(a, b Table) int { return compareQName(a.QName, b.QName) })
	for i := range s.Tables {
		s.Tables[i].normalize()
	}
	slices.SortFunc(s.Views, func(a, b View) int { return compareQName(a.QName, b.QName) })
	for i := range s.Views {
		v := &s.Views[i]
		for j := range v.Columns {
			v.Columns[j].Grants = normGrants(v.Columns[j].Grants)
		}
		normIndexes(&v.Indexes)
		v.Options = sortedStrings(v.Options)
		v.Grants = normGrants(v.Grants)
		v.Deps = normDeps(v.Deps)
	}
	slices.SortFunc(s.Functions, func(a, b Function) int { return compareFunctionKey(a.Key(), b.Key()) })
	for i := range s.Functions {
		s.Functions[i].Grants = normGrants(s.Functions[i].Grants)
		s.Functions[i].Deps = normDeps(s.Functions[i].Deps)
	}
	slices.SortFunc(s.Aggregates, func(a, b Aggregate) int { return compareFunctionKey(a.Key(), b.Key()) })
	for i := range s.Aggregates {
		s.Aggregates[i].Grants = normGrants(s.Aggregates[i].Grants)
		s.Aggregates[i].Deps = normDeps(s.Aggregates[i].Deps)
	}
	slices.SortFunc(s.Triggers, func(a, b Trigger) int { return compareTableChild(a.Table, a.Name, b.Table, b.Name) })
	for i := range s.Triggers {
		s.Triggers[i].Deps = normDeps(s.Triggers[i].Deps)
	}
	slices.SortFunc(s.EventTriggers, func(a, b EventTrigger) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(s.Rules, func(a, b Rule) int { return compareTableChild(a.Table, a.Name, b.Table, b.Name) })
	for i := range s.Rules {
		s.Rules[i].Deps = normDeps(s.Rules[i].Deps)
	}
	slices.SortFunc(s.Policies, func(a, b Policy) int { return compareTableChild(a.Table, a.Name, b.Table, b.Name) })
	for i := range s.Policies {
		s.Policies[i].Roles = sortedStrings(s.Policies[i].Roles)
		s.Policies[i].Deps = normDeps(s.Policies[i].Deps)
	}
	slices.SortFunc(s.Statistics, func(a, b Statistics) int { return compareQName(a.QName, b.QName) })
	for i := range s.Statistics {
		s.Statistics[i].Deps = normDeps(s.Statistics[i].Deps)
	}
	slices.SortFunc(s.ForeignDataWrappers, func(a, b ForeignDataWrapper) int { return strings.Compare(a.Name, b.Name) })
	for i := range s.ForeignDataWrappers {
		s.ForeignDataWrappers[i].Grants = normGrants(s.ForeignDataWrappers[i].Grants)
	}
	slices.SortFunc(s.Servers, func(a, b ForeignServer) int { return strings.Compare(a.Name, b.Name) })
	for i := range s.Servers {
		s.Servers[i].Grants = normGrants(s.Servers[i].Grants)
	}
	slices.SortFunc(s.UserMappings, func(a, b UserMapping) int {
		return cmp.Or(strings.Compare(a.Server, b.Server), strings.Compare(a.User, b.User))
	})
	slices.SortFunc(s.Casts, func(a, b Cast) int { return strings.Compare(a.Key(), b.Key()) })
	slices.SortFunc(s.DefaultPrivileges, func(a, b DefaultPrivileges) int {
		return cmp.Or(strings.Compare(a.Role, b.Role), strings.Compare(a.Schema, b.Schema), strings.Compare(a.ObjectType, b.ObjectType))
	})
	for i := range s.DefaultPrivileges {
		s.DefaultPrivileges[i].Grants = normGrants(s.DefaultPrivileges[i].Grants)
	}
	for i := range s.Casts {
		s.Casts[i].Deps = normDeps(s.Casts[i].Deps)
	}
	if len(s.Unsupported) == 0 {
		s.Unsupported = nil
	}
}

func (t *Table) normalize() {
	for i := range t.Columns {
		c := &t.Columns[i]
		c.Grants = normGrants(c.Grants)
		c.Deps = normDeps(c.Deps)
	}
	slices.SortFunc(t.Constraints, func(a, b Constraint) int { return strings.Compare(a.Name, b.Name) })
	t.Constraints = nilIfEmpty(t.Constraints)
	for i := range t.Constraints {
		t.Constraints[i].Deps = normDeps(t.Constraints[i].Deps)
	}
	normIndexes(&t.Indexes)
	t.Options = sortedStrings(t.Options)
	t.Grants = normGrants(t.Grants)
}

func normIndexes(ix *[]Index) {
	slices.SortFunc(*ix, func(a, b Index) int { return strings.Compare(a.Name, b.Name) })
	*ix = nilIfEmpty(*ix)
	for i := range *ix {
		(*ix)[i].Deps = normDeps((*ix)[i].Deps)
	}
}

func normGrants(g []Grant) []Grant {
	slices.SortFunc(g, func(a, b Grant) int {
		if c := cmp.Or(strings.Compare(a.Grantee, b.Grantee), strings.Compare(a.Privilege, b.Privilege)); c != 0 {
			return c
		}
		if a.Grantable == b.Grantable {
			return 0
		}
		if !a.Grantable {
			return -1
		}
		return 1
	})
	return nilIfEmpty(slices.Compact(g))
}

func normDeps(d []ObjectRef) []ObjectRef {
	slices.SortFunc(d, ObjectRef.compare)
	return nilIfEmpty(slices.Compact(d))
}

func sortedStrings(s []string) []string {
	slices.Sort(s)
	return nilIfEmpty(s)
}

func nilIfEmpty[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}

// Equal reports whether s and o describe the same objects. Both must be
// normalized; ServerMajor and the Unsupported counts are not compared.
func (s *Schema) Equal(o *Schema) bool {
	a, b := *s, *o
	a.ServerMajor, b.ServerMajor = 0, 0
	a.Unsupported, b.Unsupported = nil, nil
	a.TableSizes, b.TableSizes = nil, nil
	a.Tables, b.Tables = withoutRenameHints(a.Tables), withoutRenameHints(b.Tables)
	return reflect.DeepEqual(a, b)
}

// withoutRenameHints returns tables without their RenamedFrom hints,
// copying only when there is one to clear.
func withoutRenameHints(tables []Table) []Table {
	hinted := slices.ContainsFunc(tables, func(t Table) bool {
		return t.RenamedFrom != "" || slices.ContainsFunc(t.Columns, func(c Column) bool { return c.RenamedFrom != "" })
	})
	if !hinted {
		return tables
	}
	out := slices.Clone(tables)
	for i := range out {
		out[i].RenamedFrom = ""
		out[i].Columns = slices.Clone(out[i].Columns)
		for j := range out[i].Columns {
			out[i].Columns[j].RenamedFrom = ""
		}
	}
	return out
}

// Validate reports every problem that would stop the schema from being
// created: empty or duplicate names, and references to tables or columns that
// do not exist. The errors are joined, one per problem.
func (s *Schema) Validate() error {
	var errs []error
	seen := map[string]bool{}
	dup := func(kind, key string) {
		k := kind + "\x00" + key
		if seen[k] {
			errs = append(errs, errorf(kind+" "+key, "declared more than once"))
		}
		seen[k] = true
	}
	for _, n := range s.Namespaces {
		if n.Name == "" {
			errs = append(errs, errors.New("schema with an empty name"))
		}
		dup("schema", n.Name)
	}
	// Relations and types share pg_class/pg_type name spaces per schema.
	rel := func(q QName) {
		if q.Name == "" {
			errs = append(errs, errorf("relation in schema "+q.Schema, "empty name"))
		}
		dup("relation", q.String())
	}
	typ := func(q QName) {
		if q.Name == "" {
			errs = append(errs, errorf("type in schema "+q.Schema, "empty name"))
		}
		dup("type", q.String())
	}
	for _, e := range s.Enums {
		typ(e.QName)
		labels := map[string]bool{}
		for _, l := range e.Labels {
			if labels[l] {
				errs = append(errs, errorf("enum "+e.QName.String(), "label %q appears more than once", l))
			}
			labels[l] = true
		}
	}
	for _, d := range s.Domains {
		typ(d.QName)
	}
	for _, c := range s.CompositeTypes {
		typ(c.QName)
	}
	for _, r := range s.RangeTypes {
		typ(r.QName)
	}
	for _, q := range s.Sequences {
		rel(q.QName)
	}
	tables := map[QName]*Table{}
	for i := range s.Tables {
		t := &s.Tables[i]
		rel(t.QName)
		tables[t.QName] = t
	}
	for _, v := range s.Views {
		rel(v.QName)
	}
	for _, st := range s.Statistics {
		if st.Name == "" {
			errs = append(errs, errorf("statistics in schema "+st.Schema, "empty name"))
		}
		dup("statistics", st.QName.String())
	}
	for i := range s.Tables {
		errs = append(errs, s.Tables[i].validate(tables)...)
	}
	for _, f := range s.Functions {
		dup("function", f.Key().String())
	}
	for _, t := range s.Triggers {
		dup("trigger", t.Table.String()+"."+t.Name)
	}
	return errors.Join(errs...)
}

func (t *Table) validate(tables map[QName]*Table) []error {
	var errs []error
	name := "table " + t.QName.String()
	cols := map[string]bool{}
	for _, c := range t.Columns {
		switch {
		case c.Name == "":
			errs = append(errs, errorf(name, "column with an empty name"))
		case cols[c.Name]:
			errs = append(errs, errorf(name, "column %q declared more than once", c.Name))
		}
		cols[c.Name] = true
		if c.Type == "" {
			errs = append(errs, errorf(name, "column %q has no type", c.Name))
		}
	}
	if t.PartitionOf != nil {
		if _, ok := tables[*t.PartitionOf]; !ok {
			errs = append(errs, errorf(name, "partition of unknown table %s", t.PartitionOf))
		}
	}
	cons := map[string]bool{}
	for _, c := range t.Constraints {
		if cons[c.Name] {
			errs = append(errs, errorf(name, "constraint %q declared more than once", c.Name))
		}
		cons[c.Name] = true
		for _, col := range c.Columns {
			if !cols[col] && t.PartitionOf == nil && len(t.Inherits) == 0 {
				errs = append(errs, errorf(name, "constraint %q uses unknown column %q", c.Name, col))
			}
		}
		if c.Type == ForeignKey && c.RefTable != nil {
			ref, ok := tables[*c.RefTable]
			if !ok {
				errs = append(errs, errorf(name, "foreign key %q references unknown table %s", c.Name, c.RefTable))
				continue
			}
			refCols := map[string]bool{}
			for _, rc := range ref.Columns {
				refCols[rc.Name] = true
			}
			for _, rc := range c.RefColumns {
				if !refCols[rc] {
					errs = append(errs, errorf(name, "foreign key %q references unknown column %s.%s", c.Name, c.RefTable, rc))
				}
			}
		}
	}
	idx := map[string]bool{}
	for _, ix := range t.Indexes {
		if idx[ix.Name] {
			errs = append(errs, errorf(name, "index %q declared more than once", ix.Name))
		}
		idx[ix.Name] = true
	}
	return errs
}
