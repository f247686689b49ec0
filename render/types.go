package render

import (
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/internal/sqltext"
	"github.com/retortdb/retort/model"
)

func typeTarget(q model.QName, kind string) target {
	name := qnameSQL(q)
	return target{
		ref:     model.ObjectRef{Kind: model.KindType, Schema: q.Schema, Name: q.Name},
		id:      strings.ToLower(kind) + " " + name,
		comment: kind + " " + name,
		alter:   kind + " " + name,
		grant:   kind + " " + name,
	}
}

// enum creates an enum type with its labels in order.
func (b *builder) enum(e model.Enum) {
	t := typeTarget(e.QName, "TYPE")
	var sb strings.Builder
	sb.WriteString("CREATE TYPE " + qnameSQL(e.QName) + " AS ENUM (")
	for i, l := range e.Labels {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("\n    " + sqlq.Literal(l))
	}
	if len(e.Labels) > 0 {
		sb.WriteByte('\n')
	}
	sb.WriteString(")")
	b.add(Statement{
		ID:       stmtID(prioType, t.id),
		prio:     prioType,
		SQL:      sb.String(),
		Provides: []model.ObjectRef{t.ref},
		Requires: []model.ObjectRef{nsRef(e.Schema)},
	})
	b.comment(t, e.Comment)
	b.owner(t, e.Owner)
	b.grants(t, e.Owner, e.Grants)
}

// domain creates a domain with its default, NOT NULL and valid checks;
// NOT VALID checks are added afterwards, as CREATE DOMAIN cannot skip
// validation. A domain whose checks or default call a function that takes
// or returns the domain is split on demand: the domain first, then its
// default and checks.
func (b *builder) domain(d *model.Domain) {
	t := typeTarget(d.QName, "DOMAIN")
	st := b.domainCreate(d, t, false)
	b.add(st)
	b.breakers[st.ID] = func(inCycle func(model.ObjectRef) bool) []Statement {
		if d.Default == "" && len(d.Checks) == 0 {
			return nil
		}
		out := []Statement{b.domainCreate(d, t, true)}
		name := qnameSQL(d.QName)
		req := append([]model.ObjectRef{t.ref}, d.Deps...)
		if d.Default != "" {
			out = append(out, Statement{
				ID:       stmtID(prioType, t.id, "default"),
				prio:     prioType,
				SQL:      "ALTER DOMAIN " + name + " SET DEFAULT " + d.Default,
				Requires: req,
			})
		}
		for _, c := range d.Checks {
			if c.NotValid {
				continue
			}
			out = append(out, Statement{
				ID:       domainCheckID(t, c),
				prio:     prioType,
				SQL:      "ALTER DOMAIN " + name + " ADD CONSTRAINT " + sqlq.QuoteIdent(c.Name) + " " + c.Definition,
				Provides: []model.ObjectRef{domainCheckRef(d, c)},
				Requires: req,
			})
		}
		return out
	}
	for _, c := range d.Checks {
		if !c.NotValid {
			continue
		}
		b.add(Statement{
			ID:       domainCheckID(t, c),
			prio:     prioType,
			SQL:      "ALTER DOMAIN " + qnameSQL(d.QName) + " ADD CONSTRAINT " + sqlq.QuoteIdent(c.Name) + " " + withNotValid(c.Definition),
			Provides: []model.ObjectRef{domainCheckRef(d, c)},
			Requires: append([]model.ObjectRef{t.ref}, d.Deps...),
		})
	}
	b.comment(t, d.Comment)
	for _, c := range d.Checks {
		if b.opts.Comments && c.Comment != "" {
			b.commentOn(domainCheckRef(d, c), "comment "+t.id+" constraint "+sqlq.QuoteIdent(c.Name),
				"CONSTRAINT "+sqlq.QuoteIdent(c.Name)+" ON DOMAIN "+qnameSQL(d.QName), sqlq.Literal(c.Comment))
		}
	}
	b.owner(t, d.Owner)
	b.grants(t, d.Owner, d.Grants)
}

// domainCreate is CREATE DOMAIN, bare when split (only what the base type
// needs) or whole.
func (b *builder) domainCreate(d *model.Domain, t target, bare bool) Statement {
	var sb strings.Builder
	sb.WriteString("CREATE DOMAIN " + qnameSQL(d.QName) + " AS " + d.Type)
	if d.Collation != "" {
		sb.WriteString(" COLLATE " + nameText(d.Collation))
	}
	req := append([]model.ObjectRef{nsRef(d.Schema)}, typeAndCollationRefs(d.Type, d.Collation)...)
	provides := []model.ObjectRef{t.ref}
	if !bare {
		if d.Default != "" {
			sb.WriteString(" DEFAULT " + d.Default)
		}
		req = append(req, d.Deps...)
	}
	if d.NotNull {
		sb.WriteString(" NOT NULL")
	}
	if !bare {
		for _, c := range d.Checks {
			if c.NotValid {
				continue
			}
			sb.WriteString("\n    CONSTRAINT " + sqlq.QuoteIdent(c.Name) + " " + c.Definition)
			provides = append(provides, domainCheckRef(d, c))
		}
	}
	return Statement{prio: prioType, ID: stmtID(prioType, t.id), SQL: sb.String(), Provides: provides, Requires: req}
}

