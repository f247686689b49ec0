package diff

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/retortdb/retort/model"
)

// Options steer Compare.
type Options struct {
	// Owners compares object owners; by default they are ignored.
	Owners bool
	// Privileges compares grants; by default they are ignored.
	Privileges bool
	// Renames turn a drop and a create into a rename.
	Renames []RenameHint
	// IgnoreExtensionVersions compares extensions by name and schema only,
	// for databases whose servers ship different versions of them.
	IgnoreExtensionVersions bool
}

// RenameHint is a hint that an object of the source is the same object as one of
// the target under another name. Without a hint Compare never guesses.
type RenameHint struct {
	// Kind is model.KindTable or KindColumn.
	Kind model.ObjectKind
	// From and To are the old and new names. For a column, Table is the
	// table as the target names it, and From/To are column names.
	Table    model.QName
	From, To model.QName
}

// Compare returns the changes that turn from into to, in a deterministic
// order (by kind, then key). Both schemas must be normalized. It returns an
// error for inconsistent options, such as a rename hint naming objects
// that do not exist, and a [*ServerTooOldError] when from was read from a
// server (from.ServerMajor) too old for what the changes create.
func Compare(from, to *model.Schema, opts Options) ([]Change, error) {
	c := comparer{opts: opts}
	if err := c.indexRenames(from, to); err != nil {
		return nil, err
	}
	c.out = appendObjects(c.out, from.Namespaces, to.Namespaces, func(n *model.Namespace) string { return n.Name }, c.changed)
	c.out = appendObjects(c.out, from.Extensions, to.Extensions, func(e *model.Extension) string { return e.Name }, c.changed)
	c.out = appendObjects(c.out, from.Collations, to.Collations, func(o *model.Collation) string { return qkey(o.QName) }, c.changed)
	c.out = appendObjects(c.out, from.Enums, to.Enums, func(o *model.Enum) string { return qkey(o.QName) }, c.changed)
	c.out = appendObjects(c.out, from.Domains, to.Domains, func(o *model.Domain) string { return qkey(o.QName) }, c.changed)
	c.out = appendObjects(c.out, from.CompositeTypes, to.CompositeTypes, func(o *model.CompositeType) string { return qkey(o.QName) }, c.changed)
	c.out = appendObjects(c.out, from.RangeTypes, to.RangeTypes, func(o *model.RangeType) string { return qkey(o.QName) }, c.changed)
	c.out = appendObjects(c.out, from.Sequences, to.Sequences, func(o *model.Sequence) string { return qkey(o.QName) }, c.changed)
	c.compareTables(from.Tables, to.Tables)
	c.compareViews(from.Views, to.Views)
	c.out = appendObjects(c.out, from.Statistics, to.Statistics, func(o *model.Statistics) string { return qkey(o.QName) }, c.changed)
	c.out = appendObjects(c.out, from.Functions, to.Functions, func(o *model.Function) string { return o.Key().String() }, c.changed)
	c.out = appendObjects(c.out, from.Aggregates, to.Aggregates, func(o *model.Aggregate) string { return o.Key().String() }, c.changed)
	c.out = appendObjects(c.out, from.Triggers, to.Triggers, func(o *model.Trigger) string { return qkey(o.Table) + "\x00" + o.Name }, c.changed)
	c.out = appendObjects(c.out, from.EventTriggers, to.EventTriggers, func(o *model.EventTrigger) string { return o.Name }, c.changed)
	c.out = appendObjects(c.out, from.Rules, to.Rules, func(o *model.Rule) string { return qkey(o.Table) + "\x00" + o.Name }, c.changed)
	c.out = appendObjects(c.out, from.Policies, to.Policies, func(o *model.Policy) string { return qkey(o.Table) + "\x00" + o.Name }, c.changed)
	c.out = appendObjects(c.out, from.ForeignDataWrappers, to.ForeignDataWrappers, func(o *model.ForeignDataWrapper) string { return o.Name }, c.changed)
	c.out = appendObjects(c.out, from.Servers, to.Servers, func(o *model.ForeignServer) string { return o.Name }, c.changed)
	c.out = appendObjects(c.out, from.UserMappings, to.UserMappings, func(o *model.UserMapping) string { return o.Server + "\x00" + o.User }, c.changed)
	c.out = appendObjects(c.out, from.Casts, to.Casts, func(o *model.Cast) string { return o.Key() }, c.changed)
	if opts.Privileges {
		// Default privileges are privileges: compared only when grants are.
		c.out = appendObjects(c.out, from.DefaultPrivileges, to.DefaultPrivileges,
			func(o *model.DefaultPrivileges) string { return o.Role + "\x00" + o.Schema + "\x00" + o.ObjectType }, c.changed)
	}
	if err := checkServer(c.out, from.ServerMajor); err != nil {
		return nil, err
	}
	return c.out, nil
}

