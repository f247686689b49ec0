package render

import (
	"fmt"
	"slices"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/model"
)

// objectKind is what the planner knows of one kind of object beyond its
// DDL. Each kind's value is made by a function in the kind's plan file
// (triggerKind in plan_trigger.go, …), next to the methods it names, so
// that a kind's planning rules are read and changed in one place.
type objectKind[T diff.Object] struct {
	// change adds the statements of a create, a drop or an alter.
	change func(p *planner, c *diff.ObjectChange[T])
	// inPlace reports whether PostgreSQL can make an alter in place; an
	// alter it cannot make becomes a drop of the old object and a create
	// of the new one. Nil means every alter is made in place.
	inPlace func(p *planner, c *diff.ObjectChange[T]) bool
}

// plannedChange is a change bound to its kind's rules.
type plannedChange interface {
	// render adds the change's statements.
	render(p *planner)
	// split returns what an alter becomes when it cannot be made in place
	// (a drop and a create), or nil when it can, or the change is no alter.
	split(p *planner) []diff.Change
}

// planOf binds a change to its kind's rules. It is the one switch over the
// kinds of change; nil for a change of no known kind.
func planOf(c diff.Change) plannedChange {
	switch c := c.(type) {
	case *diff.TableChange:
		return tablePlan{c}
	case *diff.ColumnChange:
		return columnPlan{c}
	case *diff.ConstraintChange:
		return constraintPlan{c}
	case *diff.IndexChange:
		return indexPlan{c}
	case *diff.ObjectChange[model.Namespace]:
		return objectPlan[model.Namespace]{c, namespaceKind()}
	case *diff.ObjectChange[model.Extension]:
		return objectPlan[model.Extension]{c, extensionKind()}
	case *diff.ObjectChange[model.Collation]:
		return objectPlan[model.Collation]{c, collationKind()}
	case *diff.ObjectChange[model.Enum]:
		return objectPlan[model.Enum]{c, enumKind()}
	case *diff.ObjectChange[model.Domain]:
		return objectPlan[model.Domain]{c, domainKind()}
	case *diff.ObjectChange[model.CompositeType]:
		return objectPlan[model.CompositeType]{c, compositeKind()}
	case *diff.ObjectChange[model.RangeType]:
		return objectPlan[model.RangeType]{c, rangeKind()}
	case *diff.ObjectChange[model.Sequence]:
		return objectPlan[model.Sequence]{c, sequenceKind()}
	case *diff.ObjectChange[model.View]:
		return objectPlan[model.View]{c, viewKind()}
	case *diff.ObjectChange[model.Function]:
		return objectPlan[model.Function]{c, functionKind()}
	case *diff.ObjectChange[model.Aggregate]:
		return objectPlan[model.Aggregate]{c, aggregateKind()}
	case *diff.ObjectChange[model.Trigger]:
		return objectPlan[model.Trigger]{c, triggerKind()}
	case *diff.ObjectChange[model.EventTrigger]:
		return objectPlan[model.EventTrigger]{c, eventTriggerKind()}
	case *diff.ObjectChange[model.Rule]:
		return objectPlan[model.Rule]{c, ruleKind()}
	case *diff.ObjectChange[model.Policy]:
		return objectPlan[model.Policy]{c, policyKind()}
	case *diff.ObjectChange[model.Statistics]:
		return objectPlan[model.Statistics]{c, statisticsKind()}
	case *diff.ObjectChange[model.ForeignDataWrapper]:
		return objectPlan[model.ForeignDataWrapper]{c, fdwKind()}
	case *diff.ObjectChange[model.ForeignServer]:
		return objectPlan[model.ForeignServer]{c, serverKind()}
	case *diff.ObjectChange[model.UserMapping]:
		return objectPlan[model.UserMapping]{c, userMappingKind()}
	case *diff.ObjectChange[model.Cast]:
		return objectPlan[model.Cast]{c, castKind()}
	case *diff.ObjectChange[model.DefaultPrivileges]:
		return objectPlan[model.DefaultPrivileges]{c, defaultPrivilegesKind()}
	}
	return nil
}

