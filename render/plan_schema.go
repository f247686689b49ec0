package render

import (
	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

func (p *planner) namespaceChange(c *diff.ObjectChange[model.Namespace]) {
	switch c.Operation {
	case diff.Create:
		p.b.namespace(*c.To, false)
	case diff.Drop:
		n := c.From
		var waits []token
		for _, r := range inSchema(p.old, n.Name) {
			waits = append(waits, released(r))
		}
		p.drop(dropStmt{
			ref: nsRef(n.Name), kindPrio: prioSchema,
			sql:     "DROP SCHEMA " + sqlq.QuoteIdent(n.Name),
			hazards: []Hazard{{Kind: HazardDataLoss, Message: "drops schema " + sqlq.QuoteIdent(n.Name)}},
			waits:   waits,
		})
	case diff.Alter:
		t := namespaceTarget(c.To.Name)
		p.commentChange(t, c.From.Comment, c.To.Comment)
		p.ownerChange(t, c.From.Owner, c.To.Owner)
		p.grantChange(t, c.From.Owner, c.To.Owner, c.From.Grants, c.To.Grants)
	}
}

func extensionTarget(name string) target {
	q := sqlq.QuoteIdent(name)
	return target{ref: model.ObjectRef{Kind: model.KindExtension, Name: name}, id: "extension " + q, comment: "EXTENSION " + q}
}

func (p *planner) extensionChange(c *diff.ObjectChange[model.Extension]) {
	switch c.Operation {
	case diff.Create:
		p.b.extension(*c.To)
	case diff.Drop:
		e := c.From
		p.drop(dropStmt{ref: extensionTarget(e.Name).ref, kindPrio: prioExtension, sql: "DROP EXTENSION " + sqlq.QuoteIdent(e.Name)})
	case diff.Alter:
		f, e := c.From, c.To
		t := extensionTarget(e.Name)
		if f.Schema != e.Schema {
			p.add(Statement{
				ID:       stmtID(prioExtension, "alter", t.id, "schema"),
				prio:     prioExtension,
				SQL:      "ALTER EXTENSION " + sqlq.QuoteIdent(e.Name) + " SET SCHEMA " + sqlq.QuoteIdent(e.Schema),
				Provides: []model.ObjectRef{t.ref},
				Requires: []model.ObjectRef{nsRef(e.Schema)},
			})
		}
		if f.Version != e.Version && e.Version != "" {
			p.add(Statement{
				ID:       stmtID(prioExtension, "alter", t.id, "version"),
				prio:     prioExtension,
				SQL:      "ALTER EXTENSION " + sqlq.QuoteIdent(e.Name) + " UPDATE TO " + sqlq.Literal(e.Version),
				Provides: []model.ObjectRef{t.ref},
			})
		}
		p.commentChange(t, f.Comment, e.Comment)
	}
}
