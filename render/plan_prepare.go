package render

import (
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
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
	p.created = map[refKey]bool{}
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
	case *diff.ObjectChange[model.EventTrigger]:
		split = !sameExcept(c.From, c.To, func(e *model.EventTrigger) { e.Enabled, e.Comment, e.Owner = "", "", "" })
	case *diff.ObjectChange[model.Collation]:
		// One that something uses is rebuilt under its name instead, by
		// the closure: DROP COLLATION fails while columns use it.
		split = collationRedefined(c.From, c.To) && len(p.dependents[keyOf(collationTarget(c.From.QName).ref)]) == 0
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
// because its generation expression changes, which PostgreSQL before 17
// cannot do in place (it can only drop one).
func (p *planner) generatedRebuild(f, t *model.Column) bool {
	if t.Generated == "" || f.Generated == t.Generated && f.GeneratedKind == t.GeneratedKind {
		return false
	}
	return !(p.new.ServerMajor >= 17 && f.Generated != "" && f.GeneratedKind == t.GeneratedKind && t.GeneratedKind != "v")
}

// typeChanged reports whether an alter changes a column's type or
// collation.
func typeChanged(f, t *model.Column) bool { return f.Type != t.Type || f.Collation != t.Collation }

type breakMode uint8

const (
	// modeGone: the object is dropped; whatever depends on it is rebuilt.
	modeGone breakMode = iota
	// modeRowtype: columns of a table change type or go away; views,
	// rules, policies and triggers that read it are rebuilt.
	modeRowtype
	// modeType: a type is rebuilt under a temporary name; the columns and
	// domains of it are moved to the new type, the rest is rebuilt.
	modeType
)

type brokenItem struct {
	ref  model.ObjectRef
	mode breakMode
	cols map[string]bool // modeRowtype: the columns
	// root is, in modeType, the enum or collation whose rebuild makes the
	// object's, for errors to name.
	root model.ObjectRef
}

// closure adds the drop and create of every object of the source that
// depends on something the changes drop, rebuild or retype, and is not
// changed by them already.
func (p *planner) closure(changes []diff.Change) []diff.Change {
	handled := map[refKey]bool{}
	alterAt := map[refKey]int{}
	var queue []brokenItem
	retype := func(t model.QName, col string) {
		if p.retyped[t] == nil {
			p.retyped[t] = map[string]bool{}
		}
		p.retyped[t][col] = true
		queue = append(queue, brokenItem{ref: tableRef(t), mode: modeRowtype, cols: map[string]bool{col: true}})
	}
	for i, c := range changes {
		k := keyOf(c.Ref())
		switch c.Op() {
		case diff.Drop:
			handled[k] = true
			queue = append(queue, brokenItem{ref: c.Ref(), mode: modeGone})
			switch c := c.(type) {
			case *diff.TableChange:
				for _, r := range tableParts(c.From) {
					handled[keyOf(r)] = true
					queue = append(queue, brokenItem{ref: r, mode: modeGone})
				}
			case *diff.ConstraintChange:
				if r, ok := keyIndexRef(c.Table, c.From); ok {
					handled[keyOf(r)] = true
					queue = append(queue, brokenItem{ref: r, mode: modeGone})
				}
			case *diff.ColumnChange:
				if p.tableOps[c.Table] != diff.Drop {
					retype(c.Table, c.From.Name)
				}
			}
		case diff.Alter:
			alterAt[k] = i
			switch c := c.(type) {
			case *diff.ColumnChange:
				if typeChanged(c.From, c.To) {
					retype(c.Table, c.To.Name)
				}
			case *diff.ObjectChange[model.Enum]:
				if !labelsExtend(c.From.Labels, c.To.Labels) {
					p.rebuilt[c.To.QName] = true
					r := typeRefOf(c.To.QName)
					queue = append(queue, brokenItem{ref: r, mode: modeType, root: r})
				}
			case *diff.ObjectChange[model.Collation]:
				if collationRedefined(c.From, c.To) {
					p.redefined[c.To.QName] = true
					r := collationTarget(c.To.QName).ref
					queue = append(queue, brokenItem{ref: r, mode: modeType, root: r})
				}
			}
		}
	}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		var targets []model.ObjectRef
		switch it.mode {
		case modeRowtype:
			targets = p.retypeBlockers(model.QName{Schema: it.ref.Schema, Name: it.ref.Name}, it.cols)
		case modeType:
			q := model.QName{Schema: it.ref.Schema, Name: it.ref.Name}
			cols := p.rebuiltColumns(q)
			if it.ref.Kind == model.KindCollation {
				cols = p.collatedColumns(q)
			}
			for _, col := range cols {
				retype(col.Table, col.Column)
			}
			for _, d := range p.dependents[keyOf(it.ref)] {
				switch d.Kind {
				case diff.KindColumn:
					continue
				case model.KindType:
					dq := model.QName{Schema: d.Schema, Name: d.Name}
					if handled[keyOf(d)] || p.rebuilt[dq] {
						continue
					}
					// Domains and composite types over the object are
					// rebuilt with it, as PostgreSQL cannot change a
					// domain's type or collation, nor a composite type's
					// attributes while columns use it.
					var alter diff.Change
					if od, nd := p.oi.domains[dq], p.ni.domains[dq]; od != nil && nd != nil && od.Type == nd.Type {
						alter = &diff.ObjectChange[model.Domain]{Operation: diff.Alter, From: od, To: nd}
					} else if oc, nc := p.oi.composites[dq], p.ni.composites[dq]; oc != nil && nc != nil {
						alter = &diff.ObjectChange[model.CompositeType]{Operation: diff.Alter, From: oc, To: nc}
					} else if p.oi.ranges[dq] != nil && p.ni.ranges[dq] != nil {
						// A range type cannot be renamed out of the way:
						// its multirange type and constructors keep their
						// names. It is dropped and created, if nothing
						// that holds data uses it.
						if users := p.typeUsers(d, handled); len(users) > 0 {
							verb := "uses"
							if len(users) > 1 {
								verb = "use"
							}
							p.b.errorf("type "+qnameSQL(dq), "is a range type over %s, which the plan rebuilds: PostgreSQL cannot change a range type's subtype or collation, nor drop it while %s %s it (move what uses it off the range type first)",
								refText(it.root), strings.Join(users, ", "), verb)
							continue
						}
						targets = append(targets, d)
						continue
					}
					if alter == nil {
						continue
					}
					p.rebuilt[dq] = true
					queue = append(queue, brokenItem{ref: d, mode: modeType, root: it.root})
					if _, ok := alterAt[keyOf(d)]; !ok {
						alterAt[keyOf(d)] = len(changes)
						changes = append(changes, alter)
					}
					continue
				case model.KindTable:
					// A typed table (OF the type): dropping it would lose
					// its rows, and it cannot move to another type.
					if !handled[keyOf(d)] {
						p.b.errorf("table "+qnameSQL(model.QName{Schema: d.Schema, Name: d.Name}),
							"is OF type %s, which the plan rebuilds with %s: PostgreSQL cannot move a typed table to another type (detach it with ALTER TABLE … NOT OF first)",
							qnameSQL(q), refText(it.root))
					}
					continue
				case model.KindIndex, model.KindConstraint:
					if it.ref.Kind == model.KindCollation && p.rebuiltByAlter(q, d) {
						continue
					}
				}
				targets = append(targets, d)
			}
		case modeGone:
			for _, d := range p.dependents[keyOf(it.ref)] {
				switch d.Kind {
				case diff.KindColumn:
					if p.resetDefault(it.ref, d) {
						if _, ok := alterAt[keyOf(d)]; !ok {
							t := model.QName{Schema: d.Schema, Name: d.Table}
							alterAt[keyOf(d)] = len(changes)
							changes = append(changes, &diff.ColumnChange{Table: t, Operation: diff.Alter,
								From: p.oi.column(t, d.Name), To: p.ni.column(t, d.Name)})
						}
					}
					continue
				case model.KindType:
					// A domain whose check or default calls a routine the
					// plan drops has them dropped before and added after.
					dq := model.QName{Schema: d.Schema, Name: d.Name}
					od, nd := p.oi.domains[dq], p.ni.domains[dq]
					isRoutine := it.ref.Kind == model.KindFunction || it.ref.Kind == model.KindAggregate
					if isRoutine && od != nil && nd != nil && !handled[keyOf(d)] && !p.rebuilt[dq] {
						p.resetDomains[dq] = true
						if _, ok := alterAt[keyOf(d)]; !ok {
							alterAt[keyOf(d)] = len(changes)
							changes = append(changes, &diff.ObjectChange[model.Domain]{Operation: diff.Alter, From: od, To: nd})
						}
					}
					continue
				case model.KindSequence:
					if _, alter := alterAt[keyOf(d)]; alter {
						continue
					}
				}
				targets = append(targets, d)
			}
		}
		for _, d := range targets {
			dk := keyOf(d)
			if handled[dk] {
				continue
			}
			add := p.rebuild(d)
			if add == nil {
				continue
			}
			handled[dk] = true
			if i, ok := alterAt[dk]; ok {
				changes[i] = nil
				delete(alterAt, dk)
			}
			changes = append(changes, add...)
			queue = append(queue, brokenItem{ref: d, mode: modeGone})
			if tc, ok := add[0].(*diff.TableChange); ok {
				for _, r := range tableParts(tc.From) {
					handled[keyOf(r)] = true
					queue = append(queue, brokenItem{ref: r, mode: modeGone})
				}
			}
			if cc, ok := add[0].(*diff.ConstraintChange); ok {
				if r, ok := keyIndexRef(cc.Table, cc.From); ok {
					handled[keyOf(r)] = true
					queue = append(queue, brokenItem{ref: r, mode: modeGone})
				}
			}
		}
	}
	return slices.DeleteFunc(changes, func(c diff.Change) bool { return c == nil })
}