type comparer struct {
	opts Options
	out  []Change
	// tableRenames maps a source table to its target name, and back.
	tableFrom, tableTo map[model.QName]model.QName
	// columnRenames maps target table, then source column name to target name.
	columnFrom map[model.QName]map[string]string
}

func qkey(q model.QName) string { return q.Schema + "\x00" + q.Name }

// appendObjects compares two lists of one kind of free-standing object
// by key and appends an [ObjectChange] for every key that differs.
func appendObjects[T Object](out []Change, from, to []T, key func(*T) string, changed func(a, b any) []string) []Change {
	return appendChanges(out, from, to, key, changed, func(op Op, f, t *T, fields []string) Change {
		return &ObjectChange[T]{Operation: op, From: f, To: t, Fields: fields}
	})
}

// appendChanges compares two lists of one kind by key, in one linear pass
// over each, and appends change(op, from, to, fields) for every key that
// differs: drops and alters in from's order, then creates in to's. from is
// nil for a Create, to for a Drop; fields, for an Alter, is what changed
// says differs.
func appendChanges[T any](out []Change, from, to []T, key func(*T) string, changed func(a, b any) []string, change func(op Op, from, to *T, fields []string) Change) []Change {
	toByKey := make(map[string]*T, len(to))
	for i := range to {
		toByKey[key(&to[i])] = &to[i]
	}
	fromKeys := make(map[string]bool, len(from))
	for i := range from {
		f := &from[i]
		k := key(f)
		fromKeys[k] = true
		t, ok := toByKey[k]
		if !ok {
			out = append(out, change(Drop, f, nil, nil))
		} else if fields := changed(f, t); fields != nil {
			out = append(out, change(Alter, f, t, fields))
		}
	}
	for i := range to {
		if t := &to[i]; !fromKeys[key(t)] {
			out = append(out, change(Create, nil, t, nil))
		}
	}
	return out
}

// changed compares two objects of one type after clearing what Options say
// to ignore and what is derived (dependency lists follow from the
// definitions). It returns nil when they are equal, else the JSON names of
// the fields that differ (see [ObjectChange.Fields]).
func (c *comparer) changed(a, b any) []string {
	ca, cb := c.strip(a), c.strip(b)
	if reflect.DeepEqual(ca, cb) {
		return nil
	}
	if fields := fieldsOf(ca, cb); fields != nil {
		return fields
	}
	return []string{} // unequal in a field JSON leaves out: still a change
}

