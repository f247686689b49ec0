package render

import (
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

func (p *planner) domainChange(c *diff.ObjectChange[model.Domain]) {
	switch c.Operation {
	case diff.Create:
		p.b.Domain(c.To)
	case diff.Drop:
		p.drop(dropStmt{ref: typeRefOf(c.From.QName), kindPrio: ddl.PrioType, sql: "DROP DOMAIN " + ddl.QNameSQL(c.From.QName)})
	case diff.Alter:
		if p.rebuilt[c.To.QName] {
			d := c.To
			p.rebuildType(d.QName, "DOMAIN", nil, func() { p.b.Domain(d) })
			return
		}
		p.alterDomain(c.From, c.To)
	}
}

// alterDomain changes a domain's default, NOT NULL and checks in place.
func (p *planner) alterDomain(f, d *model.Domain) {
	t := ddl.TypeTarget(d.QName, "DOMAIN")
	name := ddl.QNameSQL(d.QName)
	ref := t.Ref
	stmt := func(id, sql string, hz ...Hazard) Statement {
		return Statement{
			ID:         ddl.StmtID(ddl.PrioType, "alter", t.ID, id),
			Priority:   ddl.PrioType,
			SQL:        "ALTER DOMAIN " + name + " " + sql,
			Hazards:    hz,
			Provides:   []model.ObjectRef{ref},
			Requires:   append([]model.ObjectRef{}, d.Deps...),
			ProvTokens: []ddl.Token{released(ref)},
		}
	}
	if p.resetDomains[d.QName] {
		// Let go of the routines first: drop the checks and the default;
		// the loop below adds the new ones back.
		for _, ch := range f.Checks {
			cn := sqlq.QuoteIdent(ch.Name)
			p.add(Statement{
				ID:         ddl.DropID(ddl.PrioType, t.ID, "constraint", cn),
				Priority:   ddl.DropPrio,
				SQL:        "ALTER DOMAIN " + name + " DROP CONSTRAINT " + cn,
				ProvTokens: []ddl.Token{released(ref), released(ddl.DomainCheckRef(f, ch)), freed(ddl.DomainCheckRef(f, ch))},
			})
		}
		if f.Default != "" {
			p.add(Statement{
				ID:         ddl.DropID(ddl.PrioType, t.ID, "default"),
				Priority:   ddl.DropPrio,
				SQL:        "ALTER DOMAIN " + name + " DROP DEFAULT",
				ProvTokens: []ddl.Token{released(ref)},
			})
		}
		g := *f
		g.Checks, g.Default = nil, ""
		f = &g
		stmt0 := stmt
		stmt = func(id, sql string, hz ...Hazard) Statement {
			st := stmt0(id, sql, hz...)
			st.ProvTokens = nil
			return st
		}
	}
	if f.Default != d.Default {
		if d.Default == "" {
			p.add(stmt("default", "DROP DEFAULT"))
		} else {
			p.add(stmt("default", "SET DEFAULT "+d.Default))
		}
	}
	if f.NotNull != d.NotNull {
		if d.NotNull {
			p.add(stmt("not null", "SET NOT NULL", Hazard{Kind: HazardExclusiveLock, Severity: SeverityDanger,
				Message: "SET NOT NULL on domain " + ddl.QNameSQL(d.QName) + " checks every column of the domain"}))
		} else {
			p.add(stmt("not null", "DROP NOT NULL"))
		}
	}
	p.alterDomainChecks(t, f, d, stmt)
	p.commentChange(t, f.Comment, d.Comment)
	p.ownerChange(t, f.Owner, d.Owner)
	p.grantChange(t, f.Owner, d.Owner, f.Grants, d.Grants)
}

// alterDomainChecks adds, replaces, validates and drops the checks of
// domain d (f in the source), each statement made by stmt.
func (p *planner) alterDomainChecks(t ddl.Target, f, d *model.Domain, stmt func(id, sql string, hz ...Hazard) Statement) {
	name := ddl.QNameSQL(d.QName)
	old := map[string]model.DomainCheck{}
	for _, ch := range f.Checks {
		old[ch.Name] = ch
	}
	now := map[string]bool{}
	for _, ch := range d.Checks {
		now[ch.Name] = true
		cn := sqlq.QuoteIdent(ch.Name)
		o, had := old[ch.Name]
		same := had && strings.TrimSuffix(o.Definition, " NOT VALID") == strings.TrimSuffix(ch.Definition, " NOT VALID") &&
			(o.NotValid == ch.NotValid || o.NotValid && !ch.NotValid)
		switch {
		case !had || !same:
			if had {
				st := stmt("constraint "+cn+" drop", "DROP CONSTRAINT "+cn)
				st.ID = ddl.DropID(ddl.PrioType, t.ID, "constraint", cn)
				st.Priority = ddl.DropPrio
				st.ProvTokens = append(st.ProvTokens, released(ddl.DomainCheckRef(d, ch)), freed(ddl.DomainCheckRef(d, ch)))
				st.Requires = nil
				p.add(st)
			}
			def := ch.Definition
			if ch.NotValid {
				def = ddl.WithNotValid(def)
			}
			st := stmt("constraint "+cn, "ADD CONSTRAINT "+cn+" "+def)
			st.Provides = append(st.Provides, ddl.DomainCheckRef(d, ch))
			if !ch.NotValid {
				st.Hazards = append(st.Hazards, Hazard{Kind: HazardExclusiveLock, Severity: SeverityDanger,
					Message: "adding CHECK " + sqlq.QuoteIdent(ch.Name) + " to domain " + ddl.QNameSQL(d.QName) + " checks every column of the domain"})
			}
			p.add(st)
			if p.opts.Comments && ch.Comment != "" {
				p.b.CommentOn(ddl.DomainCheckRef(d, ch), "comment "+t.ID+" constraint "+cn,
					"CONSTRAINT "+cn+" ON DOMAIN "+name, sqlq.Literal(ch.Comment))
			}
			continue
		case o.NotValid && !ch.NotValid:
			p.add(stmt("constraint "+cn+" validate", "VALIDATE CONSTRAINT "+cn))
		}
		if o.Comment != ch.Comment && p.opts.Comments {
			value := "NULL"
			if ch.Comment != "" {
				value = sqlq.Literal(ch.Comment)
			}
			p.b.CommentOn(ddl.DomainCheckRef(d, ch), "comment "+t.ID+" constraint "+cn, "CONSTRAINT "+cn+" ON DOMAIN "+name, value)
		}
	}
	for _, ch := range f.Checks {
		if !now[ch.Name] {
			cn := sqlq.QuoteIdent(ch.Name)
			st := stmt("constraint "+cn+" drop", "DROP CONSTRAINT "+cn)
			st.ID = ddl.DropID(ddl.PrioType, t.ID, "constraint", cn)
			st.Priority = ddl.DropPrio
			st.ProvTokens = append(st.ProvTokens, released(ddl.DomainCheckRef(f, ch)), freed(ddl.DomainCheckRef(f, ch)))
			st.Requires = nil
			p.add(st)
		}
	}
}

func (p *planner) compositeChange(c *diff.ObjectChange[model.CompositeType]) {
	switch c.Operation {
	case diff.Create:
		p.b.Composite(c.To)
	case diff.Drop:
		p.drop(dropStmt{ref: typeRefOf(c.From.QName), kindPrio: ddl.PrioType, sql: "DROP TYPE " + ddl.QNameSQL(c.From.QName)})
	case diff.Alter:
		if p.rebuilt[c.To.QName] {
			ct := c.To
			p.rebuildType(ct.QName, "TYPE", nil, func() { p.b.Composite(ct) })
			return
		}
		p.alterComposite(c.From, c.To)
	}
}

// alterComposite adds, drops and retypes attributes of a composite type.
// Added attributes come last, as ADD ATTRIBUTE puts them.
func (p *planner) alterComposite(f, ct *model.CompositeType) {
	t := ddl.TypeTarget(ct.QName, "TYPE")
	name := ddl.QNameSQL(ct.QName)
	old := map[string]model.Attribute{}
	for _, a := range f.Attributes {
		old[a.Name] = a
	}
	var subs []string
	req := []model.ObjectRef{}
	now := map[string]bool{}
	for _, a := range ct.Attributes {
		now[a.Name] = true
	}
	for _, a := range f.Attributes {
		if !now[a.Name] {
			subs = append(subs, "DROP ATTRIBUTE "+sqlq.QuoteIdent(a.Name))
		}
	}
	for _, a := range ct.Attributes {
		typ := a.Type
		if a.Collation != "" {
			typ += " COLLATE " + ddl.NameText(a.Collation)
		}
		o, had := old[a.Name]
		switch {
		case !had:
			subs = append(subs, "ADD ATTRIBUTE "+sqlq.QuoteIdent(a.Name)+" "+typ)
		case o.Type != a.Type || o.Collation != a.Collation:
			subs = append(subs, "ALTER ATTRIBUTE "+sqlq.QuoteIdent(a.Name)+" TYPE "+typ)
		default:
			continue
		}
		req = append(req, ddl.TypeAndCollationRefs(a.Type, a.Collation)...)
	}
	if len(subs) > 0 {
		p.add(Statement{
			ID:         ddl.StmtID(ddl.PrioType, "alter", t.ID, "attributes"),
			Priority:   ddl.PrioType,
			SQL:        "ALTER TYPE " + name + " " + strings.Join(subs, ",\n    "),
			Provides:   []model.ObjectRef{t.Ref},
			Requires:   req,
			ProvTokens: []ddl.Token{released(t.Ref)},
		})
	}
	for _, a := range ct.Attributes {
		if o := old[a.Name]; o.Comment != a.Comment && p.opts.Comments {
			value := "NULL"
			if a.Comment != "" {
				value = sqlq.Literal(a.Comment)
			}
			p.b.CommentOn(t.Ref, "comment "+t.ID+" column "+sqlq.QuoteIdent(a.Name),
				"COLUMN "+name+"."+sqlq.QuoteIdent(a.Name), value)
		}
	}
	p.commentChange(t, f.Comment, ct.Comment)
	p.ownerChange(t, f.Owner, ct.Owner)
	p.grantChange(t, f.Owner, ct.Owner, f.Grants, ct.Grants)
}

func (p *planner) rangeChange(c *diff.ObjectChange[model.RangeType]) {
	switch c.Operation {
	case diff.Create:
		p.b.RangeType(c.To)
	case diff.Drop:
		p.drop(dropStmt{ref: typeRefOf(c.From.QName), kindPrio: ddl.PrioType, sql: "DROP TYPE " + ddl.QNameSQL(c.From.QName)})
	case diff.Alter:
		t := ddl.TypeTarget(c.To.QName, "TYPE")
		p.commentChange(t, c.From.Comment, c.To.Comment)
		p.ownerChange(t, c.From.Owner, c.To.Owner)
		p.grantChange(t, c.From.Owner, c.To.Owner, c.From.Grants, c.To.Grants)
	}
}

// domainKind returns the rules of model.Domain: a domain keeps its type and
// collation; its default, NOT NULL and checks change in place.
func domainKind() objectKind[model.Domain] {
	return objectKind[model.Domain]{
		change: (*planner).domainChange,
		inPlace: func(_ *planner, c *diff.ObjectChange[model.Domain]) bool {
			return c.From.Type == c.To.Type && c.From.Collation == c.To.Collation
		},
	}
}

// compositeKind returns the rules of model.CompositeType: a composite type's
// attributes change in place.
func compositeKind() objectKind[model.CompositeType] {
	return objectKind[model.CompositeType]{
		change: (*planner).compositeChange,
	}
}

// rangeKind returns the rules of model.RangeType: a range type changes in
// place only in its comment, owner and grants.
func rangeKind() objectKind[model.RangeType] {
	return objectKind[model.RangeType]{
		change:  (*planner).rangeChange,
		inPlace: alterable[model.RangeType]("comment", "owner", "grants"),
	}
}
