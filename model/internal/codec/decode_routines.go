package codec

import (
	"fmt"
	"strings"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/sqlddl"
)

// view reads a view or materialized view:
//
//	view "active_users" {
//	  schema = schema.public
//	  as     = "SELECT id, name FROM public.users WHERE active"
//	}
func (d *decoder) view(r *reader, dc *decl) {
	v := model.View{QName: dc.q, Materialized: dc.kind == "materialized"}
	if as := r.peek("as"); as != nil {
		for _, ref := range as.Refs {
			d.objectRef(ref, ref.Parts[0])
		}
	}
	if s, ok := r.sqlText("as", oneQuery, queryCheck); ok {
		v.Definition = strings.TrimSpace(s)
	}
	if v.Definition == "" {
		d.errs.add(dc.block.Pos, dc.block.Text, "%s %s needs as (its query)", dc.kind, dc.q)
	}
	seen := map[string]bool{}
	for _, b := range r.blocks("column", true) {
		cr := d.read(b.Body)
		c := model.ViewColumn{Name: label(b)}
		if seen[c.Name] {
			d.errs.add(b.Pos, b.Text, "column %q is declared twice", c.Name)
		}
		seen[c.Name] = true
		c.Type, _ = cr.typeValue("type")
		cr.boolean("null") // Atlas writes it; a view's columns have no constraint
		c.Collation, _ = cr.collation("collate")
		c.Default, _ = cr.defaultValue("default", c.Type)
		c.Comment, _ = cr.str("comment")
		c.Grants = cr.grants()
		cr.done("column " + c.Name)
		v.Columns = append(v.Columns, c)
	}
	if co, ok := r.keyword("check_option", map[string]string{"LOCAL": "local", "CASCADED": "cascaded"}); ok {
		v.CheckOption = co
	}
	v.Options = r.options("options")
	if v.Materialized {
		v.WithNoData, _ = r.boolean("with_no_data")
		v.Tablespace, _ = r.str("tablespace")
		ts := &tableState{t: &model.Table{QName: dc.q}, decl: dc}
		names := map[string]bool{}
		for _, b := range r.blocks("index", true) {
			ix := d.index(ts, b, false)
			if ix.Name == "" {
				d.errs.add(b.Pos, b.Text, "an index of a materialized view needs a name")
				continue
			}
			if names[ix.Name] {
				d.errs.add(b.Pos, b.Text, "index %q is declared twice", ix.Name)
			}
			names[ix.Name] = true
			v.Indexes = append(v.Indexes, ix)
		}
	}
	v.Owner, _ = r.str("owner")
	v.Comment, _ = r.str("comment")
	v.Grants = r.grants()
	v.Deps = r.deps()
	d.s.Views = append(d.s.Views, v)
}

var volatilities = map[string]string{"IMMUTABLE": "i", "STABLE": "s", "VOLATILE": "v"}

var parallels = map[string]string{"SAFE": "s", "RESTRICTED": "r", "UNSAFE": "u"}