func domainCheckID(t target, c model.DomainCheck) string {
	return stmtID(prioType, t.id, "constraint", sqlq.QuoteIdent(c.Name))
}

// domainCheckRef names a domain's constraint the way table constraints are
// named, with the domain in Table: a domain and a table cannot share a name.
func domainCheckRef(d *model.Domain, c model.DomainCheck) model.ObjectRef {
	return model.ObjectRef{Kind: model.KindConstraint, Schema: d.Schema, Table: d.Name, Name: c.Name}
}

// withNotValid makes a constraint definition end in NOT VALID, which
// pg_get_constraintdef already prints for a constraint that is not
// validated.
func withNotValid(def string) string {
	if strings.HasSuffix(strings.TrimSpace(def), "NOT VALID") {
		return def
	}
	return def + " NOT VALID"
}

// composite creates a free-standing composite type.
func (b *builder) composite(c *model.CompositeType) {
	t := typeTarget(c.QName, "TYPE")
	req := append([]model.ObjectRef{nsRef(c.Schema)}, c.Deps...)
	var sb strings.Builder
	sb.WriteString("CREATE TYPE " + qnameSQL(c.QName) + " AS (")
	for i, a := range c.Attributes {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("\n    " + sqlq.QuoteIdent(a.Name) + " " + a.Type)
		if a.Collation != "" {
			sb.WriteString(" COLLATE " + nameText(a.Collation))
		}
		req = append(req, typeAndCollationRefs(a.Type, a.Collation)...)
	}
	if len(c.Attributes) > 0 {
		sb.WriteByte('\n')
	}
	sb.WriteString(")")
	b.add(Statement{prio: prioType, ID: stmtID(prioType, t.id), SQL: sb.String(), Provides: []model.ObjectRef{t.ref}, Requires: req})
	b.comment(t, c.Comment)
	for _, a := range c.Attributes {
		if b.opts.Comments && a.Comment != "" {
			b.commentOn(t.ref, "comment "+t.id+" column "+sqlq.QuoteIdent(a.Name),
				"COLUMN "+qnameSQL(c.QName)+"."+sqlq.QuoteIdent(a.Name), sqlq.Literal(a.Comment))
		}
	}
	b.owner(t, c.Owner)
	b.grants(t, c.Owner, c.Grants)
}

// rangeType creates a range type (and, from PostgreSQL 14, its multirange).
func (b *builder) rangeType(r *model.RangeType) {
	t := typeTarget(r.QName, "TYPE")
	req := append([]model.ObjectRef{nsRef(r.Schema)}, r.Deps...)
	req = append(req, typeAndCollationRefs(r.Subtype, r.Collation)...)
	opts := []string{"subtype = " + r.Subtype}
	if r.SubtypeOpClass != "" {
		opts = append(opts, "subtype_opclass = "+nameText(r.SubtypeOpClass))
	}
	if r.Collation != "" {
		opts = append(opts, "collation = "+nameText(r.Collation))
	}
	if r.Canonical != "" && r.Canonical != "-" {
		opts = append(opts, "canonical = "+nameText(r.Canonical))
		req = append(req, b.routineRefs(r.Canonical)...)
	}
	if r.SubtypeDiff != "" && r.SubtypeDiff != "-" {
		opts = append(opts, "subtype_diff = "+nameText(r.SubtypeDiff))
		req = append(req, b.routineRefs(r.SubtypeDiff)...)
	}
	provides := []model.ObjectRef{t.ref}
	if r.Multirange != "" {
		opts = append(opts, "multirange_type_name = "+qualifiedIn(r.Schema, r.Multirange))
		if parts, ok := sqltext.PrintedChain(r.Multirange); ok && len(parts) == 2 {
			provides = append(provides, model.ObjectRef{Kind: model.KindType, Schema: parts[0], Name: parts[1]})
		} else if ok {
			provides = append(provides, model.ObjectRef{Kind: model.KindType, Schema: r.Schema, Name: parts[0]})
		}
	}
	b.add(Statement{
		ID:       stmtID(prioType, t.id),
		prio:     prioType,
		SQL:      "CREATE TYPE " + qnameSQL(r.QName) + " AS RANGE (\n    " + strings.Join(opts, ",\n    ") + "\n)",
		Provides: provides,
		Requires: req,
	})
	b.comment(t, r.Comment)
	b.owner(t, r.Owner)
	b.grants(t, r.Owner, r.Grants)
}
