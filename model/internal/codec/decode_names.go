package codec

import (
	"fmt"

	"github.com/retortdb/retort/model"
)

// nameUnnamed names the foreign keys and indexes declared without a name
// (Atlas's foreign_key {} and index {}) as PostgreSQL names them when
// their statements leave the name out, so that the schema read from the
// file equals the one PostgreSQL makes of it:
//
//   - a foreign key is TABLE_COLS_fkey (ChooseConstraintName), free among
//     the constraints of its schema, of every table and domain;
//   - an index is TABLE_COLS_idx (ChooseRelationName), free among the
//     relations of its schema: tables, views, sequences, composite types
//     and indexes, the indexes of keys included;
//
// both cut to 63 bytes by makeObjectName, with 1, 2, … added to the label
// until the name is free. They are named in the order they are declared,
// after every object that has a name of its own.
func (d *decoder) nameUnnamed() {
	constraints, relations := map[model.QName]bool{}, map[model.QName]bool{}
	for _, dc := range d.decls["table"] {
		ts := d.tables[dc.q]
		if ts == nil {
			continue
		}
		t := ts.t
		for _, c := range t.Constraints {
			if c.Name != "" {
				constraints[model.QName{Schema: t.Schema, Name: c.Name}] = true
			}
			if c.Index != "" {
				relations[model.QName{Schema: t.Schema, Name: c.Index}] = true
			}
		}
		for _, ix := range t.Indexes {
			if ix.Name != "" {
				relations[model.QName{Schema: t.Schema, Name: ix.Name}] = true
			}
		}
	}
	for _, dm := range d.s.Domains {
		for _, c := range dm.Checks {
			constraints[model.QName{Schema: dm.Schema, Name: c.Name}] = true
		}
	}
	for _, k := range []string{"table", "view", "materialized", "sequence", "composite"} {
		for _, dc := range d.decls[k] {
			relations[dc.q] = true
		}
	}
	for _, dc := range d.decls["table"] {
		ts := d.tables[dc.q]
		if ts == nil {
			continue
		}
		t := ts.t
		for _, i := range ts.unnamedFKs {
			c := &t.Constraints[i]
			c.Name = chooseName(constraints, t.Schema, t.Name, nameAddition(c.Columns), "fkey")
		}
		for _, i := range ts.unnamedIndexes {
			ix := &t.Indexes[i]
			ix.Name = chooseName(relations, t.Schema, t.Name, nameAddition(indexColumnNames(ix.Keys)), "idx")
			if len(ix.Keys) > 0 {
				ix.Definition = indexText(t.QName, t.Kind == model.TablePartitioned, *ix)
			}
		}
	}
}

// indexColumnNames are the names PostgreSQL gives the columns of an index
// (ChooseIndexColumnNames): a column's own, a function's for a call, expr
// otherwise, with 1, 2, … added to a name that an earlier column has.
func indexColumnNames(keys []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range keys {
		orig := keyColName(k)
		name := orig
		for n := 1; seen[name]; n++ {
			suffix := fmt.Sprint(n)
			name = clip(orig, maxIdent-len(suffix)) + suffix
		}
		seen[name] = true
		out = append(out, name)
	}
	return out
}
