package diff

import "github.com/retortdb/retort/model"

// Invert returns the changes that undo changes, in the same order: a
// create becomes a drop of the same object, a drop a create of the object it
// held, and an alter or a rename runs from the new state back to the old
// one. Because every change holds both sides, the inverse needs no schema.
//
// The parts of a renamed table, and the other changes of a renamed column,
// are named by the name they have after the inverse rename has run, the name
// of the source: an inverted plan renames first, as the plan itself does.
func Invert(changes []Change) []Change {
	// The target names of renamed tables and columns, mapped to the source
	// names the inverse gives them back.
	tables := map[model.QName]model.QName{}
	columns := map[model.QName]map[string]string{}
	for _, c := range changes {
		switch c := c.(type) {
		case *TableChange:
			if c.Operation == Rename {
				tables[c.To.QName] = c.From.QName
			}
		case *ColumnChange:
			if c.Operation == Rename {
				if columns[c.Table] == nil {
					columns[c.Table] = map[string]string{}
				}
				columns[c.Table][c.To.Name] = c.From.Name
			}
		}
	}
	table := func(q model.QName) model.QName {
		if old, ok := tables[q]; ok {
			return old
		}
		return q
	}
	out := make([]Change, 0, len(changes))
	for _, c := range changes {
		switch c := c.(type) {
		case *TableChange:
			inv := &TableChange{Operation: inverseOp(c.Operation), From: c.To, To: c.From}
			if c.Operation == Alter {
				if old, ok := tables[c.To.QName]; ok {
					f, t := *c.To, *c.From
					f.QName, t.QName = old, old
					inv.From, inv.To = &f, &t
				}
			}
			out = append(out, inv)
		case *ColumnChange:
			inv := &ColumnChange{Table: table(c.Table), Operation: inverseOp(c.Operation), From: c.To, To: c.From}
			if c.Operation == Alter {
				if old, ok := columns[c.Table][c.To.Name]; ok {
					f, t := *c.To, *c.From
					f.Name, t.Name = old, old
					inv.From, inv.To = &f, &t
				}
			}
			out = append(out, inv)
		case *ConstraintChange:
			out = append(out, &ConstraintChange{Table: table(c.Table), Operation: inverseOp(c.Operation), From: c.To, To: c.From})
		case *IndexChange:
			out = append(out, &IndexChange{Table: table(c.Table), Operation: inverseOp(c.Operation), From: c.To, To: c.From})
		default:
			out = append(out, invertObject(c))
		}
	}
	return out
}

func inverseOp(o Op) Op {
	switch o {
	case Create:
		return Drop
	case Drop:
		return Create
	}
	return o
}

// invertObject inverts an ObjectChange of any of its object types.
func invertObject(c Change) Change {
	switch c := c.(type) {
	case *ObjectChange[model.Namespace]:
		return c.inverse()
	case *ObjectChange[model.Extension]:
		return c.inverse()
	case *ObjectChange[model.Collation]:
		return c.inverse()
	case *ObjectChange[model.Enum]:
		return c.inverse()
	case *ObjectChange[model.Domain]:
		return c.inverse()
	case *ObjectChange[model.CompositeType]:
		return c.inverse()
	case *ObjectChange[model.RangeType]:
		return c.inverse()
	case *ObjectChange[model.Sequence]:
		return c.inverse()
	case *ObjectChange[model.View]:
		return c.inverse()
	case *ObjectChange[model.Function]:
		return c.inverse()
	case *ObjectChange[model.Aggregate]:
		return c.inverse()
	case *ObjectChange[model.Trigger]:
		return c.inverse()
	case *ObjectChange[model.EventTrigger]:
		return c.inverse()
	case *ObjectChange[model.Rule]:
		return c.inverse()
	case *ObjectChange[model.Policy]:
		return c.inverse()
	case *ObjectChange[model.ForeignDataWrapper]:
		return c.inverse()
	case *ObjectChange[model.ForeignServer]:
		return c.inverse()
	case *ObjectChange[model.UserMapping]:
		return c.inverse()
	case *ObjectChange[model.Cast]:
		return c.inverse()
	case *ObjectChange[model.DefaultPrivileges]:
		return c.inverse()
	}
	return c // unreachable: the set of changes is closed
}

func (c *ObjectChange[T]) inverse() *ObjectChange[T] {
	return &ObjectChange[T]{Operation: inverseOp(c.Operation), From: c.To, To: c.From}
}