// strip returns a copy of the object pointed to by p without the fields that
// do not take part in a comparison. It is one case per object kind, each a
// few lines, kept in one switch (over 100 lines) so that what a comparison
// ignores can be read, and a new kind added, in one place.
func (c *comparer) strip(p any) any {
	owner, grants := !c.opts.Owners, !c.opts.Privileges
	switch o := p.(type) {
	case *model.Namespace:
		v := *o
		clear2(owner, &v.Owner, grants, &v.Grants)
		return v
	case *model.Extension:
		v := *o
		if c.opts.IgnoreExtensionVersions {
			v.Version = ""
		}
		return v
	case *model.Collation:
		v := *o
		if owner {
			v.Owner = ""
		}
		return v
	case *model.Enum:
		v := *o
		clear2(owner, &v.Owner, grants, &v.Grants)
		return v
	case *model.Domain:
		v := *o
		clear2(owner, &v.Owner, grants, &v.Grants)
		v.Deps = nil
		return v
	case *model.CompositeType:
		v := *o
		clear2(owner, &v.Owner, grants, &v.Grants)
		v.Deps = nil
		return v
	case *model.RangeType:
		v := *o
		clear2(owner, &v.Owner, grants, &v.Grants)
		v.Deps = nil
		return v
	case *model.Sequence:
		v := *o
		clear2(owner, &v.Owner, grants, &v.Grants)
		return v
	case *model.View:
		v := *o
		clear2(owner, &v.Owner, grants, &v.Grants)
		v.Deps, v.Indexes = nil, nil
		if grants {
			cols := make([]model.ViewColumn, len(v.Columns))
			for i, col := range v.Columns {
				col.Grants = nil
				cols[i] = col
			}
			v.Columns = cols
		}
		return v
	case *model.Function:
		v := *o
		clear2(owner, &v.Owner, grants, &v.Grants)
		v.Deps = nil
		return v
	case *model.Aggregate:
		v := *o
		clear2(owner, &v.Owner, grants, &v.Grants)
		v.Deps = nil
		return v
	case *model.Trigger:
		v := *o
		v.Deps = nil
		return v
	case *model.EventTrigger:
		v := *o
		if owner {
			v.Owner = ""
		}
		return v
	case *model.Rule:
		v := *o
		v.Deps = nil
		return v
	case *model.Policy:
		v := *o
		v.Deps = nil
		return v
	case *model.ForeignDataWrapper:
		v := *o
		clear2(owner, &v.Owner, grants, &v.Grants)
		return v
	case *model.ForeignServer:
		v := *o
		clear2(owner, &v.Owner, grants, &v.Grants)
		return v
	case *model.UserMapping:
		return *o
	case *model.Cast:
		v := *o
		v.Deps = nil
		return v
	case *model.DefaultPrivileges:
		return *o
	case *model.Statistics:
		v := *o
		if owner {
			v.Owner = ""
		}
		v.Deps = nil
		return v
	case *model.Column:
		v := *o
		v.Deps = nil
		v.RenamedFrom = "" // a hint, not part of the column
		v.Default = canonicalDefault(v.Type, v.Default)
		if grants {
			v.Grants = nil
		}
		return v
	case *model.Constraint:
		v := *o
		v.Deps = nil
		return v
	case *model.Index:
		v := *o
		v.Deps = nil
		return v
	case *model.Table:
		v := *o
		clear2(owner, &v.Owner, grants, &v.Grants)
		v.Columns, v.Constraints, v.Indexes = nil, nil, nil
		v.RenamedFrom = "" // a hint, not part of the table
		return v
	}
	panic(fmt.Sprintf("diff: strip(%T): unknown object type", p)) // unreachable: callers pass model objects
}

func clear2(owner bool, o *string, grants bool, g *[]model.Grant) {
	if owner {
		*o = ""
	}
	if grants {
		*g = nil
	}
}

// indexRenames checks the rename hints against the schemas and indexes them.
func (c *comparer) indexRenames(from, to *model.Schema) error {
	c.tableFrom = map[model.QName]model.QName{}
	c.tableTo = map[model.QName]model.QName{}
	c.columnFrom = map[model.QName]map[string]string{}
	has := func(s *model.Schema, q model.QName) *model.Table {
		for i := range s.Tables {
			if s.Tables[i].QName == q {
				return &s.Tables[i]
			}
		}
		return nil
	}
	for _, r := range append(slices.Clip(c.opts.Renames), declaredRenames(from, to, c.opts.Renames)...) {
		switch r.Kind {
		case model.KindTable:
			if has(from, r.From) == nil {
				return fmt.Errorf("rename %s to %s: no table %s in the source", r.From, r.To, r.From)
			}
			if has(to, r.To) == nil {
				return fmt.Errorf("rename %s to %s: no table %s in the target", r.From, r.To, r.To)
			}
			if has(to, r.From) != nil {
				return fmt.Errorf("rename %s to %s: the target still has a table %s", r.From, r.To, r.From)
			}
			c.tableFrom[r.From] = r.To
			c.tableTo[r.To] = r.From
		case KindColumn:
			if c.columnFrom[r.Table] == nil {
				c.columnFrom[r.Table] = map[string]string{}
			}
			c.columnFrom[r.Table][r.From.Name] = r.To.Name
		default:
			return fmt.Errorf("rename hint for a %s: only tables and columns can be renamed", r.Kind)
		}
	}
	return nil
}

