package render

import (
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/model"
)

func (p *planner) functionChange(c *diff.ObjectChange[model.Function]) {
	switch c.Operation {
	case diff.Create:
		p.b.function(c.To)
	case diff.Drop:
		f := c.From
		t := functionTarget(f)
		kind := "FUNCTION "
		if f.Kind == model.KindProcedure {
			kind = "PROCEDURE "
		}
		p.drop(dropStmt{ref: t.ref, kindPrio: prioFunction, sql: "DROP " + kind + qnameSQL(f.QName) + "(" + f.IdentityArgs + ")"})
	case diff.Alter:
		f, fn := c.From, c.To
		t := functionTarget(fn)
		if f.Definition != fn.Definition {
			p.add(Statement{
				ID:         stmtID(prioFunction, "alter", t.id),
				prio:       prioFunction,
				SQL:        strings.TrimSpace(fn.Definition),
				Provides:   []model.ObjectRef{t.ref},
				Requires:   append([]model.ObjectRef{nsRef(fn.Schema)}, fn.Deps...),
				provTokens: []token{released(t.ref)},
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
		p.b.aggregate(c.To)
	case diff.Drop:
		a := c.From
		p.drop(dropStmt{ref: aggRef(*a), kindPrio: prioAggregate, sql: "DROP AGGREGATE " + qnameSQL(a.QName) + aggSignature(a)})
	case diff.Alter:
		t := aggregateTarget(c.To)
		p.commentChange(t, c.From.Comment, c.To.Comment)
		p.ownerChange(t, c.From.Owner, c.To.Owner)
		p.grantChange(t, c.From.Owner, c.To.Owner, c.From.Grants, c.To.Grants)
	}
}

func (p *planner) castChange(c *diff.ObjectChange[model.Cast]) {
	switch c.Operation {
	case diff.Create:
		p.b.cast(c.To)
	case diff.Drop:
		k := c.From
		p.drop(dropStmt{ref: castRefOf(k), kindPrio: prioCast, sql: "DROP CAST (" + k.Source + " AS " + k.Target + ")"})
	case diff.Alter:
		k := c.To
		pair := "(" + k.Source + " AS " + k.Target + ")"
		t := target{ref: castRefOf(k), id: "cast " + pair, comment: "CAST " + pair}
		p.commentChange(t, c.From.Comment, k.Comment)
	}
}
