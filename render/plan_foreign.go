package render

import (
	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

func (p *planner) fdwChange(c *diff.ObjectChange[model.ForeignDataWrapper]) {
	switch c.Operation {
	case diff.Create:
		p.b.fdw(c.To)
	case diff.Drop:
		w := c.From
		p.drop(dropStmt{ref: model.ObjectRef{Kind: model.KindForeignDataWrapper, Name: w.Name}, kindPrio: prioFDW,
			sql: "DROP FOREIGN DATA WRAPPER " + sqlq.QuoteIdent(w.Name)})
	case diff.Alter:
		w := c.To
		name := sqlq.QuoteIdent(w.Name)
		t := target{ref: model.ObjectRef{Kind: model.KindForeignDataWrapper, Name: w.Name}, id: "foreign data wrapper " + name,
			comment: "FOREIGN DATA WRAPPER " + name, alter: "FOREIGN DATA WRAPPER " + name, grant: "FOREIGN DATA WRAPPER " + name}
		p.commentChange(t, c.From.Comment, w.Comment)
		p.ownerChange(t, c.From.Owner, w.Owner)
		p.grantChange(t, c.From.Owner, w.Owner, c.From.Grants, w.Grants)
	}
}

func (p *planner) serverChange(c *diff.ObjectChange[model.ForeignServer]) {
	switch c.Operation {
	case diff.Create:
		p.b.server(c.To)
	case diff.Drop:
		s := c.From
		p.drop(dropStmt{ref: model.ObjectRef{Kind: model.KindServer, Name: s.Name}, kindPrio: prioServer,
			sql: "DROP SERVER " + sqlq.QuoteIdent(s.Name)})
	case diff.Alter:
		s := c.To
		name := sqlq.QuoteIdent(s.Name)
		t := target{ref: model.ObjectRef{Kind: model.KindServer, Name: s.Name}, id: "server " + name, comment: "SERVER " + name,
			alter: "SERVER " + name, grant: "FOREIGN SERVER " + name}
		p.commentChange(t, c.From.Comment, s.Comment)
		p.ownerChange(t, c.From.Owner, s.Owner)
		p.grantChange(t, c.From.Owner, s.Owner, c.From.Grants, s.Grants)
	}
}

func (p *planner) userMappingChange(c *diff.ObjectChange[model.UserMapping]) {
	switch c.Operation {
	case diff.Create:
		p.b.userMapping(c.To)
	case diff.Drop:
		m := c.From
		p.drop(dropStmt{ref: model.ObjectRef{Kind: model.KindUserMapping, Table: m.Server, Name: m.User}, kindPrio: prioUserMapping,
			sql: "DROP USER MAPPING FOR " + roleSQL(m.User) + " SERVER " + sqlq.QuoteIdent(m.Server)})
	}
}