// function reads a function or procedure. Its definition is the whole
// CREATE statement; args (and identity_args when they differ) tell
// overloads apart and name it in comments and grants.
func (d *decoder) function(r *reader, dc *decl) {
	f := model.Function{QName: dc.q, Kind: model.KindPlainFunction, Volatility: "v", Parallel: "u"}
	if dc.kind == "procedure" {
		f.Kind = model.KindProcedure
	} else if w, _ := r.boolean("window"); w {
		f.Kind = model.KindWindow
	}
	if v := r.peek("args"); v == nil || v.Kind != List {
		f.Args, _ = r.sqlText("args", oneArgs, argsCheck) // a list is Atlas's arg blocks, in YAML
	}
	f.IdentityArgs = f.Args
	if ia, ok := r.sqlText("identity_args", oneArgs, argsCheck); ok {
		f.IdentityArgs = ia
	}
	f.Result, _ = r.sqlText("returns", oneReturns, returnsCheck)
	f.Result = strings.TrimSpace(f.Result)
	if a := r.attr("lang"); a != nil {
		if w, ok := word(a.Value); ok && w != "" {
			f.Language = strings.ToLower(w)
		} else {
			r.wrong(a, "a language such as SQL or PLpgSQL")
		}
	}
	if v, ok := r.keyword("volatility", volatilities); ok {
		f.Volatility = v
	}
	f.Strict, _ = r.boolean("strict")
	if s, ok := r.keyword("security", map[string]string{"DEFINER": "definer", "INVOKER": "invoker"}); ok {
		f.SecurityDefiner = s == "definer"
	}
	f.Leakproof, _ = r.boolean("leakproof")
	if p, ok := r.keyword("parallel", parallels); ok {
		f.Parallel = p
	}
	kind := routineKind(&f)
	switch s, ok := r.sqlText("definition", oneCreate(kind), definitionCheck(kind, sqlddl.Declared{Schema: dc.q.Schema, Name: dc.q.Name})); {
	case ok:
		f.Definition = strings.TrimSpace(s) + "\n"
	case r.has("as"):
		d.atlasFunction(r, dc, &f)
	default:
		d.errs.add(dc.block.Pos, dc.block.Text, "%s %s needs definition (its CREATE statement), or as (its body)", dc.kind, dc.q)
	}
	f.Owner, _ = r.str("owner")
	f.Comment, _ = r.str("comment")
	f.Grants = r.grants()
	f.Deps = r.deps()
	d.routine(dc, f.Key())
	d.s.Functions = append(d.s.Functions, f)
}

// routine reports a second function, procedure or aggregate with the same
// name and arguments.
func (d *decoder) routine(dc *decl, key model.FunctionKey) {
	k := "routine " + key.String()
	for _, o := range d.decls[k] {
		d.errs.add(dc.block.Pos, dc.block.Text, "%s %s is declared twice (first at %s); overloads need args", dc.kind, key, o.block.Pos)
		return
	}
	d.decls[k] = append(d.decls[k], dc)
}

var aggKinds = map[string]string{"NORMAL": "n", "ORDERED_SET": "o", "HYPOTHETICAL": "h"}

var modifies = map[string]string{"READ_ONLY": "r", "SHAREABLE": "s", "READ_WRITE": "w"}

