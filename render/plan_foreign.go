package render

import (
	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

func (p *planner) fdwChange(c *diff.ObjectChange[model.ForeignDataWrapper]) {
	switch c.Operation {
	case diff.Create:
		p.b.FDW(c.To)
	case diff.Drop:
		w := c.From
		p.drop(dropStmt{ref: model.ObjectRef{Kind: model.KindForeignDataWrapper, Name: w.Name}, kindPrio: ddl.PrioFDW,
			sql: "DROP FOREIGN DATA WRAPPER " + sqlq.QuoteIdent(w.Name)})
	case diff.Alter:
		w := c.To
		name := sqlq.QuoteIdent(w.Name)
		t := ddl.Target{Ref: model.ObjectRef{Kind: model.KindForeignDataWrapper, Name: w.Name}, ID: "foreign data wrapper " + name,
			Comment: "FOREIGN DATA WRAPPER " + name, Alter: "FOREIGN DATA WRAPPER " + name, Grant: "FOREIGN DATA WRAPPER " + name}
		p.commentChange(t, c.From.Comment, w.Comment)
		p.ownerChange(t, c.From.Owner, w.Owner)
		p.grantChange(t, c.From.Owner, w.Owner, c.From.Grants, w.Grants)
	}
}

func (p *planner) serverChange(c *diff.ObjectChange[model.ForeignServer]) {
	switch c.Operation {
	case diff.Create:
		p.b.Server(c.To)
	case diff.Drop:
		s := c.From
		p.drop(dropStmt{ref: model.ObjectRef{Kind: model.KindServer, Name: s.Name}, kindPrio: ddl.PrioServer,
			sql: "DROP SERVER " + sqlq.QuoteIdent(s.Name)})
	case diff.Alter:
		s := c.To
		name := sqlq.QuoteIdent(s.Name)
		t := ddl.Target{Ref: model.ObjectRef{Kind: model.KindServer, Name: s.Name}, ID: "server " + name, Comment: "SERVER " + name,
			Alter: "SERVER " + name, Grant: "FOREIGN SERVER " + name}
		p.commentChange(t, c.From.Comment, s.Comment)
		p.ownerChange(t, c.From.Owner, s.Owner)
		p.grantChange(t, c.From.Owner, s.Owner, c.From.Grants, s.Grants)
	}
}

func (p *planner) userMappingChange(c *diff.ObjectChange[model.UserMapping]) {
	switch c.Operation {
	case diff.Create:
		p.b.UserMapping(c.To)
	case diff.Drop:
		m := c.From
		p.drop(dropStmt{ref: model.ObjectRef{Kind: model.KindUserMapping, Table: m.Server, Name: m.User}, kindPrio: ddl.PrioUserMapping,
			sql: "DROP USER MAPPING FOR " + ddl.RoleSQL(m.User) + " SERVER " + sqlq.QuoteIdent(m.Server)})
	}
}

// fdwKind returns the rules of model.ForeignDataWrapper: a foreign-data
// wrapper changes in place only in its comment, owner and grants.
func fdwKind() objectKind[model.ForeignDataWrapper] {
	return objectKind[model.ForeignDataWrapper]{
		change:  (*planner).fdwChange,
		inPlace: alterable[model.ForeignDataWrapper]("comment", "owner", "grants"),
	}
}

// serverKind returns the rules of model.ForeignServer: a foreign server
// changes in place only in its comment, owner and grants.
func serverKind() objectKind[model.ForeignServer] {
	return objectKind[model.ForeignServer]{
		change:  (*planner).serverChange,
		inPlace: alterable[model.ForeignServer]("comment", "owner", "grants"),
	}
}

// userMappingKind returns the rules of model.UserMapping: a user mapping is
// dropped and created.
func userMappingKind() objectKind[model.UserMapping] {
	return objectKind[model.UserMapping]{
		change:  (*planner).userMappingChange,
		inPlace: never[model.UserMapping],
	}
}
