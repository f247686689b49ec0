package render

import (
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// enableWords are the ALTER TABLE words that set tgenabled and ev_enabled
// to something other than O, the state CREATE leaves.
var enableWords = map[string]string{"D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}

// alterRelation starts an ALTER TABLE for the relation a trigger or rule
// hangs off.
func (b *builder) alterRelation(q model.QName) string {
	if t := b.tables[q]; t != nil {
		return alterTable(t, false)
	}
	return "ALTER TABLE " + qnameSQL(q)
}

// trigger creates a trigger from pg_get_triggerdef's text, then sets its
// enabled state.
func (b *builder) trigger(tr *model.Trigger) {
	table := qnameSQL(tr.Table)
	name := sqlq.QuoteIdent(tr.Name)
	ref := model.ObjectRef{Kind: model.KindTrigger, Schema: tr.Table.Schema, Table: tr.Table.Name, Name: tr.Name}
	id := "trigger " + table + " " + name
	def := strings.TrimSpace(tr.Definition)
	if !strings.HasPrefix(def, "CREATE ") {
		b.errorf(id, "definition is not a CREATE TRIGGER statement")
		return
	}
	req := append([]model.ObjectRef{tableRef(tr.Table)}, tr.Deps...)
	req = append(req, b.routineRefs(tr.Function)...)
	b.add(Statement{prio: prioTrigger, ID: stmtID(prioTrigger, id), SQL: def, Provides: []model.ObjectRef{ref}, Requires: req})
	b.enable(id, "TRIGGER", b.alterRelation(tr.Table), name, tr.Enabled, ref, prioTrigger)
	if b.opts.Comments && tr.Comment != "" {
		b.commentOn(ref, "comment "+id, "TRIGGER "+name+" ON "+table, sqlq.Literal(tr.Comment))
	}
}

// enable sets the enabled state of a trigger or rule.
func (b *builder) enable(id, kind, alter, name, state string, ref model.ObjectRef, prio int) {
	if state == "" || state == "O" {
		return
	}
	words, ok := enableWords[state]
	if !ok {
		b.errorf(id, "unknown enabled state %q", state)
		return
	}
	b.add(Statement{
		ID:       stmtID(prio, id, "enabled"),
		prio:     prio,
		SQL:      alter + " " + words + " " + kind + " " + name,
		Requires: []model.ObjectRef{ref},
	})
}

// rule creates a rule from pg_get_ruledef's text.
func (b *builder) rule(r *model.Rule) {
	table := qnameSQL(r.Table)
	name := sqlq.QuoteIdent(r.Name)
	ref := model.ObjectRef{Kind: model.KindRule, Schema: r.Table.Schema, Table: r.Table.Name, Name: r.Name}
	id := "rule " + table + " " + name
	def := strings.TrimSpace(r.Definition)
	if !strings.HasPrefix(def, "CREATE ") {
		b.errorf(id, "definition is not a CREATE RULE statement")
		return
	}
	b.add(Statement{
		ID:       stmtID(prioRule, id),
		prio:     prioRule,
		SQL:      def,
		Provides: []model.ObjectRef{ref},
		Requires: append([]model.ObjectRef{tableRef(r.Table)}, r.Deps...),
	})
	b.enable(id, "RULE", b.alterRelation(r.Table), name, r.Enabled, ref, prioRule)
	if b.opts.Comments && r.Comment != "" {
		b.commentOn(ref, "comment "+id, "RULE "+name+" ON "+table, sqlq.Literal(r.Comment))
	}
}

// eventTrigger creates an event trigger. Event triggers come last, as
// pg_dump puts them, so that they do not fire on the rest of the script.
func (b *builder) eventTrigger(e *model.EventTrigger) {
	name := sqlq.QuoteIdent(e.Name)
	ref := model.ObjectRef{Kind: model.KindEventTrigger, Name: e.Name}
	t := target{ref: ref, id: "event trigger " + name, comment: "EVENT TRIGGER " + name, alter: "EVENT TRIGGER " + name}
	if e.Event == "" || e.Function == "" {
		b.errorf(t.id, "no event or no function")
		return
	}
	var sb strings.Builder
	sb.WriteString("CREATE EVENT TRIGGER " + name + " ON " + sqlq.QuoteIdent(e.Event))
	if len(e.Tags) > 0 {
		var tags []string
		for _, tag := range e.Tags {
			tags = append(tags, sqlq.Literal(tag))
		}
		sb.WriteString("\n    WHEN TAG IN (" + strings.Join(tags, ", ") + ")")
	}
	// regproc's text, which a hand-written model may end with ().
	fn := nameText(strings.TrimSuffix(e.Function, "()")) + "()"
	sb.WriteString("\n    EXECUTE FUNCTION " + fn)
	b.add(Statement{
		ID:       stmtID(prioEventTrigger, t.id),
		prio:     prioEventTrigger,
		SQL:      sb.String(),
		Provides: []model.ObjectRef{ref},
		Requires: b.routineRefs(e.Function),
	})
	if e.Enabled != "" && e.Enabled != "O" {
		words, ok := enableWords[e.Enabled]
		if !ok {
			b.errorf(t.id, "unknown enabled state %q", e.Enabled)
			return
		}
		b.add(Statement{
			ID:       stmtID(prioEventTrigger, t.id, "enabled"),
			prio:     prioEventTrigger,
			SQL:      "ALTER EVENT TRIGGER " + name + " " + words,
			Requires: []model.ObjectRef{ref},
		})
	}
	b.comment(t, e.Comment)
	b.owner(t, e.Owner)
}
