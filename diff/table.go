package diff

import (
	"github.com/retortdb/retort/model"
)

// compareTables pairs tables by name (or by rename hint) and compares their
// properties, columns, constraints and indexes.
func (c *comparer) compareTables(from, to []model.Table) {
	toByName := make(map[model.QName]*model.Table, len(to))
	for i := range to {
		toByName[to[i].QName] = &to[i]
	}
	matched := make(map[model.QName]bool, len(from))
	for i := range from {
		f := &from[i]
		name := f.QName
		renamed := false
		if n, ok := c.tableFrom[name]; ok {
			name, renamed = n, true
		}
		t, ok := toByName[name]
		if !ok {
			c.out = append(c.out, &TableChange{Operation: Drop, From: f})
			continue
		}
		matched[name] = true
		if !sameShape(f, t) {
			// A table cannot become partitioned, or typed, or move to
			// another foreign server, in place. It can become a partition,
			// stop being one or move to another parent (ATTACH and DETACH
			// PARTITION): that is an Alter.
			c.out = append(c.out, &TableChange{Operation: Drop, From: f}, &TableChange{Operation: Create, To: t})
			continue
		}
		if renamed {
			c.out = append(c.out, &TableChange{Operation: Rename, From: f, To: t})
			g := *f
			g.QName = t.QName
			f = &g
		}
		if fields := c.changed(f, t); fields != nil {
			c.out = append(c.out, &TableChange{Operation: Alter, From: f, To: t, Fields: fields})
		}
		c.compareColumns(t.QName, f.Columns, t.Columns)
		c.compareConstraints(t.QName, f.Constraints, t.Constraints)
		c.compareIndexes(t.QName, f.Indexes, t.Indexes)
	}
	for i := range to {
		if t := &to[i]; !matched[t.QName] {
			c.out = append(c.out, &TableChange{Operation: Create, To: t})
		}
	}
}

// sameShape reports whether a table can be altered into the other in place.
func sameShape(a, b *model.Table) bool {
	return a.Kind == b.Kind && a.PartitionKey == b.PartitionKey && a.OfType == b.OfType &&
		a.Server == b.Server
}

func (c *comparer) compareColumns(table model.QName, from, to []model.Column) {
	renames := c.columnFrom[table]
	toByName := make(map[string]*model.Column, len(to))
	for i := range to {
		toByName[to[i].Name] = &to[i]
	}
	matched := make(map[string]bool, len(from))
	for i := range from {
		f := &from[i]
		name := f.Name
		renamed := false
		if n, ok := renames[name]; ok {
			name, renamed = n, true
		}
		t, ok := toByName[name]
		if !ok {
			c.out = append(c.out, &ColumnChange{Table: table, Operation: Drop, From: f})
			continue
		}
		matched[name] = true
		if renamed {
			c.out = append(c.out, &ColumnChange{Table: table, Operation: Rename, From: f, To: t})
			g := *f
			g.Name = t.Name
			f = &g
		}
		if fields := c.changed(f, t); fields != nil {
			c.out = append(c.out, &ColumnChange{Table: table, Operation: Alter, From: f, To: t, Fields: fields})
		}
	}
	for i := range to {
		if t := &to[i]; !matched[t.Name] {
			c.out = append(c.out, &ColumnChange{Table: table, Operation: Create, To: t})
		}
	}
}

// compareConstraints compares the constraints of a table both schemas
// have, by name.
func (c *comparer) compareConstraints(table model.QName, from, to []model.Constraint) {
	c.out = appendChanges(c.out, from, to, func(o *model.Constraint) string { return o.Name }, c.changed,
		func(op Op, f, t *model.Constraint, fields []string) Change {
			return &ConstraintChange{Table: table, Operation: op, From: f, To: t, Fields: fields}
		})
}

// compareIndexes compares the indexes of a table or materialized view both
// schemas have, by name.
func (c *comparer) compareIndexes(table model.QName, from, to []model.Index) {
	c.out = appendChanges(c.out, from, to, func(o *model.Index) string { return o.Name }, c.changed,
		func(op Op, f, t *model.Index, fields []string) Change {
			return &IndexChange{Table: table, Operation: op, From: f, To: t, Fields: fields}
		})
}

// compareViews compares views as whole objects and the indexes of
// materialized views one by one, so that an index change alone does not
// rebuild its view.
func (c *comparer) compareViews(from, to []model.View) {
	before := len(c.out)
	c.out = appendObjects(c.out, from, to, func(v *model.View) string { return qkey(v.QName) }, c.changed)
	replaced := map[model.QName]bool{}
	for _, ch := range c.out[before:] {
		vc := ch.(*ObjectChange[model.View])
		if vc.From != nil && vc.To == nil || vc.From == nil {
			continue
		}
		if vc.From.Materialized != vc.To.Materialized {
			replaced[vc.To.QName] = true
		}
	}
	toByName := make(map[model.QName]*model.View, len(to))
	for i := range to {
		toByName[to[i].QName] = &to[i]
	}
	for i := range from {
		f := &from[i]
		if t, ok := toByName[f.QName]; ok && !replaced[f.QName] && (len(f.Indexes) > 0 || len(t.Indexes) > 0) {
			c.compareIndexes(f.QName, f.Indexes, t.Indexes)
		}
	}
}
