package render

import (
	"fmt"
	"slices"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// Columns that change hands between a table and its inheritance children
// or partitions. PostgreSQL adds and drops a parent's columns on its
// children too, which is what a plan wants for a child that keeps
// inheriting them, and not for one that takes a column over, gives it to
// its parent, or leaves the parent in the same plan.

// inheritsFrom reports whether t inherits from q (not as a partition).
func inheritsFrom(t *model.Table, q model.QName) bool {
	return t != nil && slices.Contains(t.Inherits, q)
}

// keptByChild reports whether dropping column name of the parent q must
// spare its children (ALTER TABLE ONLY … DROP COLUMN): a table that
// inherits the column from q in the source has it as its own column in the
// target. PostgreSQL then keeps the child's column, values and all, as a
// local one. Partitioned tables cannot drop a column for themselves only.
func (p *planner) keptByChild(q model.QName, name string) bool {
	if old := p.oldTable(q); old == nil || old.Kind == model.TablePartitioned {
		return false
	}
	for _, t := range p.new.Tables {
		if !inheritsFrom(&t, q) || !inheritsFrom(p.oldTable(t.QName), q) {
			continue
		}
		if c := columnOf(&t, name); c != nil && !c.Inherited {
			return true
		}
	}
	return false
}

// dropColumnLoss is the data-loss hazard of dropping column name of table
// q, for the table alone (only) or with its children.
func dropColumnLoss(q model.QName, name string, only bool) Hazard {
	if only {
		return Hazard{Kind: HazardDataLoss, Message: "drops column " + columnText(q, name) + " and the values of " + ddl.QNameSQL(q) +
			"'s own rows (ONLY: children that keep the column keep theirs)"}
	}
	return Hazard{Kind: HazardDataLoss, Message: "drops column " + columnText(q, name) + " and its values; down adds it back empty"}
}

// columnOf returns t's column name, or nil.
func columnOf(t *model.Table, name string) *model.Column {
	if t == nil {
		return nil
	}
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// leaving returns the tables that are partitions or inheritance children of
// q in the source and no longer are in the target: a column the plan adds
// to q must not reach them, so the add waits for them to leave.
func (p *planner) leaving(q model.QName) []ddl.Token {
	var out []ddl.Token
	for _, t := range p.new.Tables {
		old := p.oldTable(t.QName)
		if old == nil {
			continue
		}
		wasChild := old.PartitionOf != nil && *old.PartitionOf == q || inheritsFrom(old, q)
		isChild := t.PartitionOf != nil && *t.PartitionOf == q || inheritsFrom(&t, q)
		if wasChild && !isChild {
			out = append(out, detachedRef(t.QName))
		}
	}
	return out
}

// adoptColumns handles the children of the parent q that have column c
// as their own in the source and are to inherit it only in the target.
// Adding c to q would merge it with the child's column, which then stays
// the child's own: no ALTER turns that off. So the child's column is
// renamed out of the way before add (whose statement is returned with the
// requirement), and its values are copied into the inherited column before
// the old one is dropped. The child keeps its values and its column order.
func (p *planner) adoptColumns(q model.QName, c *model.Column, add Statement) Statement {
	for _, t := range p.new.Tables {
		if !inheritsFrom(&t, q) {
			continue
		}
		old := p.oldTable(t.QName)
		nc, oc := columnOf(&t, c.Name), columnOf(old, c.Name)
		if nc == nil || oc == nil || !nc.Inherited || oc.Inherited {
			continue
		}
		tmp := fmt.Sprintf("retort_moved_%d", slices.IndexFunc(old.Columns, func(x model.Column) bool { return x.Name == c.Name }))
		col, moved := colRef(t.QName, c.Name), colRef(t.QName, tmp)
		id := "table " + ddl.QNameSQL(t.QName)
		p.add(Statement{
			ID:         ddl.StmtID(ddl.PrioTable, "alter", id, "column move "+sqlq.QuoteIdent(c.Name)+" 1 rename"),
			Priority:   ddl.PrioTable,
			SQL:        ddl.AlterTable(&t, false) + " RENAME COLUMN " + sqlq.QuoteIdent(c.Name) + " TO " + sqlq.QuoteIdent(tmp),
			Hazards:    []Hazard{lockHazard(t.QName, "RENAME COLUMN")},
			Provides:   []model.ObjectRef{moved},
			ProvTokens: []ddl.Token{freed(col)},
			ReqTokens:  []ddl.Token{nameRef(t.QName)},
		})
		add.ReqTokens = append(add.ReqTokens, freed(col))
		p.add(Statement{
			ID:       ddl.StmtID(ddl.PrioTable, "alter", id, "column move "+sqlq.QuoteIdent(c.Name)+" 2 copy"),
			Priority: ddl.PrioTable,
			SQL:      "UPDATE ONLY " + ddl.QNameSQL(t.QName) + " SET " + sqlq.QuoteIdent(c.Name) + " = " + sqlq.QuoteIdent(tmp),
			Hazards: []Hazard{{Kind: HazardTableRewrite, Message: "copies " + columnText(t.QName, c.Name) +
				" into the column it now inherits from " + ddl.QNameSQL(q) + ": every row of " + ddl.QNameSQL(t.QName) + " is updated", Table: t.QName}},
			Requires:   []model.ObjectRef{moved, colRef(q, c.Name)},
			ProvTokens: []ddl.Token{released(moved)},
		})
		p.add(Statement{
			ID:        ddl.StmtID(ddl.PrioTable, "alter", id, "column move "+sqlq.QuoteIdent(c.Name)+" 3 drop"),
			Priority:  ddl.PrioTable,
			SQL:       ddl.AlterTable(&t, false) + " DROP COLUMN " + sqlq.QuoteIdent(tmp),
			Hazards:   []Hazard{lockHazard(t.QName, "DROP COLUMN")},
			Provides:  []model.ObjectRef{ddl.TableRef(t.QName), col},
			ReqTokens: []ddl.Token{released(moved)},
		})
	}
	return add
}