// aggregate reads an aggregate; its attributes are CREATE AGGREGATE's.
func (d *decoder) aggregate(r *reader, dc *decl) {
	a := model.Aggregate{QName: dc.q, Kind: "n", Parallel: "u"}
	a.Args, _ = r.sqlText("args", oneArgs, argsCheck)
	a.IdentityArgs = a.Args
	if ia, ok := r.sqlText("identity_args", oneArgs, argsCheck); ok {
		a.IdentityArgs = ia
	}
	if k, ok := r.keyword("kind", aggKinds); ok {
		a.Kind = k
	}
	a.FinalModify, a.MFinalModify = "r", "r"
	if a.Kind != "n" {
		a.FinalModify, a.MFinalModify = "w", "w"
	}
	if n, ok := r.integer("num_direct_args"); ok {
		a.NumDirectArgs = int(n)
	}
	sfunc, ok := r.funcName("sfunc") // not ok: reported as it is
	if a.SFunc = sfunc; a.SFunc == "" && (ok || !r.has("sfunc")) {
		d.errs.add(dc.block.Pos, dc.block.Text, "aggregate %s needs sfunc", dc.q)
	}
	if a.SType, _ = r.typeValue("stype"); a.SType == "" && !r.has("stype") {
		d.errs.add(dc.block.Pos, dc.block.Text, "aggregate %s needs stype", dc.q)
	}
	num := func(name string) int { n, _ := r.integer(name); return int(n) }
	a.SSpace = num("sspace")
	a.FinalFunc, _ = r.funcName("finalfunc")
	a.FinalExtra, _ = r.boolean("finalfunc_extra")
	if m, ok := r.keyword("finalfunc_modify", modifies); ok {
		a.FinalModify = m
	}
	a.CombineFunc, _ = r.funcName("combinefunc")
	a.SerialFunc, _ = r.funcName("serialfunc")
	a.DeserialFunc, _ = r.funcName("deserialfunc")
	if s, ok := r.str("initcond"); ok {
		a.InitCond = &s
	}
	a.MSFunc, _ = r.funcName("msfunc")
	a.MInvFunc, _ = r.funcName("minvfunc")
	a.MSType, _ = r.typeValue("mstype")
	a.MSSpace = num("msspace")
	a.MFinalFunc, _ = r.funcName("mfinalfunc")
	a.MFinalExtra, _ = r.boolean("mfinalfunc_extra")
	if m, ok := r.keyword("mfinalfunc_modify", modifies); ok {
		a.MFinalModify = m
	}
	if s, ok := r.str("minitcond"); ok {
		a.MInitCond = &s
	}
	a.SortOp, _ = r.sqlText("sortop", oneOperator, operatorCheck)
	a.SortOp = strings.TrimSpace(a.SortOp)
	if p, ok := r.keyword("parallel", parallels); ok {
		a.Parallel = p
	}
	a.Owner, _ = r.str("owner")
	a.Comment, _ = r.str("comment")
	a.Grants = r.grants()
	a.Deps = r.deps()
	d.routine(dc, a.Key())
	d.s.Aggregates = append(d.s.Aggregates, a)
}

var enabledStates = map[string]string{"ORIGIN": "O", "DISABLED": "D", "REPLICA": "R", "ALWAYS": "A"}

// relationOn reads on: the table, view or materialized view a trigger,
// rule or policy belongs to.
func (d *decoder) relationOn(r *reader, dc *decl) model.QName {
	a := r.attr("on")
	if a == nil {
		d.errs.add(dc.block.Pos, dc.block.Text, "%s %q needs on (the table it belongs to)", dc.kind, dc.q.Name)
		return model.QName{}
	}
	o, ok := d.objectRef(a.Value, "table", "view", "materialized")
	if !ok {
		return model.QName{}
	}
	key := fmt.Sprintf("%s on %s", dc.kind, o.q)
	for _, prev := range d.decls[key] {
		if prev.q.Name == dc.q.Name {
			d.errs.add(dc.block.Pos, dc.block.Text, "%s %q on %s is declared twice (first at %s)", dc.kind, dc.q.Name, o.q, prev.block.Pos)
		}
	}
	d.decls[key] = append(d.decls[key], dc)
	return o.q
}

// trigger reads a trigger: on and its CREATE TRIGGER definition.
func (d *decoder) trigger(r *reader, dc *decl) {
	tr := model.Trigger{Table: d.relationOn(r, dc), Name: dc.q.Name, Enabled: "O"}
	if def, ok := r.sqlText("definition", oneCreate(sqlddl.DefTrigger), definitionCheck(sqlddl.DefTrigger, onTable(tr.Table, tr.Name))); ok {
		tr.Definition = strings.TrimSpace(def)
		tr.Function = functionFromTrigger(tr.Definition)
	} else {
		d.atlasTrigger(r, dc, &tr)
	}
	if f, ok := r.str("function"); ok {
		tr.Function = f
	}
	tr.Constraint = strings.HasPrefix(tr.Definition, "CREATE CONSTRAINT TRIGGER")
	if c, ok := r.boolean("constraint"); ok {
		tr.Constraint = c
	}
	if e, ok := r.keyword("enabled", enabledStates); ok {
		tr.Enabled = e
	}
	tr.Comment, _ = r.str("comment")
	tr.Deps = r.deps()
	d.s.Triggers = append(d.s.Triggers, tr)
}

