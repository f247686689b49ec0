package render

import (
	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

func (p *planner) triggerChange(c *diff.ObjectChange[model.Trigger]) {
	switch c.Operation {
	case diff.Create:
		p.b.Trigger(c.To)
	case diff.Drop:
		tr := c.From
		p.drop(dropStmt{ref: triggerRefOf(tr), kindPrio: ddl.PrioTrigger,
			sql: "DROP TRIGGER " + sqlq.QuoteIdent(tr.Name) + " ON " + ddl.QNameSQL(tr.Table)})
	case diff.Alter:
		f, tr := c.From, c.To
		id := "trigger " + ddl.QNameSQL(tr.Table) + " " + sqlq.QuoteIdent(tr.Name)
		p.enableChange(id, "TRIGGER", tr.Table, tr.Name, f.Enabled, tr.Enabled, triggerRefOf(tr), ddl.PrioTrigger)
		p.childComment(triggerRefOf(tr), id, "TRIGGER", tr.Table, tr.Name, f.Comment, tr.Comment)
	}
}

func (p *planner) ruleChange(c *diff.ObjectChange[model.Rule]) {
	switch c.Operation {
	case diff.Create:
		p.b.Rule(c.To)
	case diff.Drop:
		r := c.From
		p.drop(dropStmt{ref: ruleRefOf(r), kindPrio: ddl.PrioRule,
			sql: "DROP RULE " + sqlq.QuoteIdent(r.Name) + " ON " + ddl.QNameSQL(r.Table)})
	case diff.Alter:
		f, r := c.From, c.To
		id := "rule " + ddl.QNameSQL(r.Table) + " " + sqlq.QuoteIdent(r.Name)
		p.enableChange(id, "RULE", r.Table, r.Name, f.Enabled, r.Enabled, ruleRefOf(r), ddl.PrioRule)
		p.childComment(ruleRefOf(r), id, "RULE", r.Table, r.Name, f.Comment, r.Comment)
	}
}

func (p *planner) policyChange(c *diff.ObjectChange[model.Policy]) {
	switch c.Operation {
	case diff.Create:
		p.b.Policy(c.To)
	case diff.Drop:
		pl := c.From
		p.drop(dropStmt{ref: policyRefOf(pl), kindPrio: ddl.PrioPolicy,
			sql: "DROP POLICY " + sqlq.QuoteIdent(pl.Name) + " ON " + ddl.QNameSQL(pl.Table)})
	case diff.Alter:
		pl := c.To
		id := "policy " + ddl.QNameSQL(pl.Table) + " " + sqlq.QuoteIdent(pl.Name)
		p.childComment(policyRefOf(pl), id, "POLICY", pl.Table, pl.Name, c.From.Comment, pl.Comment)
	}
}

// enableChange sets the enabled state of a trigger or rule.
func (p *planner) enableChange(id, kind string, table model.QName, name, from, to string, ref model.ObjectRef, prio int) {
	if from == "" {
		from = "O"
	}
	if to == "" {
		to = "O"
	}
	if from == to {
		return
	}
	words := "ENABLE"
	if to != "O" {
		var ok bool
		if words, ok = ddl.EnableWords[to]; !ok {
			p.b.Errorf(id, "unknown enabled state %q", to)
			return
		}
	}
	p.add(Statement{
		ID:       ddl.StmtID(prio, id, "enabled"),
		Priority: prio,
		SQL:      p.b.AlterRelation(table) + " " + words + " " + kind + " " + sqlq.QuoteIdent(name),
		Requires: []model.ObjectRef{ref},
	})
}

// childComment sets or clears the comment of a trigger, rule or policy.
func (p *planner) childComment(ref model.ObjectRef, id, kind string, table model.QName, name, from, to string) {
	if from == to || !p.opts.Comments {
		return
	}
	value := "NULL"
	if to != "" {
		value = sqlq.Literal(to)
	}
	p.b.CommentOn(ref, "comment "+id, kind+" "+sqlq.QuoteIdent(name)+" ON "+ddl.QNameSQL(table), value)
}

func (p *planner) eventTriggerChange(c *diff.ObjectChange[model.EventTrigger]) {
	switch c.Operation {
	case diff.Create:
		p.b.EventTrigger(c.To)
	case diff.Drop:
		e := c.From
		p.drop(dropStmt{ref: model.ObjectRef{Kind: model.KindEventTrigger, Name: e.Name}, kindPrio: ddl.PrioEventTrigger,
			sql: "DROP EVENT TRIGGER " + sqlq.QuoteIdent(e.Name)})
	case diff.Alter:
		f, e := c.From, c.To
		name := sqlq.QuoteIdent(e.Name)
		ref := model.ObjectRef{Kind: model.KindEventTrigger, Name: e.Name}
		t := ddl.Target{Ref: ref, ID: "event trigger " + name, Comment: "EVENT TRIGGER " + name, Alter: "EVENT TRIGGER " + name}
		fe, te := f.Enabled, e.Enabled
		if fe == "" {
			fe = "O"
		}
		if te == "" {
			te = "O"
		}
		if fe != te {
			words := "ENABLE"
			if te != "O" {
				words = ddl.EnableWords[te]
			}
			p.add(Statement{Priority: ddl.PrioEventTrigger, ID: ddl.StmtID(ddl.PrioEventTrigger, t.ID, "enabled"), SQL: "ALTER EVENT TRIGGER " + name + " " + words,
				Requires: []model.ObjectRef{ref}})
		}
		p.commentChange(t, f.Comment, e.Comment)
		p.ownerChange(t, f.Owner, e.Owner)
	}
}

// triggerKind returns the rules of model.Trigger: a trigger changes in place
// only in whether it fires, and its comment.
func triggerKind() objectKind[model.Trigger] {
	return objectKind[model.Trigger]{
		change:  (*planner).triggerChange,
		inPlace: alterable[model.Trigger]("enabled", "comment"),
	}
}

// ruleKind returns the rules of model.Rule: a rule changes in place only in
// whether it fires, and its comment.
func ruleKind() objectKind[model.Rule] {
	return objectKind[model.Rule]{
		change:  (*planner).ruleChange,
		inPlace: alterable[model.Rule]("enabled", "comment"),
	}
}

// policyKind returns the rules of model.Policy: a policy changes in place
// only in its comment.
func policyKind() objectKind[model.Policy] {
	return objectKind[model.Policy]{
		change:  (*planner).policyChange,
		inPlace: alterable[model.Policy]("comment"),
	}
}

// eventTriggerKind returns the rules of model.EventTrigger: an event trigger
// changes in place only in whether it fires, its comment and owner.
func eventTriggerKind() objectKind[model.EventTrigger] {
	return objectKind[model.EventTrigger]{
		change:  (*planner).eventTriggerChange,
		inPlace: alterable[model.EventTrigger]("enabled", "comment", "owner"),
	}
}
