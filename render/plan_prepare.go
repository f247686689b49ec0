package render

import (
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// prepare turns the changes of diff.Compare into the changes the plan
// renders: alters that PostgreSQL cannot make in place become a drop and a
// create, and the objects of the source that depend on what the plan drops,
// rebuilds or retypes are dropped and created again.
func (p *planner) prepare(changes []diff.Change) []diff.Change {
	p.record(changes)
	var out []diff.Change
	for _, c := range changes {
		out = append(out, p.expand(c)...)
	}
	out = p.followRenames(out)
	out = p.closure(out)
	out = withoutRebuiltViewIndexes(out)
	p.created = map[ddl.RefKey]bool{}
	p.tableOps = map[model.QName]diff.Op{}
	p.columnOps = map[model.QName]map[string]*diff.ColumnChange{}
	p.record(out)
	return out
}

// withoutRebuiltViewIndexes leaves out the index changes of a
// materialized view that the plan drops or creates: DROP MATERIALIZED VIEW
// drops its indexes, and creating it creates them with their comments.
func withoutRebuiltViewIndexes(changes []diff.Change) []diff.Change {
	views := map[model.QName]bool{}
	for _, c := range changes {
		if _, ok := c.(*diff.ObjectChange[model.View]); ok && c.Op() != diff.Alter {
			r := c.Ref()
			views[model.QName{Schema: r.Schema, Name: r.Name}] = true
		}
	}
	if len(views) == 0 {
		return changes
	}
	return slices.DeleteFunc(changes, func(c diff.Change) bool {
		ic, ok := c.(*diff.IndexChange)
		return ok && views[ic.Table]
	})
}

// expand splits an alter that cannot be made in place into a drop of the
// old object and a create of the new one.
func (p *planner) expand(c diff.Change) []diff.Change {
	if c.Op() != diff.Alter {
		return []diff.Change{c}
	}
	split := false
	switch c := c.(type) {
	case *diff.ObjectChange[model.View]:
		split = !viewAlterable(c.From, c.To)
	case *diff.ObjectChange[model.Function]:
		split = !functionReplaceable(c.From, c.To)
	case *diff.ObjectChange[model.Aggregate]:
		split = !sameExcept(c.From, c.To, func(a *model.Aggregate) { a.Comment, a.Owner, a.Grants, a.Deps = "", "", nil, nil })
	case *diff.ObjectChange[model.Trigger]:
		split = !sameExcept(c.From, c.To, func(t *model.Trigger) { t.Enabled, t.Comment, t.Deps = "", "", nil })
	case *diff.ObjectChange[model.Rule]:
		split = !sameExcept(c.From, c.To, func(r *model.Rule) { r.Enabled, r.Comment, r.Deps = "", "", nil })
	case *diff.ObjectChange[model.Policy]:
		split = !sameExcept(c.From, c.To, func(r *model.Policy) { r.Comment, r.Deps = "", nil })
	case *diff.ObjectChange[model.Statistics]:
		split = statisticsSplit(c.From, c.To)
	case *diff.ObjectChange[model.EventTrigger]:
		split = !sameExcept(c.From, c.To, func(e *model.EventTrigger) { e.Enabled, e.Comment, e.Owner = "", "", "" })
	case *diff.ObjectChange[model.Collation]:
		// One that something uses is rebuilt under its name instead, by
		// the closure: DROP COLLATION fails while columns use it.
		split = collationRedefined(c.From, c.To) && len(p.dependents[ddl.KeyOf(collationTarget(c.From.QName).Ref)]) == 0
	case *diff.ObjectChange[model.RangeType]:
		split = !sameExcept(c.From, c.To, func(o *model.RangeType) { o.Comment, o.Owner, o.Grants, o.Deps = "", "", nil, nil })
	case *diff.ObjectChange[model.Cast]:
		split = !sameExcept(c.From, c.To, func(o *model.Cast) { o.Comment, o.Deps = "", nil })
	case *diff.ObjectChange[model.ForeignDataWrapper]:
		split = !sameExcept(c.From, c.To, func(o *model.ForeignDataWrapper) { o.Comment, o.Owner, o.Grants = "", "", nil })
	case *diff.ObjectChange[model.ForeignServer]:
		split = !sameExcept(c.From, c.To, func(o *model.ForeignServer) { o.Comment, o.Owner, o.Grants = "", "", nil })
	case *diff.ObjectChange[model.UserMapping]:
		split = true
	case *diff.ObjectChange[model.Domain]:
		split = c.From.Type != c.To.Type || c.From.Collation != c.To.Collation
	case *diff.ObjectChange[model.Extension]:
		// ALTER EXTENSION … UPDATE goes forward only.
		split = c.To.Version != "" && versionLess(c.To.Version, c.From.Version)
	case *diff.ConstraintChange:
		split = !p.constraintAlterable(c.Table, c.From, c.To)
	case *diff.IndexChange:
		split = !p.indexAlterable(c.Table, c.From, c.To)
	case *diff.ColumnChange:
		if p.generatedRebuild(c.From, c.To) {
			return []diff.Change{
				&diff.ColumnChange{Table: c.Table, Operation: diff.Drop, From: c.From},
				&diff.ColumnChange{Table: c.Table, Operation: diff.Create, To: c.To},
			}
		}
	}
	if split {
		return splitChange(c)
	}
	return []diff.Change{c}
}

// splitChange turns an alter into a drop of its From and a create of its To.
func splitChange(c diff.Change) []diff.Change {
	switch c := c.(type) {
	case *diff.TableChange:
		return []diff.Change{&diff.TableChange{Operation: diff.Drop, From: c.From}, &diff.TableChange{Operation: diff.Create, To: c.To}}
	case *diff.ConstraintChange:
		return []diff.Change{&diff.ConstraintChange{Table: c.Table, Operation: diff.Drop, From: c.From},
			&diff.ConstraintChange{Table: c.Table, Operation: diff.Create, To: c.To}}
	case *diff.IndexChange:
		return []diff.Change{&diff.IndexChange{Table: c.Table, Operation: diff.Drop, From: c.From},
			&diff.IndexChange{Table: c.Table, Operation: diff.Create, To: c.To}}
	case *diff.ObjectChange[model.View]:
		return splitObject(c)
	case *diff.ObjectChange[model.Function]:
		return splitObject(c)
	case *diff.ObjectChange[model.Aggregate]:
		return splitObject(c)
	case *diff.ObjectChange[model.Trigger]:
		return splitObject(c)
	case *diff.ObjectChange[model.Rule]:
		return splitObject(c)
	case *diff.ObjectChange[model.Policy]:
		return splitObject(c)
	case *diff.ObjectChange[model.Statistics]:
		return splitObject(c)
	case *diff.ObjectChange[model.EventTrigger]:
		return splitObject(c)
	case *diff.ObjectChange[model.Collation]:
		return splitObject(c)
	case *diff.ObjectChange[model.RangeType]:
		return splitObject(c)
	case *diff.ObjectChange[model.Cast]:
		return splitObject(c)
	case *diff.ObjectChange[model.ForeignDataWrapper]:
		return splitObject(c)
	case *diff.ObjectChange[model.ForeignServer]:
		return splitObject(c)
	case *diff.ObjectChange[model.UserMapping]:
		return splitObject(c)
	case *diff.ObjectChange[model.Domain]:
		return splitObject(c)
	case *diff.ObjectChange[model.Sequence]:
		return splitObject(c)
	case *diff.ObjectChange[model.Extension]:
		return splitObject(c)
	}
	return []diff.Change{c}
}

func splitObject[T diff.Object](c *diff.ObjectChange[T]) []diff.Change {
	return []diff.Change{
		&diff.ObjectChange[T]{Operation: diff.Drop, From: c.From},
		&diff.ObjectChange[T]{Operation: diff.Create, To: c.To},
	}
}

// sameExcept reports whether a and b are equal once clear has cleared, in
// copies, what an in-place alter can change.
func sameExcept[T any](a, b *T, clear func(*T)) bool {
	x, y := *a, *b
	clear(&x)
	clear(&y)
	return reflect.DeepEqual(x, y)
}

// viewAlterable reports whether a view can become the other in place: a
// view by CREATE OR REPLACE VIEW, which keeps the old columns (names, types
// and collations, in order) and may add more at the end; a materialized
// view only in its comments, owner, grants and whether it is populated.
func viewAlterable(f, t *model.View) bool {
	if f.Materialized != t.Materialized {
		return false
	}
	if f.Materialized {
		return sameExcept(f, t, func(v *model.View) {
			v.Comment, v.Owner, v.Grants, v.Deps, v.Indexes, v.WithNoData = "", "", nil, nil, nil, false
			cols := slices.Clone(v.Columns)
			for i := range cols {
				cols[i].Comment, cols[i].Grants = "", nil
			}
			v.Columns = cols
		})
	}
	if len(t.Columns) < len(f.Columns) {
		return false
	}
	for i, c := range f.Columns {
		n := t.Columns[i]
		if c.Name != n.Name || c.Type != n.Type || c.Collation != n.Collation {
			return false
		}
	}
	return true
}

// functionReplaceable reports whether CREATE OR REPLACE can turn one
// function into the other: same kind, arguments (names and defaults
// included) and result.
func functionReplaceable(f, t *model.Function) bool {
	return f.Kind == t.Kind && f.Args == t.Args && f.Result == t.Result
}

// stripConstraintDef removes from a constraint definition what ALTER TABLE
// can change in place: NOT VALID, and the deferrability of a foreign key.
func stripConstraintDef(c *model.Constraint) string {
	def := strings.TrimSpace(c.Definition)
	def = strings.TrimSuffix(def, " NOT VALID")
	if c.Type == model.ForeignKey {
		def = strings.TrimSuffix(def, " INITIALLY DEFERRED")
		def = strings.TrimSuffix(def, " DEFERRABLE")
	}
	return def
}

// constraintAlterable reports whether a constraint can become the other in
// place: its comment, its validation (NOT VALID to valid), a foreign key's
// deferrability, and a partition's key attached to its parent's (or
// detached with its table).
func (p *planner) constraintAlterable(table model.QName, f, t *model.Constraint) bool {
	if f.NotValid && !t.NotValid || f.NotValid == t.NotValid {
		// Validation can only be added.
	} else {
		return false
	}
	if (f.Deferrable != t.Deferrable || f.InitiallyDeferred != t.InitiallyDeferred) && f.Type != model.ForeignKey {
		return false
	}
	if !p.parentIndexAlterable(table, f.ParentIndex, t.ParentIndex) {
		return false
	}
	return sameExcept(f, t, func(c *model.Constraint) {
		c.Definition = stripConstraintDef(c)
		c.Comment, c.Deps, c.NotValid, c.ParentIndex = "", nil, false, nil
		c.Deferrable, c.InitiallyDeferred = false, false
	})
}

// parentIndexAlterable reports whether a partition's index can move from
// one parent index to another in place: it can be attached to one, and it
// leaves its parent's only when its table is detached.
func (p *planner) parentIndexAlterable(table model.QName, f, t *model.QName) bool {
	switch {
	case reflect.DeepEqual(f, t), f == nil:
		return true
	case t == nil:
		return p.tableOps[table] == diff.Alter && p.detaches(table)
	}
	return false
}

// detaches reports whether the plan detaches a table from its partition
// parent.
func (p *planner) detaches(q model.QName) bool {
	o, n := p.oi.tables[q], p.ni.tables[q]
	return o != nil && n != nil && o.PartitionOf != nil && (n.PartitionOf == nil || *n.PartitionOf != *o.PartitionOf)
}

// indexAlterable reports whether an index can become the other in place:
// its comment, and its attachment to a parent index.
func (p *planner) indexAlterable(table model.QName, f, t *model.Index) bool {
	if !p.parentIndexAlterable(table, f.ParentIndex, t.ParentIndex) {
		return false
	}
	return sameExcept(f, t, func(ix *model.Index) { ix.Comment, ix.Deps, ix.ParentIndex, ix.Invalid = "", nil, nil, false })
}

// generatedRebuild reports whether a column must be dropped and added again
// because its generation changes, which PostgreSQL before 17 cannot do in
// place (it can only drop a stored one's expression): see
// [setExpressionInPlace].
func (p *planner) generatedRebuild(f, t *model.Column) bool {
	if f.Generated == t.Generated && f.GeneratedKind == t.GeneratedKind {
		return false
	}
	if t.Generated == "" {
		// DROP EXPRESSION keeps a stored column's values; a virtual one
		// has none to keep, and 18 refuses it.
		return f.GeneratedKind == "v"
	}
	return !setExpressionInPlace(p.major, f, t)
}

// labelsExtend reports whether new holds every label of old, in old's
// order, so that the labels it adds can be added in place.
func labelsExtend(old, new []string) bool {
	i := 0
	for _, l := range new {
		if i < len(old) && old[i] == l {
			i++
		}
	}
	if i != len(old) {
		return false
	}
	// A label of old must not appear twice in new, nor may new reorder.
	return true
}

// versionLess compares extension versions such as "1.4" and "1.10" part by
// part, numerically where both parts are numbers.
func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, ea := strconv.Atoi(pa[i])
		nb, eb := strconv.Atoi(pb[i])
		switch {
		case ea == nil && eb == nil && na != nb:
			return na < nb
		case (ea != nil || eb != nil) && pa[i] != pb[i]:
			return pa[i] < pb[i]
		}
	}
	return len(pa) < len(pb)
}
