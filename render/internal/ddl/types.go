package ddl

import (
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/internal/sqltext"
	"github.com/retortdb/retort/model"
)

func TypeTarget(q model.QName, kind string) Target {
	name := QNameSQL(q)
	return Target{
		Ref:     model.ObjectRef{Kind: model.KindType, Schema: q.Schema, Name: q.Name},
		ID:      strings.ToLower(kind) + " " + name,
		Comment: kind + " " + name,
		Alter:   kind + " " + name,
		Grant:   kind + " " + name,
	}
}

// Enum creates an enum type with its labels in order.
func (b *Builder) Enum(e model.Enum) {
	t := TypeTarget(e.QName, "TYPE")
	var sb strings.Builder
	sb.WriteString("CREATE TYPE " + QNameSQL(e.QName) + " AS ENUM (")
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
		ID:       StmtID(PrioType, t.ID),
		Priority: PrioType,
		SQL:      sb.String(),
		Provides: []model.ObjectRef{t.Ref},
		Requires: []model.ObjectRef{NamespaceRef(e.Schema)},
	})
	b.comment(t, e.Comment)
	b.Owner(t, e.Owner)
	b.Grants(t, e.Owner, e.Grants)
}

// Domain creates a domain with its default, NOT NULL and valid checks;
// NOT VALID checks are added afterwards, as CREATE DOMAIN cannot skip
// validation. A domain whose checks or default call a function that takes
// or returns the domain is split on demand: the domain first, then its
// default and checks.
func (b *Builder) Domain(d *model.Domain) {
	t := TypeTarget(d.QName, "DOMAIN")
	st := b.domainCreate(d, t, false)
	b.add(st)
	b.breakers[st.ID] = func(inCycle func(model.ObjectRef) bool) []Statement {
		if d.Default == "" && len(d.Checks) == 0 {
			return nil
		}
		out := []Statement{b.domainCreate(d, t, true)}
		name := QNameSQL(d.QName)
		req := append([]model.ObjectRef{t.Ref}, d.Deps...)
		if d.Default != "" {
			out = append(out, Statement{
				ID:       StmtID(PrioType, t.ID, "default"),
				Priority: PrioType,
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
				Priority: PrioType,
				SQL:      "ALTER DOMAIN " + name + " ADD CONSTRAINT " + sqlq.QuoteIdent(c.Name) + " " + c.Definition,
				Provides: []model.ObjectRef{DomainCheckRef(d, c)},
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
			Priority: PrioType,
			SQL:      "ALTER DOMAIN " + QNameSQL(d.QName) + " ADD CONSTRAINT " + sqlq.QuoteIdent(c.Name) + " " + WithNotValid(c.Definition),
			Provides: []model.ObjectRef{DomainCheckRef(d, c)},
			Requires: append([]model.ObjectRef{t.Ref}, d.Deps...),
		})
	}
	b.comment(t, d.Comment)
	for _, c := range d.Checks {
		if b.opts.Comments && c.Comment != "" {
			b.CommentOn(DomainCheckRef(d, c), "comment "+t.ID+" constraint "+sqlq.QuoteIdent(c.Name),
				"CONSTRAINT "+sqlq.QuoteIdent(c.Name)+" ON DOMAIN "+QNameSQL(d.QName), sqlq.Literal(c.Comment))
		}
	}
	b.Owner(t, d.Owner)
	b.Grants(t, d.Owner, d.Grants)
}

// domainCreate is CREATE DOMAIN, bare when split (only what the base type
// needs) or whole.
func (b *Builder) domainCreate(d *model.Domain, t Target, bare bool) Statement {
	var sb strings.Builder
	sb.WriteString("CREATE DOMAIN " + QNameSQL(d.QName) + " AS " + d.Type)
	if d.Collation != "" {
		sb.WriteString(" COLLATE " + NameText(d.Collation))
	}
	req := append([]model.ObjectRef{NamespaceRef(d.Schema)}, TypeAndCollationRefs(d.Type, d.Collation)...)
	provides := []model.ObjectRef{t.Ref}
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
			provides = append(provides, DomainCheckRef(d, c))
		}
	}
	return Statement{Priority: PrioType, ID: StmtID(PrioType, t.ID), SQL: sb.String(), Provides: provides, Requires: req}
}

func domainCheckID(t Target, c model.DomainCheck) string {
	return StmtID(PrioType, t.ID, "constraint", sqlq.QuoteIdent(c.Name))
}

