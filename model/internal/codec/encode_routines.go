package codec

import (
	"strings"

	"github.com/retortdb/retort/model"
)

func (e *encoder) view(v *model.View) *Block {
	kind := "view"
	if v.Materialized {
		kind = "materialized"
	}
	b := &Body{}
	labels := e.labels(kind, v.QName, b)
	b.set("as", Text(strings.TrimSpace(v.Definition)))
	for _, c := range v.Columns {
		cb := &Body{}
		if c.Type != "" {
			cb.set("type", e.typeValue(c.Type))
		}
		if c.Collation != "" {
			cb.set("collate", Str(collationWord(c.Collation)))
		}
		if c.Default != "" {
			cb.set("default", e.defaultValue(c.Default, c.Type))
		}
		cb.setStr("comment", c.Comment)
		e.grants(cb, c.Grants)
		b.add("column", []string{c.Name}, cb)
	}
	if v.CheckOption != "" {
		b.set("check_option", e.kw(strings.ToUpper(v.CheckOption)))
	}
	b.setStrs("options", v.Options)
	b.setTrue("with_no_data", v.WithNoData)
	b.setStr("tablespace", v.Tablespace)
	owner := &model.Table{QName: v.QName}
	for i := range v.Indexes {
		b.add("index", []string{v.Indexes[i].Name}, e.index(owner, false, &v.Indexes[i]))
	}
	e.owner(b, v.Owner)
	b.setStr("comment", v.Comment)
	e.grants(b, v.Grants)
	e.deps(b, v.Deps, false)
	return block(kind, labels, b)
}

var volatilityWords = map[string]string{"i": "IMMUTABLE", "s": "STABLE"}

var parallelWords = map[string]string{"s": "SAFE", "r": "RESTRICTED"}

func (e *encoder) function(f *model.Function) *Block {
	kind := "function"
	if f.Kind == model.KindProcedure {
		kind = "procedure"
	}
	b := &Body{}
	labels := e.labels(kind, f.QName, b)
	b.setStr("args", f.Args)
	if f.IdentityArgs != f.Args {
		b.set("identity_args", Str(f.IdentityArgs))
	}
	b.setStr("returns", f.Result)
	if f.Language != "" {
		if e.dialect == HCL && IsIdent(f.Language) && strings.ToLower(f.Language) == f.Language {
			b.set("lang", RefTo(f.Language))
		} else {
			b.set("lang", Str(f.Language))
		}
	}
	if f.Volatility != "v" {
		if w, ok := volatilityWords[f.Volatility]; ok {
			b.set("volatility", e.kw(w))
		} else {
			b.set("volatility", Str(f.Volatility))
		}
	}
	b.setTrue("strict", f.Strict)
	if f.SecurityDefiner {
		b.set("security", e.kw("DEFINER"))
	}
	b.setTrue("leakproof", f.Leakproof)
	if f.Parallel != "u" {
		if w, ok := parallelWords[f.Parallel]; ok {
			b.set("parallel", e.kw(w))
		} else {
			b.set("parallel", Str(f.Parallel))
		}
	}
	b.setTrue("window", f.Kind == model.KindWindow)
	b.set("definition", Text(f.Definition))
	e.owner(b, f.Owner)
	b.setStr("comment", f.Comment)
	e.grants(b, f.Grants)
	e.deps(b, f.Deps, false)
	return block(kind, labels, b)
}

func (e *encoder) aggregate(a *model.Aggregate) *Block {
	b := &Body{}
	labels := e.labels("aggregate", a.QName, b)
	b.setStr("args", a.Args)
	if a.IdentityArgs != a.Args {
		b.set("identity_args", Str(a.IdentityArgs))
	}
	if a.Kind != "n" {
		b.set("kind", e.kw(map[string]string{"o": "ORDERED_SET", "h": "HYPOTHETICAL"}[a.Kind]))
	}
	if a.NumDirectArgs != 0 {
		b.set("num_direct_args", Int(int64(a.NumDirectArgs)))
	}
	b.setStr("sfunc", a.SFunc)
	b.set("stype", e.typeValue(a.SType))
	if a.SSpace != 0 {
		b.set("sspace", Int(int64(a.SSpace)))
	}
	defModify := "r"
	if a.Kind != "n" {
		defModify = "w"
	}
	modify := map[string]string{"r": "READ_ONLY", "s": "SHAREABLE", "w": "READ_WRITE"}
	b.setStr("finalfunc", a.FinalFunc)
	b.setTrue("finalfunc_extra", a.FinalExtra)
	if a.FinalModify != defModify {
		b.set("finalfunc_modify", e.kw(modify[a.FinalModify]))
	}
	b.setStr("combinefunc", a.CombineFunc)
	b.setStr("serialfunc", a.SerialFunc)
	b.setStr("deserialfunc", a.DeserialFunc)
	if a.InitCond != nil {
		b.set("initcond", Str(*a.InitCond))
	}
	b.setStr("msfunc", a.MSFunc)
	b.setStr("minvfunc", a.MInvFunc)
	if a.MSType != "" {
		b.set("mstype", e.typeValue(a.MSType))
	}
	if a.MSSpace != 0 {
		b.set("msspace", Int(int64(a.MSSpace)))
	}
	b.setStr("mfinalfunc", a.MFinalFunc)
	b.setTrue("mfinalfunc_extra", a.MFinalExtra)
	if a.MFinalModify != defModify {
		b.set("mfinalfunc_modify", e.kw(modify[a.MFinalModify]))
	}
	if a.MInitCond != nil {
		b.set("minitcond", Str(*a.MInitCond))
	}
	b.setStr("sortop", a.SortOp)
	if a.Parallel != "u" {
		b.set("parallel", e.kw(parallelWords[a.Parallel]))
	}
	e.owner(b, a.Owner)
	b.setStr("comment", a.Comment)
	e.grants(b, a.Grants)
	e.deps(b, a.Deps, false)
	return block("aggregate", labels, b)
}

