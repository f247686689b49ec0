package render

import (
	"slices"
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

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

// closing is the state of [planner.closure]: the changes so far, the
// objects it has handled, where the alter of an object is among the
// changes, and the objects whose dependents are left to look at.
type closing struct {
	p       *planner
	changes []diff.Change
	handled map[ddl.RefKey]bool
	alterAt map[ddl.RefKey]int
	queue   []brokenItem
}

// closure adds the drop and create of every object of the source that
// depends on something the changes drop, rebuild or retype, and is not
// changed by them already.
func (p *planner) closure(changes []diff.Change) []diff.Change {
	c := &closing{p: p, changes: changes, handled: map[ddl.RefKey]bool{}, alterAt: map[ddl.RefKey]int{}}
	for i, ch := range changes {
		c.seed(i, ch)
	}
	for len(c.queue) > 0 {
		it := c.queue[0]
		c.queue = c.queue[1:]
		var targets []model.ObjectRef
		switch it.mode {
		case modeRowtype:
			targets = p.retypeBlockers(model.QName{Schema: it.ref.Schema, Name: it.ref.Name}, it.cols)
		case modeType:
			targets = c.typeTargets(it)
		case modeGone:
			targets = c.goneTargets(it)
		}
		for _, d := range targets {
			c.replace(d)
		}
	}
	return slices.DeleteFunc(c.changes, func(ch diff.Change) bool { return ch == nil })
}

// seed queues what change i of the plan breaks: what it drops, the columns
// whose type it changes, the enums and collations it rebuilds.
func (c *closing) seed(i int, ch diff.Change) {
	p := c.p
	switch ch.Op() {
	case diff.Drop:
		c.gone(ch.Ref())
		if cc, ok := ch.(*diff.ColumnChange); ok {
			if p.tableOps[cc.Table] != diff.Drop {
				c.retype(cc.Table, cc.From.Name)
			}
			return
		}
		c.goneParts(ch)
	case diff.Alter:
		c.alterAt[ddl.KeyOf(ch.Ref())] = i
		switch ch := ch.(type) {
		case *diff.ColumnChange:
			if diff.CompareColumns(ch.From, ch.To).Any(diff.ColumnType | diff.ColumnCollation) {
				c.retype(ch.Table, ch.To.Name)
			}
		case *diff.ObjectChange[model.Enum]:
			if !labelsExtend(ch.From.Labels, ch.To.Labels) {
				p.rebuilt[ch.To.QName] = true
				r := typeRefOf(ch.To.QName)
				c.queue = append(c.queue, brokenItem{ref: r, mode: modeType, root: r})
			}
		case *diff.ObjectChange[model.Collation]:
			if collationRedefined(ch.From, ch.To) {
				p.redefined[ch.To.QName] = true
				r := collationTarget(ch.To.QName).Ref
				c.queue = append(c.queue, brokenItem{ref: r, mode: modeType, root: r})
			}
		}
	}
}

// retype records that column col of table t changes type, and queues the
// table for what reads its row type.
func (c *closing) retype(t model.QName, col string) {
	if c.p.retyped[t] == nil {
		c.p.retyped[t] = map[string]bool{}
	}
	c.p.retyped[t][col] = true
	c.queue = append(c.queue, brokenItem{ref: ddl.TableRef(t), mode: modeRowtype, cols: map[string]bool{col: true}})
}

// gone records that the plan drops r, and queues it for its dependents.
func (c *closing) gone(r model.ObjectRef) {
	c.handled[ddl.KeyOf(r)] = true
	c.queue = append(c.queue, brokenItem{ref: r, mode: modeGone})
}

// goneParts records the parts that a dropped table or key takes with it:
// the table's columns, constraints and indexes, the key's index.
func (c *closing) goneParts(ch diff.Change) {
	switch ch := ch.(type) {
	case *diff.TableChange:
		for _, r := range tableParts(ch.From) {
			c.gone(r)
		}
	case *diff.ConstraintChange:
		if r, ok := keyIndexRef(ch.Table, ch.From); ok {
			c.gone(r)
		}
	}
}

// alterOnce adds the alter ch of d, unless the plan alters d already.
func (c *closing) alterOnce(d model.ObjectRef, ch diff.Change) {
	if _, ok := c.alterAt[ddl.KeyOf(d)]; !ok {
		c.alterAt[ddl.KeyOf(d)] = len(c.changes)
		c.changes = append(c.changes, ch)
	}
}

// replace drops and creates d again, in place of its alter if the plan has
// one, and queues it and its parts for their dependents.
func (c *closing) replace(d model.ObjectRef) {
	dk := ddl.KeyOf(d)
	if c.handled[dk] {
		return
	}
	add := c.p.rebuild(d)
	if add == nil {
		return
	}
	c.handled[dk] = true
	if i, ok := c.alterAt[dk]; ok {
		c.changes[i] = nil
		delete(c.alterAt, dk)
	}
	c.changes = append(c.changes, add...)
	c.gone(d)
	c.goneParts(add[0])
}

// typeTargets handles the dependents of a type or collation rebuilt under
// a temporary name: its columns move to the new one, domains and composite
// types over it are rebuilt with it, and it returns the rest, which are
// dropped and created again.
func (c *closing) typeTargets(it brokenItem) []model.ObjectRef {
	p := c.p
	q := model.QName{Schema: it.ref.Schema, Name: it.ref.Name}
	cols := p.rebuiltColumns(q)
	if it.ref.Kind == model.KindCollation {
		cols = p.collatedColumns(q)
	}
	for _, col := range cols {
		c.retype(col.Table, col.Column)
	}
	var targets []model.ObjectRef
	for _, d := range p.dependents[ddl.KeyOf(it.ref)] {
		switch d.Kind {
		case diff.KindColumn:
			continue
		case model.KindType:
			if c.typeOverType(it, d) {
				targets = append(targets, d)
			}
			continue
		case model.KindTable:
			// A typed table (OF the type): dropping it would lose its
			// rows, and it cannot move to another type.
			if !c.handled[ddl.KeyOf(d)] {
				p.b.Errorf("table "+ddl.QNameSQL(model.QName{Schema: d.Schema, Name: d.Name}),
					"is OF type %s, which the plan rebuilds with %s: PostgreSQL cannot move a typed table to another type (detach it with ALTER TABLE … NOT OF first)",
					ddl.QNameSQL(q), refText(it.root))
			}
			continue
		case model.KindIndex, model.KindConstraint:
			if it.ref.Kind == model.KindCollation && p.rebuiltByAlter(q, d) {
				continue
			}
		}
		targets = append(targets, d)
	}
	return targets
}

// typeOverType handles a type d over the rebuilt type of it. Domains and
// composite types are rebuilt with it, as PostgreSQL cannot change a
// domain's type or collation, nor a composite type's attributes while
// columns use it. It reports whether d is to be dropped and created
// instead: a range type that nothing holding data uses.
func (c *closing) typeOverType(it brokenItem, d model.ObjectRef) bool {
	p := c.p
	dq := model.QName{Schema: d.Schema, Name: d.Name}
	if c.handled[ddl.KeyOf(d)] || p.rebuilt[dq] {
		return false
	}
	var alter diff.Change
	if od, nd := p.oi.domains[dq], p.ni.domains[dq]; od != nil && nd != nil && od.Type == nd.Type {
		alter = &diff.ObjectChange[model.Domain]{Operation: diff.Alter, From: od, To: nd}
	} else if oc, nc := p.oi.composites[dq], p.ni.composites[dq]; oc != nil && nc != nil {
		alter = &diff.ObjectChange[model.CompositeType]{Operation: diff.Alter, From: oc, To: nc}
	} else if p.oi.ranges[dq] != nil && p.ni.ranges[dq] != nil {
		// A range type cannot be renamed out of the way: its multirange
		// type and constructors keep their names. It is dropped and
		// created, if nothing that holds data uses it.
		if users := p.typeUsers(d, c.handled); len(users) > 0 {
			verb := "uses"
			if len(users) > 1 {
				verb = "use"
			}
			p.b.Errorf("type "+ddl.QNameSQL(dq), "is a range type over %s, which the plan rebuilds: PostgreSQL cannot change a range type's subtype or collation, nor drop it while %s %s it (move what uses it off the range type first)",
				refText(it.root), strings.Join(users, ", "), verb)
			return false
		}
		return true
	}
	if alter == nil {
		return false
	}
	p.rebuilt[dq] = true
	c.queue = append(c.queue, brokenItem{ref: d, mode: modeType, root: it.root})
	c.alterOnce(d, alter)
	return false
}

// goneTargets handles the dependents of an object the plan drops: a
// column default or a domain that uses it is reset around it, and it
// returns the rest, which are dropped and created again.
func (c *closing) goneTargets(it brokenItem) []model.ObjectRef {
	p := c.p
	var targets []model.ObjectRef
	for _, d := range p.dependents[ddl.KeyOf(it.ref)] {
		switch d.Kind {
		case diff.KindColumn:
			if p.resetDefault(it.ref, d) {
				t := model.QName{Schema: d.Schema, Name: d.Table}
				c.alterOnce(d, &diff.ColumnChange{Table: t, Operation: diff.Alter,
					From: p.oi.column(t, d.Name), To: p.ni.column(t, d.Name)})
			}
			continue
		case model.KindType:
			// A domain whose check or default calls a routine the plan
			// drops has them dropped before and added after.
			dq := model.QName{Schema: d.Schema, Name: d.Name}
			od, nd := p.oi.domains[dq], p.ni.domains[dq]
			isRoutine := it.ref.Kind == model.KindFunction || it.ref.Kind == model.KindAggregate
			if isRoutine && od != nil && nd != nil && !c.handled[ddl.KeyOf(d)] && !p.rebuilt[dq] {
				p.resetDomains[dq] = true
				c.alterOnce(d, &diff.ObjectChange[model.Domain]{Operation: diff.Alter, From: od, To: nd})
			}
			continue
		case model.KindSequence:
			if _, alter := c.alterAt[ddl.KeyOf(d)]; alter {
				continue
			}
		}
		targets = append(targets, d)
	}
	return targets
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
	k := ddl.KeyOf(d)
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
	case model.KindStatistics:
		return pair(p.oi.statistics[q], p.ni.statistics[q])
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
func (p *planner) typeUsers(r model.ObjectRef, handled map[ddl.RefKey]bool) []string {
	var out []string
	for _, d := range p.dependents[ddl.KeyOf(r)] {
		if handled[ddl.KeyOf(d)] {
			continue
		}
		switch d.Kind {
		case diff.KindColumn:
			out = append(out, "column "+ddl.QNameSQL(model.QName{Schema: d.Schema, Name: d.Table})+"."+sqlq.QuoteIdent(d.Name))
		case model.KindType, model.KindTable:
			out = append(out, refText(d))
		}
	}
	return out
}

// refText names an object for a message, as "collation public.c".
func refText(r model.ObjectRef) string {
	return string(r.Kind) + " " + ddl.QNameSQL(model.QName{Schema: r.Schema, Name: r.Name})
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