// DomainCheckRef names a domain's constraint the way table constraints are
// named, with the domain in Table: a domain and a table cannot share a name.
func DomainCheckRef(d *model.Domain, c model.DomainCheck) model.ObjectRef {
	return model.ObjectRef{Kind: model.KindConstraint, Schema: d.Schema, Table: d.Name, Name: c.Name}
}

// WithNotValid makes a constraint definition end in NOT VALID, which
// pg_get_constraintdef already prints for a constraint that is not
// validated.
func WithNotValid(def string) string {
	if strings.HasSuffix(strings.TrimSpace(def), "NOT VALID") {
		return def
	}
	return def + " NOT VALID"
}

// Composite creates a free-standing composite type.
func (b *Builder) Composite(c *model.CompositeType) {
	t := TypeTarget(c.QName, "TYPE")
	req := append([]model.ObjectRef{NamespaceRef(c.Schema)}, c.Deps...)
	var sb strings.Builder
	sb.WriteString("CREATE TYPE " + QNameSQL(c.QName) + " AS (")
	for i, a := range c.Attributes {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("\n    " + sqlq.QuoteIdent(a.Name) + " " + a.Type)
		if a.Collation != "" {
			sb.WriteString(" COLLATE " + NameText(a.Collation))
		}
		req = append(req, TypeAndCollationRefs(a.Type, a.Collation)...)
	}
	if len(c.Attributes) > 0 {
		sb.WriteByte('\n')
	}
	sb.WriteString(")")
	b.add(Statement{Priority: PrioType, ID: StmtID(PrioType, t.ID), SQL: sb.String(), Provides: []model.ObjectRef{t.Ref}, Requires: req})
	b.comment(t, c.Comment)
	for _, a := range c.Attributes {
		if b.opts.Comments && a.Comment != "" {
			b.CommentOn(t.Ref, "comment "+t.ID+" column "+sqlq.QuoteIdent(a.Name),
				"COLUMN "+QNameSQL(c.QName)+"."+sqlq.QuoteIdent(a.Name), sqlq.Literal(a.Comment))
		}
	}
	b.Owner(t, c.Owner)
	b.Grants(t, c.Owner, c.Grants)
}

// RangeType creates a range type (and, from PostgreSQL 14, its multirange).
func (b *Builder) RangeType(r *model.RangeType) {
	t := TypeTarget(r.QName, "TYPE")
	req := append([]model.ObjectRef{NamespaceRef(r.Schema)}, r.Deps...)
	req = append(req, TypeAndCollationRefs(r.Subtype, r.Collation)...)
	opts := []string{"subtype = " + r.Subtype}
	if r.SubtypeOpClass != "" {
		opts = append(opts, "subtype_opclass = "+NameText(r.SubtypeOpClass))
	}
	if r.Collation != "" {
		opts = append(opts, "collation = "+NameText(r.Collation))
	}
	if r.Canonical != "" && r.Canonical != "-" {
		opts = append(opts, "canonical = "+NameText(r.Canonical))
		req = append(req, b.routineRefs(r.Canonical)...)
	}
	if r.SubtypeDiff != "" && r.SubtypeDiff != "-" {
		opts = append(opts, "subtype_diff = "+NameText(r.SubtypeDiff))
		req = append(req, b.routineRefs(r.SubtypeDiff)...)
	}
	provides := []model.ObjectRef{t.Ref}
	if r.Multirange != "" {
		opts = append(opts, "multirange_type_name = "+qualifiedIn(r.Schema, r.Multirange))
		if parts, ok := sqltext.PrintedChain(r.Multirange); ok && len(parts) == 2 {
			provides = append(provides, model.ObjectRef{Kind: model.KindType, Schema: parts[0], Name: parts[1]})
		} else if ok {
			provides = append(provides, model.ObjectRef{Kind: model.KindType, Schema: r.Schema, Name: parts[0]})
		}
	}
	b.add(Statement{
		ID:       StmtID(PrioType, t.ID),
		Priority: PrioType,
		SQL:      "CREATE TYPE " + QNameSQL(r.QName) + " AS RANGE (\n    " + strings.Join(opts, ",\n    ") + "\n)",
		Provides: provides,
		Requires: req,
	})
	b.comment(t, r.Comment)
	b.Owner(t, r.Owner)
	b.Grants(t, r.Owner, r.Grants)
}
