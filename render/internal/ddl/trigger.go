package ddl

import (
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// EnableWords are the ALTER TABLE words that set tgenabled and ev_enabled
// to something other than O, the state CREATE leaves.
var EnableWords = map[string]string{"D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}

// AlterRelation starts an ALTER TABLE for the relation a trigger or rule
// hangs off.
func (b *Builder) AlterRelation(q model.QName) string {
	if t := b.tables[q]; t != nil {
		return AlterTable(t, false)
	}
	return "ALTER TABLE " + QNameSQL(q)
}

// Trigger creates a trigger from pg_get_triggerdef's text, then sets its
// enabled state.
func (b *Builder) Trigger(tr *model.Trigger) {
	table := QNameSQL(tr.Table)
	name := sqlq.QuoteIdent(tr.Name)
	ref := model.ObjectRef{Kind: model.KindTrigger, Schema: tr.Table.Schema, Table: tr.Table.Name, Name: tr.Name}
	id := "trigger " + table + " " + name
	def := strings.TrimSpace(tr.Definition)
	if !strings.HasPrefix(def, "CREATE ") {
		b.Errorf(id, "definition is not a CREATE TRIGGER statement")
		return
	}
	req := append([]model.ObjectRef{TableRef(tr.Table)}, tr.Deps...)
	req = append(req, b.routineRefs(tr.Function)...)
	b.add(Statement{Priority: PrioTrigger, ID: StmtID(PrioTrigger, id), SQL: def, Provides: []model.ObjectRef{ref}, Requires: req})
	b.enable(id, "TRIGGER", b.AlterRelation(tr.Table), name, tr.Enabled, ref, PrioTrigger)
	if b.opts.Comments && tr.Comment != "" {
		b.CommentOn(ref, "comment "+id, "TRIGGER "+name+" ON "+table, sqlq.Literal(tr.Comment))
	}
}

// enable sets the enabled state of a trigger or rule.
func (b *Builder) enable(id, kind, alter, name, state string, ref model.ObjectRef, prio int) {
	if state == "" || state == "O" {
		return
	}
	words, ok := EnableWords[state]
	if !ok {
		b.Errorf(id, "unknown enabled state %q", state)
		return
	}
	b.add(Statement{
		ID:       StmtID(prio, id, "enabled"),
		Priority: prio,
		SQL:      alter + " " + words + " " + kind + " " + name,
		Requires: []model.ObjectRef{ref},
	})
}

// Rule creates a rule from pg_get_ruledef's text.
func (b *Builder) Rule(r *model.Rule) {
	table := QNameSQL(r.Table)
	name := sqlq.QuoteIdent(r.Name)
	ref := model.ObjectRef{Kind: model.KindRule, Schema: r.Table.Schema, Table: r.Table.Name, Name: r.Name}
	id := "rule " + table + " " + name
	def := strings.TrimSpace(r.Definition)
	if !strings.HasPrefix(def, "CREATE ") {
		b.Errorf(id, "definition is not a CREATE RULE statement")
		return
	}
	b.add(Statement{
		ID:       StmtID(PrioRule, id),
		Priority: PrioRule,
		SQL:      def,
		Provides: []model.ObjectRef{ref},
		Requires: append([]model.ObjectRef{TableRef(r.Table)}, r.Deps...),
	})
	b.enable(id, "RULE", b.AlterRelation(r.Table), name, r.Enabled, ref, PrioRule)
	if b.opts.Comments && r.Comment != "" {
		b.CommentOn(ref, "comment "+id, "RULE "+name+" ON "+table, sqlq.Literal(r.Comment))
	}
}

// EventTrigger creates an event trigger. Event triggers come last, as
// pg_dump puts them, so that they do not fire on the rest of the script.
func (b *Builder) EventTrigger(e *model.EventTrigger) {
	name := sqlq.QuoteIdent(e.Name)
	ref := model.ObjectRef{Kind: model.KindEventTrigger, Name: e.Name}
	t := Target{Ref: ref, ID: "event trigger " + name, Comment: "EVENT TRIGGER " + name, Alter: "EVENT TRIGGER " + name}
	if e.Event == "" || e.Function == "" {
		b.Errorf(t.ID, "no event or no function")
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
	fn := NameText(strings.TrimSuffix(e.Function, "()")) + "()"
	sb.WriteString("\n    EXECUTE FUNCTION " + fn)
	b.add(Statement{
		ID:       StmtID(PrioEventTrigger, t.ID),
		Priority: PrioEventTrigger,
		SQL:      sb.String(),
		Provides: []model.ObjectRef{ref},
		Requires: b.routineRefs(e.Function),
	})
	if e.Enabled != "" && e.Enabled != "O" {
		words, ok := EnableWords[e.Enabled]
		if !ok {
			b.Errorf(t.ID, "unknown enabled state %q", e.Enabled)
			return
		}
		b.add(Statement{
			ID:       StmtID(PrioEventTrigger, t.ID, "enabled"),
			Priority: PrioEventTrigger,
			SQL:      "ALTER EVENT TRIGGER " + name + " " + words,
			Requires: []model.ObjectRef{ref},
		})
	}
	b.comment(t, e.Comment)
	b.Owner(t, e.Owner)
}