// relation is a reference to the table or view that a trigger, rule or
// policy is on.
func (e *encoder) relation(q model.QName) *Value {
	kind := e.kindOf[q]
	if kind != "table" && kind != "view" && kind != "materialized" {
		// Not declared: the decoder reports it; write it as a name.
		return Str(JoinName(q.Schema, q.Name))
	}
	if e.dialect == YAML {
		// A name alone must be unique among tables and views together.
		if e.count["table"][q.Name]+e.count["view"][q.Name]+e.count["materialized"][q.Name] == 1 {
			return Str(JoinName(q.Name))
		}
		return Str(JoinName(q.Schema, q.Name))
	}
	return e.ref(kind, q)
}

var enabledWords = map[string]string{"D": "DISABLED", "R": "REPLICA", "A": "ALWAYS"}

func (e *encoder) enabled(b *Body, state string) {
	if w, ok := enabledWords[state]; ok {
		b.set("enabled", e.kw(w))
	} else if state != "O" {
		b.set("enabled", Str(state))
	}
}

func (e *encoder) trigger(t *model.Trigger) *Block {
	b := &Body{}
	b.set("on", e.relation(t.Table))
	b.set("definition", Text(t.Definition))
	if functionFromTrigger(strings.TrimSpace(t.Definition)) != t.Function {
		b.set("function", Str(t.Function))
	}
	if strings.HasPrefix(strings.TrimSpace(t.Definition), "CREATE CONSTRAINT TRIGGER") != t.Constraint {
		b.set("constraint", Boolean(t.Constraint))
	}
	e.enabled(b, t.Enabled)
	b.setStr("comment", t.Comment)
	e.deps(b, t.Deps, false)
	return block("trigger", []string{t.Name}, b)
}

func (e *encoder) rule(r *model.Rule) *Block {
	b := &Body{}
	b.set("on", e.relation(r.Table))
	b.set("definition", Text(r.Definition))
	e.enabled(b, r.Enabled)
	b.setStr("comment", r.Comment)
	e.deps(b, r.Deps, false)
	return block("rule", []string{r.Name}, b)
}

func (e *encoder) policy(p *model.Policy) *Block {
	b := &Body{}
	b.set("on", e.relation(p.Table))
	if !p.Permissive {
		b.set("as", e.kw("RESTRICTIVE"))
	}
	if p.Command != "ALL" {
		b.set("for", e.kw(p.Command))
	}
	if len(p.Roles) != 1 || p.Roles[0] != "public" {
		b.set("to", Strs(p.Roles))
	}
	b.setStr("using", p.Using)
	b.setStr("check", p.WithCheck)
	b.setStr("comment", p.Comment)
	e.deps(b, p.Deps, false)
	return block("policy", []string{p.Name}, b)
}

func (e *encoder) eventTrigger(t *model.EventTrigger) *Block {
	b := &Body{}
	b.setStr("event", t.Event)
	b.setStrs("tags", t.Tags)
	b.setStr("function", t.Function)
	e.enabled(b, t.Enabled)
	e.owner(b, t.Owner)
	b.setStr("comment", t.Comment)
	return block("event_trigger", []string{t.Name}, b)
}

func (e *encoder) cast(c *model.Cast) *Block {
	b := &Body{}
	b.set("source", e.typeValue(c.Source))
	b.set("target", e.typeValue(c.Target))
	b.setStr("function", c.Function)
	if c.Method != "f" || c.Function == "" {
		b.set("method", e.kw(map[string]string{"f": "FUNCTION", "b": "BINARY", "i": "INOUT"}[c.Method]))
	}
	if w := map[string]string{"a": "ASSIGNMENT", "i": "IMPLICIT"}[c.Context]; w != "" {
		b.set("context", e.kw(w))
	}
	b.setStr("comment", c.Comment)
	e.deps(b, c.Deps, false)
	return block("cast", nil, b)
}

func (e *encoder) fdw(w *model.ForeignDataWrapper) *Block {
	b := &Body{}
	b.setStr("handler", w.Handler)
	b.setStr("validator", w.Validator)
	b.setStrs("options", w.Options)
	e.owner(b, w.Owner)
	b.setStr("comment", w.Comment)
	e.grants(b, w.Grants)
	return block("foreign_data_wrapper", []string{w.Name}, b)
}

func (e *encoder) server(s *model.ForeignServer) *Block {
	b := &Body{}
	if _, ok := e.count["foreign_data_wrapper"][s.Wrapper]; ok && e.dialect == HCL {
		b.set("wrapper", e.ref("foreign_data_wrapper", model.QName{Name: s.Wrapper}))
	} else {
		b.set("wrapper", Str(s.Wrapper))
	}
	b.setStr("type", s.Type)
	b.setStr("version", s.Version)
	b.setStrs("options", s.Options)
	e.owner(b, s.Owner)
	b.setStr("comment", s.Comment)
	e.grants(b, s.Grants)
	return block("server", []string{s.Name}, b)
}

func (e *encoder) userMapping(m *model.UserMapping) *Block {
	b := &Body{}
	if _, ok := e.count["server"][m.Server]; ok && e.dialect == HCL {
		b.set("server", e.ref("server", model.QName{Name: m.Server}))
	} else {
		b.set("server", Str(m.Server))
	}
	if m.User == "public" {
		b.set("user", e.kw("PUBLIC"))
	} else {
		b.set("user", Str(m.User))
	}
	b.setStrs("options", m.Options)
	return block("user_mapping", nil, b)
}
