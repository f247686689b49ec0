package render

import (
	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

func (p *planner) namespaceChange(c *diff.ObjectChange[model.Namespace]) {
	switch c.Operation {
	case diff.Create:
		p.b.Namespace(*c.To, false)
	case diff.Drop:
		n := c.From
		var waits []ddl.Token
		for _, r := range inSchema(p.old, n.Name) {
			waits = append(waits, released(r))
		}
		p.drop(dropStmt{
			ref: ddl.NamespaceRef(n.Name), kindPrio: ddl.PrioSchema,
			sql:     "DROP SCHEMA " + sqlq.QuoteIdent(n.Name),
			hazards: []Hazard{{Kind: HazardDataLoss, Message: "drops schema " + sqlq.QuoteIdent(n.Name)}},
			waits:   waits,
		})
	case diff.Alter:
		t := ddl.NamespaceTarget(c.To.Name)
		p.commentChange(t, c.From.Comment, c.To.Comment)
		p.ownerChange(t, c.From.Owner, c.To.Owner)
		p.grantChange(t, c.From.Owner, c.To.Owner, c.From.Grants, c.To.Grants)
	}
}

func extensionTarget(name string) ddl.Target {
	q := sqlq.QuoteIdent(name)
	return ddl.Target{Ref: model.ObjectRef{Kind: model.KindExtension, Name: name}, ID: "extension " + q, Comment: "EXTENSION " + q}
}

func (p *planner) extensionChange(c *diff.ObjectChange[model.Extension]) {
	switch c.Operation {
	case diff.Create:
		p.b.Extension(*c.To)
	case diff.Drop:
		e := c.From
		p.drop(dropStmt{ref: extensionTarget(e.Name).Ref, kindPrio: ddl.PrioExtension, sql: "DROP EXTENSION " + sqlq.QuoteIdent(e.Name)})
	case diff.Alter:
		f, e := c.From, c.To
		t := extensionTarget(e.Name)
		if f.Schema != e.Schema {
			p.add(Statement{
				ID:       ddl.StmtID(ddl.PrioExtension, "alter", t.ID, "schema"),
				Priority: ddl.PrioExtension,
				SQL:      "ALTER EXTENSION " + sqlq.QuoteIdent(e.Name) + " SET SCHEMA " + sqlq.QuoteIdent(e.Schema),
				Provides: []model.ObjectRef{t.Ref},
				Requires: []model.ObjectRef{ddl.NamespaceRef(e.Schema)},
			})
		}
		if f.Version != e.Version && e.Version != "" {
			p.add(Statement{
				ID:       ddl.StmtID(ddl.PrioExtension, "alter", t.ID, "version"),
				Priority: ddl.PrioExtension,
				SQL:      "ALTER EXTENSION " + sqlq.QuoteIdent(e.Name) + " UPDATE TO " + sqlq.Literal(e.Version),
				Provides: []model.ObjectRef{t.Ref},
			})
		}
		p.commentChange(t, f.Comment, e.Comment)
	}
}

// namespaceKind returns the rules of model.Namespace: schemas are altered in
// place: owner, comment, grants.
func namespaceKind() objectKind[model.Namespace] {
	return objectKind[model.Namespace]{
		change: (*planner).namespaceChange,
	}
}

// extensionKind returns the rules of model.Extension: an extension is updated
// in place to a later version, and dropped and created to go back.
func extensionKind() objectKind[model.Extension] {
	return objectKind[model.Extension]{
		change: (*planner).extensionChange,
		inPlace: func(_ *planner, c *diff.ObjectChange[model.Extension]) bool {
			// ALTER EXTENSION … UPDATE goes forward only.
			return c.To.Version == "" || !versionLess(c.To.Version, c.From.Version)
		},
	}
}
