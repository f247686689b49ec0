package render

import (
	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

func (p *planner) constraintChange(c *diff.ConstraintChange) {
	switch c.Operation {
	case diff.Create:
		p.addTableConstraint(c.Table, c.To)
	case diff.Drop:
		p.dropConstraint(c.Table, c.From)
	case diff.Alter:
		p.alterConstraint(c.Table, c.From, c.To)
	case diff.Rename:
		p.renameConstraint(c.Table, c.From, c.To)
	}
}

// addTableConstraint adds a constraint to a table of both schemas, as a
// created table's own constraints are added, and attaches a partition's
// key to its parent's.
func (p *planner) addTableConstraint(tq model.QName, c *model.Constraint) {
	t := p.ni.tables[tq]
	if t == nil {
		p.b.Errorf("constraint "+tq.String()+"."+c.Name, "table not in the target")
		return
	}
	var st Statement
	var err error
	var hz []Hazard
	online := p.onlineConstraint(t, c)
	if online {
		nv := *c
		nv.NotValid = true
		c = &nv
	}
	switch c.Type {
	case model.Check:
		st, err = ddl.AddConstraint(t, c, false, ddl.PrioConstraint)
		if online {
			hz = append(hz, lockHazard(tq, "ADD CONSTRAINT … NOT VALID"))
		} else if !c.NotValid {
			hz = append(hz, Hazard{Kind: HazardExclusiveLock, Severity: SeverityDanger, Table: tq, Message: "adding CHECK " + sqlq.QuoteIdent(c.Name) + " scans " + ddl.QNameSQL(tq) +
				" under an ACCESS EXCLUSIVE lock (add it NOT VALID and VALIDATE it later to avoid that)"})
		}
	case model.PrimaryKey, model.Unique, model.Exclusion:
		if key, ok := p.onlineKey(t, c); ok {
			st, hz = key, key.Hazards
			break
		}
		st, err = ddl.AddConstraint(t, c, true, ddl.PrioConstraint)
		if err == nil {
			r, _ := keyIndexRef(tq, c)
			st.Provides = append(st.Provides, r)
			if t.Kind == model.TablePartitioned {
				st.Requires = append(st.Requires, p.b.Descendants(t.QName)...)
			}
			hz = append(hz, Hazard{Kind: HazardIndexBuild, Message: "adding " + sqlq.QuoteIdent(c.Name) + " builds a unique index on " + ddl.QNameSQL(tq) +
				", blocking writes while it builds"}, lockHazard(tq, "ADD CONSTRAINT"))
		}
	case model.ForeignKey:
		st, err = ddl.AddConstraint(t, c, t.Kind != model.TablePartitioned, ddl.PrioForeignKey)
		if err == nil && c.RefTable != nil {
			st.Requires = append(st.Requires, ddl.TableRef(*c.RefTable))
			st.Requires = append(st.Requires, p.b.KeysOf(*c.RefTable)...)
		}
		if p.existed(tq) {
			hz = append(hz, foreignKeyHazard(tq, c, online || c.NotValid))
		}
	default:
		p.b.Errorf("table "+ddl.QNameSQL(tq), "constraint %s: unknown type %q", sqlq.QuoteIdent(c.Name), c.Type)
		return
	}
	if err != nil {
		p.b.Errorf("table "+ddl.QNameSQL(tq), "constraint %s: %v", sqlq.QuoteIdent(c.Name), err)
		return
	}
	st.Hazards = hz
	st.ReqTokens = append(st.ReqTokens, nameRef(tq))
	if c.Type == model.PrimaryKey {
		// A key column that a backfill fills in is NOT NULL first.
		for _, col := range c.Columns {
			st.ReqTokens = append(st.ReqTokens, notNullRef(colRef(tq, col)))
		}
	}
	st.ProvTokens = append(st.ProvTokens, builtRef(ddl.ConstraintRef(tq, c.Name)))
	p.add(st)
	if online {
		p.validate(t, c.Name, c.Type == model.ForeignKey, constraintPrio(c))
	}
	if c.ParentIndex != nil {
		r, _ := keyIndexRef(tq, c)
		p.b.AttachIndex(*c.ParentIndex, tq, r.Name, ddl.ConstraintRef(tq, c.Name), r)
	}
	p.constraintComment(tq, c.Name, "", c.Comment)
}

// dropConstraint drops a constraint of a table that stays. A partition's
// key that is attached to its parent's goes with the parent's.
func (p *planner) dropConstraint(tq model.QName, c *model.Constraint) {
	t := p.oldTable(tq)
	if t == nil {
		p.b.Errorf("constraint "+tq.String()+"."+c.Name, "table not in the source")
		return
	}
	ref := ddl.ConstraintRef(tq, c.Name)
	var parts []model.ObjectRef
	if r, ok := keyIndexRef(tq, c); ok {
		parts = append(parts, r)
	}
	p.markDropped(append([]model.ObjectRef{ref}, parts...)...)
	waits := []ddl.Token{nameRef(tq)}
	if c.ParentIndex != nil {
		if !p.detaches(tq) {
			p.aliasDrop(ddl.IndexRef(c.ParentIndex.Schema, c.ParentIndex.Name, ""), append([]model.ObjectRef{ref}, parts...)...)
			return
		}
		waits = append(waits, detachedRef(tq))
	}
	i := p.drop(dropStmt{
		ref: ref, kindPrio: constraintPrio(c),
		sql:   ddl.AlterTable(t, false) + " DROP CONSTRAINT " + sqlq.QuoteIdent(c.Name),
		parts: parts,
		waits: waits,
	})
	if i >= 0 && c.Type != model.ForeignKey {
		// What is created on the table afterwards may need the name.
		p.b.Stmt(i).Provides = append(p.b.Stmt(i).Provides, ddl.TableRef(tq))
	}
}

// foreignKeyHazard is the hazard of adding foreign key c to table tq,
// which exists: SHARE ROW EXCLUSIVE locks on tq and on the referenced
// table, which block their writes: for a catalog update when notValid,
// else while every row of tq is checked.
func foreignKeyHazard(tq model.QName, c *model.Constraint, notValid bool) Hazard {
	locks := ddl.QNameSQL(tq)
	if c.RefTable != nil && *c.RefTable != tq {
		locks += " and " + ddl.QNameSQL(*c.RefTable)
	}
	if notValid {
		return Hazard{Kind: HazardShareRowExclusiveLock, Severity: SeverityWarning, Table: tq, Brief: true,
			Message: "adding FOREIGN KEY " + sqlq.QuoteIdent(c.Name) + " NOT VALID takes SHARE ROW EXCLUSIVE locks on " + locks + ", blocking their writes while it runs"}
	}
	return Hazard{Kind: HazardShareRowExclusiveLock, Severity: SeverityDanger, Table: tq,
		Message: "adding FOREIGN KEY " + sqlq.QuoteIdent(c.Name) + " checks every row of " + ddl.QNameSQL(tq) + " under SHARE ROW EXCLUSIVE locks on " + locks +
			", blocking their writes while it runs (add it NOT VALID and VALIDATE it later, as --online does, to avoid that)"}
}

// onlineConstraint reports whether constraint c of t is added NOT VALID
// and validated apart: a CHECK or a foreign key, valid in the target, on a
// table that exists. PostgreSQL cannot add a foreign key NOT VALID to a
// partitioned table.
func (p *planner) onlineConstraint(t *model.Table, c *model.Constraint) bool {
	if c.NotValid || !p.onlineOn(t.QName) {
		return false
	}
	return c.Type == model.Check || c.Type == model.ForeignKey && t.Kind != model.TablePartitioned
}

func constraintPrio(c *model.Constraint) int {
	if c.Type == model.ForeignKey {
		return ddl.PrioForeignKey
	}
	return ddl.PrioConstraint
}

// alterConstraint changes what ALTER TABLE can change of a constraint in
// place; prepare turned every other alter into a drop and an add.
func (p *planner) alterConstraint(tq model.QName, f, c *model.Constraint) {
	t := p.ni.tables[tq]
	if t == nil {
		return
	}
	name := sqlq.QuoteIdent(c.Name)
	req := []model.ObjectRef{ddl.TableRef(tq), ddl.ConstraintRef(tq, c.Name)}
	waits := []ddl.Token{nameRef(tq)}
	if f.Type == model.ForeignKey && (f.Deferrable != c.Deferrable || f.InitiallyDeferred != c.InitiallyDeferred) {
		words := "NOT DEFERRABLE"
		if c.Deferrable {
			words = "DEFERRABLE INITIALLY IMMEDIATE"
			if c.InitiallyDeferred {
				words = "DEFERRABLE INITIALLY DEFERRED"
			}
		}
		p.add(Statement{
			ID:        ddl.StmtID(ddl.PrioForeignKey, "alter constraint", ddl.QNameSQL(tq), name),
			Priority:  ddl.PrioForeignKey,
			SQL:       ddl.AlterTable(t, false) + " ALTER CONSTRAINT " + name + " " + words,
			Requires:  req,
			ReqTokens: waits,
		})
	}
	if f.NotValid && !c.NotValid {
		p.add(Statement{
			ID:        ddl.StmtID(constraintPrio(c), "validate constraint", ddl.QNameSQL(tq), name),
			Priority:  constraintPrio(c),
			SQL:       ddl.AlterTable(t, false) + " VALIDATE CONSTRAINT " + name,
			Requires:  req,
			ReqTokens: waits,
		})
	}
	if f.ParentIndex == nil && c.ParentIndex != nil {
		r, _ := keyIndexRef(tq, c)
		p.b.AttachIndex(*c.ParentIndex, tq, r.Name, ddl.ConstraintRef(tq, c.Name), r)
	}
	p.constraintComment(tq, c.Name, f.Comment, c.Comment)
}

// constraintComment sets or clears a table constraint's comment.
func (p *planner) constraintComment(tq model.QName, name, from, to string) {
	if from == to || !p.opts.Comments {
		return
	}
	value := "NULL"
	if to != "" {
		value = sqlq.Literal(to)
	}
	p.add(Statement{
		ID:       ddl.StmtID(ddl.PrioComment, "comment", "table "+ddl.QNameSQL(tq), "constraint "+sqlq.QuoteIdent(name)),
		Priority: ddl.PrioComment,
		SQL:      "COMMENT ON CONSTRAINT " + sqlq.QuoteIdent(name) + " ON " + ddl.QNameSQL(tq) + " IS " + value,
		Requires: []model.ObjectRef{ddl.ConstraintRef(tq, name)},
	})
}
