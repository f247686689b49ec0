package diff

import (
	"fmt"

	"github.com/retortdb/retort/model"
)

// Invert returns the changes that undo changes, in the same order: a
// create becomes a drop of the same object, a drop a create of the object it
// held, and an alter or a rename runs from the new state back to the old
// one, differing in the same Fields. Because every change holds both sides,
// the inverse needs no schema.
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
			inv := &TableChange{Operation: inverseOp(c.Operation), From: c.To, To: c.From, Fields: c.Fields}
			if c.Operation == Alter {
				if old, ok := tables[c.To.QName]; ok {
					f, t := *c.To, *c.From
					f.QName, t.QName = old, old
					inv.From, inv.To = &f, &t
				}
			}
			out = append(out, inv)
		case *ColumnChange:
			inv := &ColumnChange{Table: table(c.Table), Operation: inverseOp(c.Operation), From: c.To, To: c.From, Fields: c.Fields}
			if c.Operation == Alter {
				if old, ok := columns[c.Table][c.To.Name]; ok {
					f, t := *c.To, *c.From
					f.Name, t.Name = old, old
					inv.From, inv.To = &f, &t
				}
			}
			out = append(out, inv)
		case *ConstraintChange:
			out = append(out, &ConstraintChange{Table: table(c.Table), Operation: inverseOp(c.Operation), From: c.To, To: c.From, Fields: c.Fields})
		case *IndexChange:
			out = append(out, &IndexChange{Table: table(c.Table), Operation: inverseOp(c.Operation), From: c.To, To: c.From, Fields: c.Fields})
		case interface{ inverse() Change }:
			// Every ObjectChange, whatever its object type: a kind added
			// to the model needs nothing here.
			out = append(out, c.inverse())
		default:
			// Change is sealed, and every change type of this package is
			// handled above; reaching here is a bug in this package.
			panic(fmt.Sprintf("diff: Invert: no inverse for %T", c))
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

func (c *ObjectChange[T]) inverse() Change {
	return &ObjectChange[T]{Operation: inverseOp(c.Operation), From: c.To, To: c.From, Fields: c.Fields}
}