// declaredRenames turns the renamed_from hints of the target's tables and
// columns (a declared schema carries them) into rename hints. A hint that
// no longer applies is skipped, not an error: once the rename has run, the
// source has the new name, and the declared schema keeps its hint so that
// later diffs stay empty. Hints the caller gave (explicit) win.
func declaredRenames(from, to *model.Schema, explicit []RenameHint) []RenameHint {
	tables := func(s *model.Schema) map[model.QName]*model.Table {
		m := make(map[model.QName]*model.Table, len(s.Tables))
		for i := range s.Tables {
			m[s.Tables[i].QName] = &s.Tables[i]
		}
		return m
	}
	src, dst := tables(from), tables(to)
	given := map[RenameHint]bool{}
	for _, h := range explicit {
		given[RenameHint{Kind: h.Kind, Table: h.Table, From: h.From}] = true
	}
	var out []RenameHint
	for i := range to.Tables {
		t := &to.Tables[i]
		source := src[t.QName]
		if t.RenamedFrom != "" && source == nil {
			old := model.QName{Schema: t.Schema, Name: t.RenamedFrom}
			if src[old] != nil && dst[old] == nil && !given[RenameHint{Kind: model.KindTable, From: old}] {
				out = append(out, RenameHint{Kind: model.KindTable, From: old, To: t.QName})
				source = src[old]
			}
		}
		if source == nil {
			continue
		}
		for _, col := range t.Columns {
			if col.RenamedFrom == "" || !hasColumn(source, col.RenamedFrom) || hasColumn(source, col.Name) || hasColumn(t, col.RenamedFrom) {
				continue
			}
			h := RenameHint{Kind: KindColumn, Table: t.QName, From: model.QName{Name: col.RenamedFrom}}
			if !given[h] {
				h.To = model.QName{Name: col.Name}
				out = append(out, h)
			}
		}
	}
	return out
}

func hasColumn(t *model.Table, name string) bool {
	return slices.ContainsFunc(t.Columns, func(c model.Column) bool { return c.Name == name })
}

// ParseRename reads a command-line rename hint: "schema.old=schema.new" (or
// "old=new" in public) for a table, "schema.table.old=new" for a column.
func ParseRename(s string) (RenameHint, error) {
	l, r, ok := strings.Cut(s, "=")
	if !ok || l == "" || r == "" {
		return RenameHint{}, fmt.Errorf("rename %q: want old=new", s)
	}
	lp := strings.Split(l, ".")
	switch len(lp) {
	case 1, 2:
		from := model.QName{Schema: "public", Name: lp[len(lp)-1]}
		if len(lp) == 2 {
			from.Schema = lp[0]
		}
		rp := strings.Split(r, ".")
		to := model.QName{Schema: from.Schema, Name: rp[len(rp)-1]}
		if len(rp) == 2 {
			to.Schema = rp[0]
		} else if len(rp) > 2 {
			return RenameHint{}, fmt.Errorf("rename %q: the new name has too many parts", s)
		}
		return RenameHint{Kind: model.KindTable, From: from, To: to}, nil
	case 3:
		if strings.Contains(r, ".") {
			return RenameHint{}, fmt.Errorf("rename %q: a column's new name is a bare name", s)
		}
		t := model.QName{Schema: lp[0], Name: lp[1]}
		return RenameHint{Kind: KindColumn, Table: t, From: model.QName{Name: lp[2]}, To: model.QName{Name: r}}, nil
	}
	return RenameHint{}, fmt.Errorf("rename %q: want table=new or schema.table.column=new", s)
}