// resetDefault marks a column whose default uses an object the plan drops
// (and creates again): its default is dropped first and set afterwards. It
// reports whether it marked the column.
func (p *planner) resetDefault(gone, col model.ObjectRef) bool {
	switch gone.Kind {
	case model.KindFunction, model.KindAggregate, model.KindSequence:
	default:
		return false
	}
	t := model.QName{Schema: col.Schema, Name: col.Table}
	if op, ok := p.tableOps[t]; ok && op != diff.Alter && op != diff.Rename {
		return false
	}
	o, n := p.oi.column(t, col.Name), p.ni.column(t, col.Name)
	if o == nil || n == nil || o.Default == "" {
		return false
	}
	if cc := p.columnOps[t][col.Name]; cc != nil && cc.Operation == diff.Drop {
		return false
	}
	if p.resetDefaults[t] == nil {
		p.resetDefaults[t] = map[string]bool{}
	}
	p.resetDefaults[t][col.Name] = true
	return true
}

// rebuild returns the drop and the create of an object that both schemas
// have, or nil when that is not possible.
func (p *planner) rebuild(d model.ObjectRef) []diff.Change {
	k := keyOf(d)
	q := model.QName{Schema: d.Schema, Name: d.Name}
	t := model.QName{Schema: d.Schema, Name: d.Table}
	switch d.Kind {
	case model.KindView, model.KindMaterializedView:
		return pair(p.oi.views[q], p.ni.views[q])
	case model.KindFunction:
		return pair(p.oi.functions[k], p.ni.functions[k])
	case model.KindAggregate:
		return pair(p.oi.aggregates[k], p.ni.aggregates[k])
	case model.KindTrigger:
		return pair(p.oi.triggers[k], p.ni.triggers[k])
	case model.KindRule:
		return pair(p.oi.rules[k], p.ni.rules[k])
	case model.KindPolicy:
		return pair(p.oi.policies[k], p.ni.policies[k])
	case model.KindCast:
		return pair(p.oi.casts[k], p.ni.casts[k])
	case model.KindSequence:
		return pair(p.oi.sequences[q], p.ni.sequences[q])
	case model.KindConstraint:
		if op, ok := p.tableOps[t]; ok && op != diff.Alter && op != diff.Rename {
			return nil
		}
		o, n := p.oi.constraint(t, d.Name), p.ni.constraint(t, d.Name)
		if o == nil || n == nil {
			return nil
		}
		return []diff.Change{&diff.ConstraintChange{Table: t, Operation: diff.Drop, From: o},
			&diff.ConstraintChange{Table: t, Operation: diff.Create, To: n}}
	case model.KindIndex:
		if op, ok := p.tableOps[t]; ok && op != diff.Alter && op != diff.Rename {
			return nil
		}
		o, n := p.oi.index(t, d.Name), p.ni.index(t, d.Name)
		if o == nil || n == nil {
			return nil
		}
		return []diff.Change{&diff.IndexChange{Table: t, Operation: diff.Drop, From: o},
			&diff.IndexChange{Table: t, Operation: diff.Create, To: n}}
	case model.KindTable:
		o, n := p.oi.tables[q], p.ni.tables[q]
		if o == nil || n == nil {
			return nil
		}
		return []diff.Change{&diff.TableChange{Operation: diff.Drop, From: o}, &diff.TableChange{Operation: diff.Create, To: n}}
	case model.KindType:
		// Only range types are rebuilt this way; the closure rebuilds
		// domains and composite types under a temporary name.
		return pair(p.oi.ranges[q], p.ni.ranges[q])
	}
	return nil
}

