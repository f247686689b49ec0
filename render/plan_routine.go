package render

import (
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

func (p *planner) functionChange(c *diff.ObjectChange[model.Function]) {
	switch c.Operation {
	case diff.Create:
		p.b.Function(c.To)
	case diff.Drop:
		f := c.From
		t := ddl.FunctionTarget(f)
		kind := "FUNCTION "
		if f.Kind == model.KindProcedure {
			kind = "PROCEDURE "
		}
		p.drop(dropStmt{ref: t.Ref, kindPrio: ddl.PrioFunction, sql: "DROP " + kind + ddl.QNameSQL(f.QName) + "(" + f.IdentityArgs + ")"})
	case diff.Alter:
		f, fn := c.From, c.To
		t := ddl.FunctionTarget(fn)
		if f.Definition != fn.Definition {
			p.add(Statement{
				ID:         ddl.StmtID(ddl.PrioFunction, "alter", t.ID),
				Priority:   ddl.PrioFunction,
				SQL:        strings.TrimSpace(fn.Definition),
				Provides:   []model.ObjectRef{t.Ref},
				Requires:   append([]model.ObjectRef{ddl.NamespaceRef(fn.Schema)}, fn.Deps...),
				ProvTokens: []ddl.Token{released(t.Ref)},
			})
		}
		p.commentChange(t, f.Comment, fn.Comment)
		p.ownerChange(t, f.Owner, fn.Owner)
		p.grantChange(t, f.Owner, fn.Owner, f.Grants, fn.Grants)
	}
}

func (p *planner) aggregateChange(c *diff.ObjectChange[model.Aggregate]) {
	switch c.Operation {
	case diff.Create:
		p.b.Aggregate(c.To)
	case diff.Drop:
		a := c.From
		p.drop(dropStmt{ref: ddl.AggRef(*a), kindPrio: ddl.PrioAggregate, sql: "DROP AGGREGATE " + ddl.QNameSQL(a.QName) + ddl.AggSignature(a)})
	case diff.Alter:
		t := ddl.AggregateTarget(c.To)
		p.commentChange(t, c.From.Comment, c.To.Comment)
		p.ownerChange(t, c.From.Owner, c.To.Owner)
		p.grantChange(t, c.From.Owner, c.To.Owner, c.From.Grants, c.To.Grants)
	}
}

func (p *planner) castChange(c *diff.ObjectChange[model.Cast]) {
	switch c.Operation {
	case diff.Create:
		p.b.Cast(c.To)
	case diff.Drop:
		k := c.From
		p.drop(dropStmt{ref: castRefOf(k), kindPrio: ddl.PrioCast, sql: "DROP CAST (" + k.Source + " AS " + k.Target + ")"})
	case diff.Alter:
		k := c.To
		pair := "(" + k.Source + " AS " + k.Target + ")"
		t := ddl.Target{Ref: castRefOf(k), ID: "cast " + pair, Comment: "CAST " + pair}
		p.commentChange(t, c.From.Comment, k.Comment)
	}
}

// functionKind returns the rules of model.Function: CREATE OR REPLACE keeps a
// function whose signature and result stay.
func functionKind() objectKind[model.Function] {
	return objectKind[model.Function]{
		change:  (*planner).functionChange,
		inPlace: func(_ *planner, c *diff.ObjectChange[model.Function]) bool { return functionReplaceable(c.From, c.To) },
	}
}

// aggregateKind returns the rules of model.Aggregate: an aggregate changes in
// place only in its comment, owner and grants.
func aggregateKind() objectKind[model.Aggregate] {
	return objectKind[model.Aggregate]{
		change:  (*planner).aggregateChange,
		inPlace: alterable[model.Aggregate]("comment", "owner", "grants"),
	}
}

// castKind returns the rules of model.Cast: a cast changes in place only in
// its comment.
func castKind() objectKind[model.Cast] {
	return objectKind[model.Cast]{
		change:  (*planner).castChange,
		inPlace: alterable[model.Cast]("comment"),
	}
}