// render adds the statements of one change.
func (p *planner) render(c diff.Change) {
	pc := planOf(c)
	if pc == nil {
		p.b.Errorf(fmt.Sprintf("%T", c), "unknown change")
		return
	}
	pc.render(p)
}

// objectPlan is a change of a free-standing kind, or of one that hangs off a
// table by name (triggers, rules, policies), with its kind's rules.
type objectPlan[T diff.Object] struct {
	c    *diff.ObjectChange[T]
	kind objectKind[T]
}

func (o objectPlan[T]) render(p *planner) { o.kind.change(p, o.c) }

func (o objectPlan[T]) split(p *planner) []diff.Change {
	if o.c.Operation != diff.Alter || o.kind.inPlace == nil || o.kind.inPlace(p, o.c) {
		return nil
	}
	return []diff.Change{
		&diff.ObjectChange[T]{Operation: diff.Drop, From: o.c.From},
		&diff.ObjectChange[T]{Operation: diff.Create, To: o.c.To},
	}
}

// alterable returns an inPlace rule for a kind whose alters PostgreSQL makes
// in place only in the given fields (JSON names, as the change's Fields
// list them): a change to any other field is a drop and a create.
func alterable[T diff.Object](fields ...string) func(*planner, *diff.ObjectChange[T]) bool {
	return func(_ *planner, c *diff.ObjectChange[T]) bool {
		for _, f := range c.Fields {
			if !slices.Contains(fields, f) {
				return false
			}
		}
		return true
	}
}

// never is the inPlace rule of a kind that PostgreSQL cannot alter.
func never[T diff.Object](*planner, *diff.ObjectChange[T]) bool { return false }

// tablePlan, columnPlan, constraintPlan and indexPlan are the changes of a
// table and its parts, whose rules need the table.
type (
	tablePlan      struct{ c *diff.TableChange }
	columnPlan     struct{ c *diff.ColumnChange }
	constraintPlan struct{ c *diff.ConstraintChange }
	indexPlan      struct{ c *diff.IndexChange }
)

func (t tablePlan) render(p *planner)          { p.tableChange(t.c) }
func (tablePlan) split(*planner) []diff.Change { return nil }

func (c columnPlan) render(p *planner) { p.columnChange(c.c) }

func (c columnPlan) split(p *planner) []diff.Change {
	if c.c.Operation != diff.Alter || !p.generatedRebuild(c.c.From, c.c.To) {
		return nil
	}
	return []diff.Change{
		&diff.ColumnChange{Table: c.c.Table, Operation: diff.Drop, From: c.c.From},
		&diff.ColumnChange{Table: c.c.Table, Operation: diff.Create, To: c.c.To},
	}
}

func (c constraintPlan) render(p *planner) { p.constraintChange(c.c) }

func (c constraintPlan) split(p *planner) []diff.Change {
	if c.c.Operation != diff.Alter || p.constraintAlterable(c.c.Table, c.c.From, c.c.To) {
		return nil
	}
	return []diff.Change{&diff.ConstraintChange{Table: c.c.Table, Operation: diff.Drop, From: c.c.From},
		&diff.ConstraintChange{Table: c.c.Table, Operation: diff.Create, To: c.c.To}}
}

func (i indexPlan) render(p *planner) { p.indexChange(i.c) }

func (i indexPlan) split(p *planner) []diff.Change {
	if i.c.Operation != diff.Alter || p.indexAlterable(i.c.Table, i.c.From, i.c.To) {
		return nil
	}
	return []diff.Change{&diff.IndexChange{Table: i.c.Table, Operation: diff.Drop, From: i.c.From},
		&diff.IndexChange{Table: i.c.Table, Operation: diff.Create, To: i.c.To}}
}