// rule reads a rewrite rule: on and its CREATE RULE definition.
func (d *decoder) rule(r *reader, dc *decl) {
	ru := model.Rule{Table: d.relationOn(r, dc), Name: dc.q.Name, Enabled: "O"}
	if ru.Definition, _ = r.sqlText("definition", oneCreate(sqlddl.DefRule), definitionCheck(sqlddl.DefRule, onTable(ru.Table, ru.Name))); ru.Definition == "" {
		d.errs.add(dc.block.Pos, dc.block.Text, "rule %q needs definition (its CREATE RULE statement)", ru.Name)
	}
	ru.Definition = strings.TrimSpace(ru.Definition)
	if e, ok := r.keyword("enabled", enabledStates); ok {
		ru.Enabled = e
	}
	ru.Comment, _ = r.str("comment")
	ru.Deps = r.deps()
	d.s.Rules = append(d.s.Rules, ru)
}

// policy reads a row-level security policy.
func (d *decoder) policy(r *reader, dc *decl) {
	p := model.Policy{Table: d.relationOn(r, dc), Name: dc.q.Name, Permissive: true, Command: "ALL", Roles: []string{"public"}}
	if as, ok := r.keyword("as", map[string]string{"PERMISSIVE": "p", "RESTRICTIVE": "r"}); ok {
		p.Permissive = as == "p"
	}
	if c, ok := r.keyword("for", map[string]string{"ALL": "ALL", "SELECT": "SELECT", "INSERT": "INSERT", "UPDATE": "UPDATE", "DELETE": "DELETE"}); ok {
		p.Command = c
	}
	if roles, ok := r.strs("to"); ok {
		p.Roles = roles
	}
	p.Using, _ = r.expr("using")
	p.WithCheck, _ = r.expr("check")
	p.Comment, _ = r.str("comment")
	p.Deps = r.deps()
	d.s.Policies = append(d.s.Policies, p)
}

// routineName reads a function given as function.NAME or a string in
// regproc's form (schema.name).
func (d *decoder) routineName(r *reader, name string) string {
	a := r.attr(name)
	if a == nil {
		return ""
	}
	if a.Value.Kind == Ref {
		if o, ok := d.objectRef(a.Value, "function"); ok {
			return qualified(o.q.Schema, o.q.Name)
		}
		return ""
	}
	if a.Value.Kind != String {
		r.wrong(a, "a function")
		return ""
	}
	// regproc's form; the () of a call is allowed, and left to the caller.
	s, _ := d.routineText(a.Value, name, strings.TrimSuffix(strings.TrimSpace(a.Value.Str), "()"))
	return s
}

func (d *decoder) eventTrigger(r *reader, dc *decl) {
	e := model.EventTrigger{Name: dc.q.Name, Enabled: "O"}
	if e.Event, _ = r.str("event"); e.Event == "" {
		d.errs.add(dc.block.Pos, dc.block.Text, "event_trigger %q needs event", e.Name)
	}
	e.Tags, _ = r.strs("tags")
	if e.Function = d.routineName(r, "function"); e.Function == "" {
		d.errs.add(dc.block.Pos, dc.block.Text, "event_trigger %q needs function", e.Name)
	}
	if en, ok := r.keyword("enabled", enabledStates); ok {
		e.Enabled = en
	}
	e.Owner, _ = r.str("owner")
	e.Comment, _ = r.str("comment")
	d.s.EventTriggers = append(d.s.EventTriggers, e)
}

