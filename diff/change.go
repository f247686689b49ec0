package diff

import (
	"fmt"

	"github.com/retortdb/retort/model"
)

// Op says what a change does to its object.
type Op uint8

// The operations.
const (
	// Create adds an object that only the target has.
	Create Op = iota + 1
	// Drop removes an object that only the source has.
	Drop
	// Alter changes an object that both have, under the same key.
	Alter
	// Rename changes an object's name, as a rename hint asked; the object may
	// also have other changes, which the renderer applies after the rename.
	Rename
)

func (o Op) String() string {
	switch o {
	case Create:
		return "create"
	case Drop:
		return "drop"
	case Alter:
		return "alter"
	case Rename:
		return "rename"
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// Change is one difference between two schemas. Its implementations are the
// types of this package: [ObjectChange] for free-standing objects,
// [TableChange], [ColumnChange], [ConstraintChange] and [IndexChange] for
// tables and their parts.
type Change interface {
	// Op is what the change does.
	Op() Op
	// Ref names the changed object, as the target names it (the source for
	// a drop).
	Ref() model.ObjectRef
	isChange()
}

// Object is the set of free-standing object types an [ObjectChange] can hold.
type Object interface {
	model.Namespace | model.Extension | model.Collation | model.Enum | model.Domain |
		model.CompositeType | model.RangeType | model.Sequence | model.View |
		model.Function | model.Aggregate | model.Trigger | model.EventTrigger |
		model.Rule | model.Policy | model.ForeignDataWrapper | model.ForeignServer |
		model.UserMapping | model.Cast | model.DefaultPrivileges | model.Statistics
}

// ObjectChange is a change to a free-standing object. From is nil for a
// Create, To is nil for a Drop.
type ObjectChange[T Object] struct {
	Operation Op
	From, To  *T
	// Fields, for an Alter, names the properties that differ, by their
	// JSON names in package model ("definition", "not_null", …), in the
	// order the model declares them; nil for other operations.
	Fields []string
}

// Op implements [Change].
func (c *ObjectChange[T]) Op() Op { return c.Operation }

// Ref implements [Change].
func (c *ObjectChange[T]) Ref() model.ObjectRef {
	obj := c.To
	if obj == nil {
		obj = c.From
	}
	return refOf(obj)
}

func (*ObjectChange[T]) isChange() {}

// TableChange creates, drops, renames or alters a table as a whole. Alter is
// used only for table-level properties (kind aside: a table that changes kind
// is dropped and created); columns, constraints and indexes have their own
// changes.
type TableChange struct {
	Operation Op
	From, To  *model.Table
	// Fields is as in [ObjectChange]; columns, constraints and indexes
	// are not among them: they have changes of their own.
	Fields []string
}

// Op implements [Change].
func (c *TableChange) Op() Op { return c.Operation }

// Ref implements [Change].
func (c *TableChange) Ref() model.ObjectRef {
	t := c.To
	if t == nil {
		t = c.From
	}
	return model.ObjectRef{Kind: model.KindTable, Schema: t.Schema, Name: t.Name}
}

func (*TableChange) isChange() {}

// ColumnChange adds, drops, renames or alters one column of a table that both
// schemas have.
type ColumnChange struct {
	Table     model.QName
	Operation Op
	From, To  *model.Column
	// Fields is as in [ObjectChange].
	Fields []string
}

// Op implements [Change].
func (c *ColumnChange) Op() Op { return c.Operation }

// Ref implements [Change]; columns are named by their table, with the column
// name in Name.
func (c *ColumnChange) Ref() model.ObjectRef {
	col := c.To
	if col == nil {
		col = c.From
	}
	return model.ObjectRef{Kind: KindColumn, Schema: c.Table.Schema, Table: c.Table.Name, Name: col.Name}
}

func (*ColumnChange) isChange() {}

// KindColumn is the ObjectRef kind of a column in a [ColumnChange].
const KindColumn model.ObjectKind = "column"

// ConstraintChange adds, drops or alters a constraint of a table that both
// schemas have.
type ConstraintChange struct {
	Table     model.QName
	Operation Op
	From, To  *model.Constraint
	// Fields is as in [ObjectChange].
	Fields []string
}

// Op implements [Change].
func (c *ConstraintChange) Op() Op { return c.Operation }

// Ref implements [Change].
func (c *ConstraintChange) Ref() model.ObjectRef {
	con := c.To
	if con == nil {
		con = c.From
	}
	return model.ObjectRef{Kind: model.KindConstraint, Schema: c.Table.Schema, Table: c.Table.Name, Name: con.Name}
}

func (*ConstraintChange) isChange() {}

// IndexChange creates, drops or alters an index of a table (or materialized
// view) that both schemas have.
type IndexChange struct {
	Table     model.QName
	Operation Op
	From, To  *model.Index
	// Fields is as in [ObjectChange].
	Fields []string
}

// Op implements [Change].
func (c *IndexChange) Op() Op { return c.Operation }

// Ref implements [Change].
func (c *IndexChange) Ref() model.ObjectRef {
	ix := c.To
	if ix == nil {
		ix = c.From
	}
	return model.ObjectRef{Kind: model.KindIndex, Schema: c.Table.Schema, Table: c.Table.Name, Name: ix.Name}
}

func (*IndexChange) isChange() {}

// refOf names a free-standing object.
func refOf[T Object](obj *T) model.ObjectRef {
	switch o := any(obj).(type) {
	case *model.Namespace:
		return model.ObjectRef{Kind: model.KindSchema, Name: o.Name}
	case *model.Extension:
		return model.ObjectRef{Kind: model.KindExtension, Name: o.Name}
	case *model.Collation:
		return model.ObjectRef{Kind: model.KindCollation, Schema: o.Schema, Name: o.Name}
	case *model.Enum:
		return model.ObjectRef{Kind: model.KindType, Schema: o.Schema, Name: o.Name}
	case *model.Domain:
		return model.ObjectRef{Kind: model.KindType, Schema: o.Schema, Name: o.Name}
	case *model.CompositeType:
		return model.ObjectRef{Kind: model.KindType, Schema: o.Schema, Name: o.Name}
	case *model.RangeType:
		return model.ObjectRef{Kind: model.KindType, Schema: o.Schema, Name: o.Name}
	case *model.Sequence:
		return model.ObjectRef{Kind: model.KindSequence, Schema: o.Schema, Name: o.Name}
	case *model.View:
		k := model.KindView
		if o.Materialized {
			k = model.KindMaterializedView
		}
		return model.ObjectRef{Kind: k, Schema: o.Schema, Name: o.Name}
	case *model.Function:
		return model.ObjectRef{Kind: model.KindFunction, Schema: o.Schema, Name: o.Name, Args: o.IdentityArgs}
	case *model.Aggregate:
		return model.ObjectRef{Kind: model.KindAggregate, Schema: o.Schema, Name: o.Name, Args: o.IdentityArgs}
	case *model.Trigger:
		return model.ObjectRef{Kind: model.KindTrigger, Schema: o.Table.Schema, Table: o.Table.Name, Name: o.Name}
	case *model.EventTrigger:
		return model.ObjectRef{Kind: model.KindEventTrigger, Name: o.Name}
	case *model.Rule:
		return model.ObjectRef{Kind: model.KindRule, Schema: o.Table.Schema, Table: o.Table.Name, Name: o.Name}
	case *model.Policy:
		return model.ObjectRef{Kind: model.KindPolicy, Schema: o.Table.Schema, Table: o.Table.Name, Name: o.Name}
	case *model.ForeignDataWrapper:
		return model.ObjectRef{Kind: model.KindForeignDataWrapper, Name: o.Name}
	case *model.ForeignServer:
		return model.ObjectRef{Kind: model.KindServer, Name: o.Name}
	case *model.UserMapping:
		return model.ObjectRef{Kind: model.KindUserMapping, Table: o.Server, Name: o.User}
	case *model.Cast:
		return model.ObjectRef{Kind: model.KindCast, Name: o.Key()}
	case *model.DefaultPrivileges:
		return model.ObjectRef{Kind: model.KindDefaultPrivileges, Schema: o.Schema, Name: o.Role, Args: o.ObjectType}
	case *model.Statistics:
		return model.ObjectRef{Kind: model.KindStatistics, Schema: o.Schema, Name: o.Name}
	}
	panic(fmt.Sprintf("diff: refOf(%T): not an Object", obj)) // unreachable: the type set is closed
}
