package render

import (
	"slices"
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// followRenames turns the drop and create of a renamed table's constraint
// or index into a rename, when the only difference is the name PostgreSQL
// derived from the table's: people_pkey becoming persons_pkey after the
// table people became persons. That follows from the rename hint; nothing
// is guessed.
func (p *planner) followRenames(changes []diff.Change) []diff.Change {
	if len(p.renamed) == 0 {
		return changes
	}
	derived := func(table model.QName, from, to string) bool {
		old := p.renamed[table]
		return old.Name != "" && strings.Contains(from, old.Name) && strings.Replace(from, old.Name, table.Name, 1) == to
	}
	type key struct {
		table model.QName
		name  string
	}
	drops := map[key]int{}
	for i, c := range changes {
		switch c := c.(type) {
		case *diff.ConstraintChange:
			if c.Operation == diff.Drop {
				drops[key{c.Table, "c " + c.From.Name}] = i
			}
		case *diff.IndexChange:
			if c.Operation == diff.Drop {
				drops[key{c.Table, "i " + c.From.Name}] = i
			}
		}
	}
	for i, c := range changes {
		switch c := c.(type) {
		case *diff.ConstraintChange:
			if c.Operation != diff.Create {
				continue
			}
			for k, j := range drops {
				d, ok := changes[j].(*diff.ConstraintChange)
				if !ok || k.table != c.Table || !derived(c.Table, d.From.Name, c.To.Name) || !sameConstraint(d.From, c.To) {
					continue
				}
				changes[i] = &diff.ConstraintChange{Table: c.Table, Operation: diff.Rename, From: d.From, To: c.To}
				changes[j] = nil
				delete(drops, k)
				break
			}
		case *diff.IndexChange:
			if c.Operation != diff.Create {
				continue
			}
			for k, j := range drops {
				d, ok := changes[j].(*diff.IndexChange)
				if !ok || k.table != c.Table || !derived(c.Table, d.From.Name, c.To.Name) ||
					!sameExcept(d.From, c.To, func(ix *model.Index) { ix.Name, ix.Definition, ix.Comment, ix.Deps = "", "", "", nil }) {
					continue
				}
				changes[i] = &diff.IndexChange{Table: c.Table, Operation: diff.Rename, From: d.From, To: c.To}
				changes[j] = nil
				delete(drops, k)
				break
			}
		}
	}
	return slices.DeleteFunc(changes, func(c diff.Change) bool { return c == nil })
}

// sameConstraint reports whether two constraints differ only in name,
// index name and comment.
func sameConstraint(a, b *model.Constraint) bool {
	return sameExcept(a, b, func(c *model.Constraint) { c.Name, c.Index, c.Comment, c.Deps = "", "", "", nil })
}

// renameConstraint renames a constraint (and the index of a key with it).
func (p *planner) renameConstraint(tq model.QName, f, c *model.Constraint) {
	t := p.ni.tables[tq]
	if t == nil {
		return
	}
	provides := []model.ObjectRef{ddl.ConstraintRef(tq, c.Name)}
	frees := []ddl.Token{freed(ddl.ConstraintRef(tq, f.Name))}
	if r, ok := keyIndexRef(tq, c); ok {
		old, _ := keyIndexRef(tq, f)
		provides = append(provides, r)
		frees = append(frees, freed(old))
	}
	p.add(Statement{
		ID:         ddl.StmtID(ddl.PrioConstraint, "rename constraint", ddl.QNameSQL(tq), sqlq.QuoteIdent(c.Name)),
		Priority:   ddl.PrioConstraint,
		SQL:        ddl.AlterTable(t, false) + " RENAME CONSTRAINT " + sqlq.QuoteIdent(f.Name) + " TO " + sqlq.QuoteIdent(c.Name),
		Provides:   provides,
		ProvTokens: frees,
		ReqTokens:  []ddl.Token{nameRef(tq)},
	})
	p.constraintComment(tq, c.Name, f.Comment, c.Comment)
}

// renameIndex renames an index.
func (p *planner) renameIndex(owner model.QName, f, ix *model.Index) {
	p.add(Statement{
		ID:         ddl.StmtID(ddl.PrioIndex, "rename index", sqlq.Qualified(owner.Schema, ix.Name)),
		Priority:   ddl.PrioIndex,
		SQL:        "ALTER INDEX " + sqlq.Qualified(owner.Schema, f.Name) + " RENAME TO " + sqlq.QuoteIdent(ix.Name),
		Provides:   []model.ObjectRef{ddl.IndexRef(owner.Schema, ix.Name, owner.Name)},
		ProvTokens: []ddl.Token{freed(ddl.IndexRef(owner.Schema, f.Name, owner.Name))},
		ReqTokens:  []ddl.Token{nameRef(owner)},
	})
	p.alterIndex(owner, &model.Index{Name: ix.Name, Comment: f.Comment, ParentIndex: ix.ParentIndex}, ix)
}
