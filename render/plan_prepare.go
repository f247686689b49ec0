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
// old object and a create of the new one, as its kind's rules say.
func (p *planner) expand(c diff.Change) []diff.Change {
	if pc := planOf(c); pc != nil {
		if parts := pc.split(p); parts != nil {
			return parts
		}
	}
	return []diff.Change{c}
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