func (d *decoder) cast(r *reader, dc *decl) {
	c := model.Cast{Context: "e"}
	var ok bool
	if c.Source, ok = r.typeValue("source"); !ok && !r.has("source") {
		d.errs.add(dc.block.Pos, dc.block.Text, "cast needs source (a type)")
	}
	if c.Target, ok = r.typeValue("target"); !ok && !r.has("target") {
		d.errs.add(dc.block.Pos, dc.block.Text, "cast needs target (a type)")
	}
	c.Function, _ = r.funcSignature("function")
	c.Method = "f"
	if m, ok := r.keyword("method", map[string]string{"FUNCTION": "f", "BINARY": "b", "INOUT": "i"}); ok {
		c.Method = m
	}
	if (c.Method == "f") != (c.Function != "" || r.has("function")) {
		d.errs.add(dc.block.Pos, dc.block.Text, "cast: give function, or method = BINARY or INOUT")
	}
	if x, ok := r.keyword("context", map[string]string{"EXPLICIT": "e", "ASSIGNMENT": "a", "IMPLICIT": "i"}); ok {
		c.Context = x
	}
	c.Comment, _ = r.str("comment")
	c.Deps = r.deps()
	key := "cast " + c.Key()
	for _, prev := range d.decls[key] {
		d.errs.add(dc.block.Pos, dc.block.Text, "cast %s is declared twice (first at %s)", c.Key(), prev.block.Pos)
	}
	d.decls[key] = append(d.decls[key], dc)
	d.s.Casts = append(d.s.Casts, c)
}

func (d *decoder) fdw(r *reader, dc *decl) {
	w := model.ForeignDataWrapper{Name: dc.q.Name}
	w.Handler, _ = r.funcName("handler")
	w.Validator, _ = r.funcName("validator")
	w.Options = r.options("options")
	w.Owner, _ = r.str("owner")
	w.Comment, _ = r.str("comment")
	w.Grants = r.grants()
	d.s.ForeignDataWrappers = append(d.s.ForeignDataWrappers, w)
}

func (d *decoder) server(r *reader, dc *decl) {
	s := model.ForeignServer{Name: dc.q.Name}
	if a := r.attr("wrapper"); a == nil {
		d.errs.add(dc.block.Pos, dc.block.Text, "server %q needs wrapper", s.Name)
	} else if a.Value.Kind == Ref {
		if o, ok := d.objectRef(a.Value, "foreign_data_wrapper"); ok {
			s.Wrapper = o.q.Name
		}
	} else if a.Value.Kind == String {
		s.Wrapper = a.Value.Str
	} else {
		r.wrong(a, "a foreign-data wrapper")
	}
	s.Type, _ = r.str("type")
	s.Version, _ = r.str("version")
	s.Options = r.options("options")
	s.Owner, _ = r.str("owner")
	s.Comment, _ = r.str("comment")
	s.Grants = r.grants()
	d.s.Servers = append(d.s.Servers, s)
}

func (d *decoder) userMapping(r *reader, dc *decl) {
	m := model.UserMapping{}
	if a := r.attr("server"); a == nil {
		d.errs.add(dc.block.Pos, dc.block.Text, "user_mapping needs server")
	} else if a.Value.Kind == Ref {
		if o, ok := d.objectRef(a.Value, "server"); ok {
			m.Server = o.q.Name
		}
	} else if a.Value.Kind == String {
		m.Server = a.Value.Str
	} else {
		r.wrong(a, "a server")
	}
	if a := r.attr("user"); a == nil {
		d.errs.add(dc.block.Pos, dc.block.Text, "user_mapping needs user (a role, or PUBLIC)")
	} else if w, ok := word(a.Value); ok && w == "PUBLIC" {
		m.User = "public"
	} else if a.Value.Kind == String {
		m.User = a.Value.Str
	} else {
		r.wrong(a, "a role name or PUBLIC")
	}
	m.Options = r.options("options")
	key := "user_mapping " + m.Server + "\x00" + m.User
	for _, prev := range d.decls[key] {
		d.errs.add(dc.block.Pos, dc.block.Text, "user_mapping for %s on server %s is declared twice (first at %s)", m.User, m.Server, prev.block.Pos)
	}
	d.decls[key] = append(d.decls[key], dc)
	d.s.UserMappings = append(d.s.UserMappings, m)
}
