package ddl

import (
	"errors"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/internal/sqltext"
	"github.com/retortdb/retort/model"
)

func ConstraintRef(table model.QName, name string) model.ObjectRef {
	return model.ObjectRef{Kind: model.KindConstraint, Schema: table.Schema, Table: table.Name, Name: name}
}

func IndexRef(schema, name, table string) model.ObjectRef {
	return model.ObjectRef{Kind: model.KindIndex, Schema: schema, Name: name, Table: table}
}

// inlineCheck reports whether a constraint is declared inside CREATE TABLE:
// a CHECK that is validated. CREATE TABLE would validate a NOT VALID one.
func inlineCheck(c model.Constraint) bool {
	return c.Type == model.Check && !c.NotValid && !strings.HasSuffix(strings.TrimSpace(c.Definition), "NOT VALID")
}

// constraints adds the constraints that CREATE TABLE does not declare:
// keys (as pg_dump does, so that a partitioned table's key can be attached
// to), foreign keys (after both tables, which breaks cycles between
// tables) and NOT VALID checks.
func (b *Builder) constraints(t *model.Table, tt Target) {
	for i := range t.Constraints {
		c := &t.Constraints[i]
		var st Statement
		var err error
		switch c.Type {
		case model.Check:
			if inlineCheck(*c) {
				break
			}
			st, err = AddConstraint(t, c, false, PrioConstraint)
		case model.PrimaryKey, model.Unique, model.Exclusion:
			st, err = AddConstraint(t, c, true, PrioConstraint)
			if err != nil {
				break
			}
			idx := c.Index
			if idx == "" {
				idx = c.Name
			}
			st.Provides = append(st.Provides, IndexRef(t.Schema, idx, t.Name))
			if t.Kind == model.TablePartitioned {
				// Partitions created after the key would get a copy of it.
				st.Requires = append(st.Requires, b.Descendants(t.QName)...)
			}
			if c.ParentIndex != nil {
				b.AttachIndex(*c.ParentIndex, t.QName, idx, ConstraintRef(t.QName, c.Name), IndexRef(t.Schema, idx, t.Name))
			}
		case model.ForeignKey:
			// ONLY is refused for a foreign key on a partitioned table.
			st, err = AddConstraint(t, c, t.Kind != model.TablePartitioned, PrioForeignKey)
			if err == nil && c.RefTable != nil {
				st.Requires = append(st.Requires, TableRef(*c.RefTable))
				st.Requires = append(st.Requires, b.KeysOf(*c.RefTable)...)
			}
		default:
			b.Errorf(tt.ID, "constraint %s: unknown type %q", sqlq.QuoteIdent(c.Name), c.Type)
			continue
		}
		if err != nil {
			b.Errorf(tt.ID, "constraint %s: %v", sqlq.QuoteIdent(c.Name), err)
			continue
		}
		if st.ID != "" {
			b.add(st)
		}
		if b.opts.Comments && c.Comment != "" {
			b.CommentOn(ConstraintRef(t.QName, c.Name), "comment "+tt.ID+" constraint "+sqlq.QuoteIdent(c.Name),
				"CONSTRAINT "+sqlq.QuoteIdent(c.Name)+" ON "+QNameSQL(t.QName), sqlq.Literal(c.Comment))
		}
	}
}

// AddConstraint is ALTER TABLE … ADD CONSTRAINT. A CHECK is added without
// ONLY, so that it reaches the children that must have it too.
func AddConstraint(t *model.Table, c *model.Constraint, only bool, prio int) (Statement, error) {
	def, err := constraintDef(c)
	if err != nil {
		return Statement{}, err
	}
	if c.NotValid {
		def = WithNotValid(def)
	}
	return Statement{
		ID:       StmtID(prio, "constraint", QNameSQL(t.QName), sqlq.QuoteIdent(c.Name)),
		Priority: prio,
		SQL:      AlterTable(t, only) + "\n    ADD CONSTRAINT " + sqlq.QuoteIdent(c.Name) + " " + def,
		Provides: []model.ObjectRef{ConstraintRef(t.QName, c.Name)},
		Requires: append([]model.ObjectRef{TableRef(t.QName)}, c.Deps...),
	}, nil
}

// KeysOf lists the keys a foreign key to a table may need: its primary
// and unique constraints and unique indexes, and those of its partitions,
// which must be attached before the parent's key is valid.
func (b *Builder) KeysOf(q model.QName) []model.ObjectRef {
	var refs []model.ObjectRef
	for _, r := range append([]model.ObjectRef{TableRef(q)}, b.Descendants(q)...) {
		t := b.tables[model.QName{Schema: r.Schema, Name: r.Name}]
		if t == nil {
			continue
		}
		for _, c := range t.Constraints {
			if c.Type == model.PrimaryKey || c.Type == model.Unique {
				refs = append(refs, ConstraintRef(t.QName, c.Name))
			}
		}
		for _, ix := range t.Indexes {
			if ix.Unique {
				refs = append(refs, IndexRef(t.Schema, ix.Name, t.Name))
			}
		}
	}
	return refs
}

// AttachIndex attaches an index of partition table to its parent's index,
// which makes the child complete: the attaching statement provides child
// too. It comes after the table is attached, when it is attached by ALTER
// TABLE … ATTACH PARTITION.
func (b *Builder) AttachIndex(parent, table model.QName, index string, child ...model.ObjectRef) {
	name := sqlq.Qualified(table.Schema, index)
	b.add(Statement{
		ID:        StmtID(PrioIndexAttach, "attach index", name),
		Priority:  PrioIndexAttach,
		SQL:       "ALTER INDEX " + QNameSQL(parent) + " ATTACH PARTITION " + name,
		Provides:  child,
		Requires:  append([]model.ObjectRef{IndexRef(parent.Schema, parent.Name, "")}, child...),
		ReqTokens: []Token{AttachedRef(table)},
	})
}

// constraintDef is the constraint's definition: pg_get_constraintdef's
// text, or, for a hand-written model without one, a definition built from
// the constraint's fields.
func constraintDef(c *model.Constraint) (string, error) {
	if c.Definition != "" {
		return c.Definition, nil
	}
	var sb strings.Builder
	switch c.Type {
	case model.PrimaryKey, model.Unique:
		sb.WriteString(sqltext.KeyText(c.Type == model.PrimaryKey, c.Columns, nil, false))
	case model.ForeignKey:
		if c.RefTable == nil {
			return "", errors.New("foreign key without a referenced table")
		}
		sb.WriteString(sqltext.ForeignKeyHead(c.Columns, c.RefTable.Schema, c.RefTable.Name))
		if len(c.RefColumns) > 0 {
			sb.WriteString("(" + sqlq.IdentList(c.RefColumns) + ")")
		}
		sb.WriteString(sqltext.MatchText(c.Match))
		for _, a := range []struct{ event, code string }{{"UPDATE", c.OnUpdate}, {"DELETE", c.OnDelete}} {
			action, ok := sqltext.Action(a.code)
			if !ok {
				return "", errors.New("unknown foreign key action " + sqlq.Literal(a.code))
			}
			if action != "" {
				sb.WriteString(" ON " + a.event + " " + action)
			}
		}
	default:
		return "", errors.New("no definition")
	}
	// INITIALLY DEFERRED alone would make the constraint deferrable.
	sb.WriteString(sqltext.Deferral(c.Deferrable, c.Deferrable && c.InitiallyDeferred))
	return sb.String(), nil
}