// typeUsers names the columns, types and tables of the source that use a
// type and that the plan does not drop: what holds data, or another
// type's definition, in that type.
func (p *planner) typeUsers(r model.ObjectRef, handled map[refKey]bool) []string {
	var out []string
	for _, d := range p.dependents[keyOf(r)] {
		if handled[keyOf(d)] {
			continue
		}
		switch d.Kind {
		case diff.KindColumn:
			out = append(out, "column "+qnameSQL(model.QName{Schema: d.Schema, Name: d.Table})+"."+sqlq.QuoteIdent(d.Name))
		case model.KindType, model.KindTable:
			out = append(out, refText(d))
		}
	}
	return out
}

// refText names an object for a message, as "collation public.c".
func refText(r model.ObjectRef) string {
	return string(r.Kind) + " " + qnameSQL(model.QName{Schema: r.Schema, Name: r.Name})
}

func pair[T diff.Object](o, n *T) []diff.Change {
	if o == nil || n == nil {
		return nil
	}
	return []diff.Change{&diff.ObjectChange[T]{Operation: diff.Drop, From: o}, &diff.ObjectChange[T]{Operation: diff.Create, To: n}}
}

// rebuiltColumns lists the columns of the source whose type is q (or an
// array of it) and that keep that type in the target, which a rebuild of q
// moves to the new type. Columns a partition or child inherits are moved
// with their parent's.
func (p *planner) rebuiltColumns(q model.QName) []model.ColumnRef {
	return p.keptColumns(func(_ model.QName, c, n *model.Column) bool {
		tq, ok := typeOf(c.Type)
		return ok && tq == q && n.Type == c.Type
	})
}

// keptColumns lists the columns of the source's kept tables (altered or
// renamed, not created or dropped) that the target still has and that
// moves picks, given the column in the source and in the target. Columns
// a partition or child inherits are left out: they move with their
// parent's.
func (p *planner) keptColumns(moves func(table model.QName, old, new *model.Column) bool) []model.ColumnRef {
	var out []model.ColumnRef
	for i := range p.old.Tables {
		t := &p.old.Tables[i]
		if op, ok := p.tableOps[t.QName]; ok && op != diff.Alter && op != diff.Rename {
			continue
		}
		for j := range t.Columns {
			c := &t.Columns[j]
			n := p.ni.column(t.QName, c.Name)
			if n == nil || !moves(t.QName, c, n) {
				continue
			}
			if pq, _ := p.oi.parentColumn(t, c.Name); pq.Name != "" {
				continue
			}
			out = append(out, model.ColumnRef{Table: t.QName, Column: c.Name})
		}
	}
	return out
}

// labelsExtend reports whether new holds every label of old in the same
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
