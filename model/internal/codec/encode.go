package codec

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/retortdb/retort/internal/sqltext"
	"github.com/retortdb/retort/model"
)

// Dialect says how the encoder writes references and types.
type Dialect int

const (
	// HCL writes references (column.id, enum.status), bare keywords
	// (CASCADE) and types as expressions (varchar(255), sql("text[]")).
	HCL Dialect = iota
	// YAML writes names and keywords as strings and types as
	// PostgreSQL's text; sql("…") becomes {sql: …}.
	YAML
)

type encoder struct {
	s       *model.Schema
	dialect Dialect
	// privileges writes owners, grants and default privileges.
	privileges bool
	// count counts the objects of each block kind by name, to write
	// table.users when the name is unique and table.public.users when not.
	count map[string]map[string]int
	// kindOf is the block kind of every declared type and relation.
	kindOf map[model.QName]string
	tables map[model.QName]*model.Table
	// typeText maps the text of a declared type to its kind.
	typeText map[string]model.QName
}

// Options select what [Encode] writes.
type Options struct {
	// Privileges writes owners, grants and default privileges; without it
	// they are left out, as retort inspect leaves them out of every format
	// unless --privileges.
	Privileges bool
}

// Encode turns s into a tree that [Decode] reads back to an equal schema
// (without owners and grants unless opts.Privileges). s is not changed.
func Encode(s *model.Schema, dialect Dialect, opts Options) (*Body, error) {
	if s == nil {
		return nil, fmt.Errorf("encode: nil schema")
	}
	s, err := normalizedCopy(s)
	if err != nil {
		return nil, err
	}
	e := &encoder{s: s, dialect: dialect, privileges: opts.Privileges, count: map[string]map[string]int{}, kindOf: map[model.QName]string{},
		tables: map[model.QName]*model.Table{}, typeText: map[string]model.QName{}}
	e.scan()
	body := &Body{}
	for _, n := range s.Namespaces {
		body.Blocks = append(body.Blocks, e.namespace(n))
	}
	for _, x := range s.Extensions {
		body.Blocks = append(body.Blocks, e.extension(x))
	}
	for _, c := range s.Collations {
		body.Blocks = append(body.Blocks, e.collation(c))
	}
	for _, x := range s.Enums {
		body.Blocks = append(body.Blocks, e.enum(x))
	}
	for i := range s.Domains {
		body.Blocks = append(body.Blocks, e.domain(&s.Domains[i]))
	}
	for i := range s.CompositeTypes {
		body.Blocks = append(body.Blocks, e.composite(&s.CompositeTypes[i]))
	}
	for i := range s.RangeTypes {
		body.Blocks = append(body.Blocks, e.rangeType(&s.RangeTypes[i]))
	}
	for i := range s.Sequences {
		body.Blocks = append(body.Blocks, e.sequence(&s.Sequences[i]))
	}
	for i := range s.Tables {
		body.Blocks = append(body.Blocks, e.table(&s.Tables[i]))
	}
	for i := range s.Views {
		body.Blocks = append(body.Blocks, e.view(&s.Views[i]))
	}
	for i := range s.Functions {
		body.Blocks = append(body.Blocks, e.function(&s.Functions[i]))
	}
	for i := range s.Aggregates {
		body.Blocks = append(body.Blocks, e.aggregate(&s.Aggregates[i]))
	}
	for i := range s.Triggers {
		body.Blocks = append(body.Blocks, e.trigger(&s.Triggers[i]))
	}
	for i := range s.Rules {
		body.Blocks = append(body.Blocks, e.rule(&s.Rules[i]))
	}
	for i := range s.Policies {
		body.Blocks = append(body.Blocks, e.policy(&s.Policies[i]))
	}
	for i := range s.Statistics {
		body.Blocks = append(body.Blocks, e.statistics(&s.Statistics[i]))
	}
	for i := range s.EventTriggers {
		body.Blocks = append(body.Blocks, e.eventTrigger(&s.EventTriggers[i]))
	}
	for i := range s.Casts {
		body.Blocks = append(body.Blocks, e.cast(&s.Casts[i]))
	}
	for i := range s.ForeignDataWrappers {
		body.Blocks = append(body.Blocks, e.fdw(&s.ForeignDataWrappers[i]))
	}
	for i := range s.Servers {
		body.Blocks = append(body.Blocks, e.server(&s.Servers[i]))
	}
	for i := range s.UserMappings {
		body.Blocks = append(body.Blocks, e.userMapping(&s.UserMappings[i]))
	}
	for i := range s.DefaultPrivileges {
		if !e.privileges {
			break
		}
		b, err := e.defaultPrivileges(&s.DefaultPrivileges[i])
		if err != nil {
			return nil, err
		}
		body.Blocks = append(body.Blocks, b)
	}
	return body, nil
}

// NormalizedCopy returns a deep copy of s in canonical order.
func NormalizedCopy(s *model.Schema) (*model.Schema, error) { return normalizedCopy(s) }

// normalizedCopy returns a deep copy of s in canonical order, with the
// rename hints that JSON does not carry.
func normalizedCopy(s *model.Schema) (*model.Schema, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encode: copy schema: %w", err)
	}
	var c model.Schema
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("encode: copy schema: %w", err)
	}
	for i, t := range s.Tables {
		c.Tables[i].RenamedFrom = t.RenamedFrom
		for j, col := range t.Columns {
			c.Tables[i].Columns[j].RenamedFrom = col.RenamedFrom
		}
	}
	c.Normalize()
	return &c, nil
}

func (e *encoder) scan() {
	note := func(kind string, q model.QName) {
		if e.count[kind] == nil {
			e.count[kind] = map[string]int{}
		}
		key := q.Schema + "\x00" + q.Name
		if e.count[kind][key] == 0 {
			e.count[kind][q.Name]++ // schemas that have the name
		}
		e.count[kind][key]++ // objects of the name in the schema (overloads)
		e.kindOf[q] = kind
	}
	for _, x := range e.s.Namespaces {
		note("schema", model.QName{Name: x.Name})
	}
	for _, x := range e.s.Enums {
		note("enum", x.QName)
		e.typeText[qualified(x.Schema, x.Name)] = x.QName
	}
	for _, x := range e.s.Domains {
		note("domain", x.QName)
		e.typeText[qualified(x.Schema, x.Name)] = x.QName
	}
	for _, x := range e.s.CompositeTypes {
		note("composite", x.QName)
		e.typeText[qualified(x.Schema, x.Name)] = x.QName
	}
	for _, x := range e.s.RangeTypes {
		note("range", x.QName)
		e.typeText[qualified(x.Schema, x.Name)] = x.QName
	}
	for _, x := range e.s.Sequences {
		note("sequence", x.QName)
	}
	for i, x := range e.s.Tables {
		note("table", x.QName)
		e.tables[x.QName] = &e.s.Tables[i]
	}
	for _, x := range e.s.Views {
		if x.Materialized {
			note("materialized", x.QName)
		} else {
			note("view", x.QName)
		}
	}
	for _, x := range e.s.Functions {
		if x.Kind == model.KindProcedure {
			note("procedure", x.QName)
		} else {
			note("function", x.QName)
		}
	}
	for _, x := range e.s.Aggregates {
		note("aggregate", x.QName)
	}
	for _, x := range e.s.ForeignDataWrappers {
		note("foreign_data_wrapper", model.QName{Name: x.Name})
	}
	for _, x := range e.s.Servers {
		note("server", model.QName{Name: x.Name})
	}
	for _, x := range e.s.Extensions {
		note("extension", model.QName{Name: x.Name})
	}
	for _, x := range e.s.Collations {
		note("collation", x.QName)
	}
	for _, x := range e.s.Statistics {
		note("statistics", x.QName)
	}
}

// refParts are the parts after the kind of a reference to a declared
// object: its name when that is unique among its kind, else schema and
// name; nil when even that is ambiguous (overloads).
func (e *encoder) refParts(kind string, q model.QName) []string {
	switch {
	case e.count[kind][q.Schema+"\x00"+q.Name] != 1:
		return nil
	case e.count[kind][q.Name] == 1:
		return []string{q.Name}
	}
	return []string{q.Schema, q.Name}
}

// ref is a reference to a declared object: kind.name in HCL, "name" or
// "schema.name" in YAML.
func (e *encoder) ref(kind string, q model.QName) *Value {
	parts := e.refParts(kind, q)
	switch {
	case parts != nil:
	case q.Schema == "":
		parts = []string{q.Name}
	default:
		parts = []string{q.Schema, q.Name}
	}
	if e.dialect == YAML {
		return Str(JoinName(parts...))
	}
	return RefTo(append([]string{kind}, parts...)...)
}

// labels are a top-level block's labels: its name, or schema and name
// when the name alone is ambiguous in HCL. The body gets the schema.
func (e *encoder) labels(kind string, q model.QName, body *Body) []string {
	if q.Schema != "" {
		body.set("schema", e.ref("schema", model.QName{Name: q.Schema}))
	}
	if e.dialect == HCL && e.count[kind][q.Name] > 1 {
		return []string{q.Schema, q.Name}
	}
	return []string{q.Name}
}

// kw is a keyword: bare in HCL, a string in YAML.
func (e *encoder) kw(w string) *Value {
	if e.dialect == YAML || !IsIdent(w) {
		return Str(w)
	}
	return RefTo(w)
}

// sql is an expression given as SQL text: sql("…"), or {sql: …} in YAML.
func sql(text string) *Value { return CallOf("sql", Str(text)) }

// typeValue writes a type as the decoder reads it back.
func (e *encoder) typeValue(text string) *Value {
	if e.dialect == YAML {
		return Str(text)
	}
	if q, ok := e.typeText[text]; ok {
		return e.ref(e.kindOf[q], q)
	}
	if w, ok := canonicalWords[text]; ok {
		return RefTo(w)
	}
	if bareWord.MatchString(text) {
		if t, ok := typeWords[text]; !ok || t == text {
			return RefTo(text)
		}
	}
	for _, c := range canonicalCalls {
		if m := c.re.FindStringSubmatch(text); m != nil {
			v := CallOf(c.name)
			for _, a := range m[1:] {
				v.Items = append(v.Items, Num(a))
			}
			return v
		}
	}
	return sql(text)
}

// defaultValue writes a default: a number, a boolean, a string literal of
// the column's type, or sql("…").
func (e *encoder) defaultValue(text, typ string) *Value {
	switch {
	case text == "true" || text == "false":
		return Boolean(text == "true")
	case text == "NULL":
		return &Value{Kind: Null}
	case numberText.MatchString(text):
		return Num(text)
	case strings.HasPrefix(text, "'") && typ != "":
		if val, rest, ok := sqltext.Literal(text); ok && rest == "::"+castType(typ) && literal(val)+rest == text {
			if numberText.MatchString(val) && strings.HasPrefix(val, "-") && numericTypes[castType(typ)] {
				return Num(val)
			}
			return Str(val)
		}
	}
	return sql(text)
}

// Body helpers.

func (b *Body) set(name string, v *Value) { b.Attrs = append(b.Attrs, &Attr{Name: name, Value: v}) }

func (b *Body) setStr(name, s string) {
	if s != "" {
		b.set(name, Str(s))
	}
}

func (b *Body) setTrue(name string, v bool) {
	if v {
		b.set(name, Boolean(true))
	}
}

func (b *Body) setStrs(name string, ss []string) {
	if len(ss) > 0 {
		b.set(name, Strs(ss))
	}
}

func (b *Body) add(typ string, labels []string, body *Body) {
	b.Blocks = append(b.Blocks, &Block{Type: typ, Labels: labels, Body: body})
}

func block(typ string, labels []string, body *Body) *Block {
	return &Block{Type: typ, Labels: labels, Body: body}
}

// owner writes an object's owner, when privileges are written.
func (e *encoder) owner(b *Body, role string) {
	if e.privileges {
		b.setStr("owner", role)
	}
}

// grants writes grant blocks, one per grantee and grant option, when
// privileges are written.
func (e *encoder) grants(b *Body, gs []model.Grant) {
	if !e.privileges {
		return
	}
	for i := 0; i < len(gs); {
		j := i
		var privs []*Value
		for ; j < len(gs) && gs[j].Grantee == gs[i].Grantee && gs[j].Grantable == gs[i].Grantable; j++ {
			privs = append(privs, e.kw(underscored(gs[j].Privilege)))
		}
		g := &Body{}
		if gs[i].Grantee == "" {
			g.set("to", e.kw("PUBLIC"))
		} else {
			g.set("to", Str(gs[i].Grantee))
		}
		g.set("privileges", ListOf(privs...))
		g.setTrue("grantable", gs[i].Grantable)
		b.add("grant", nil, g)
		i = j
	}
}

// defaultPrivileges writes a default_privileges block; no schema means
// every schema, so none is written for those.
func (e *encoder) defaultPrivileges(p *model.DefaultPrivileges) (*Block, error) {
	on, ok := defaultPrivilegesWord[p.ObjectType]
	if !ok {
		return nil, fmt.Errorf("encode: default privileges of role %s: unknown object type %q", p.Role, p.ObjectType)
	}
	b := &Body{}
	b.set("role", Str(p.Role))
	if p.Schema != "" {
		b.set("schema", e.ref("schema", model.QName{Name: p.Schema}))
	}
	b.set("on", e.kw(on))
	e.grants(b, p.Grants)
	return block("default_privileges", nil, b), nil
}

func underscored(s string) string {
	out := []byte(s)
	for i := range out {
		if out[i] == ' ' {
			out[i] = '_'
		}
	}
	return string(out)
}

// derivable are the kinds of dependency of columns, keys and indexes that
// the renderer finds itself (from types, collations, defaults and
// referenced tables) or that are created before any table (schemas,
// extensions, collations); depends_on leaves them out there.
var derivable = map[model.ObjectKind]bool{
	model.KindType: true, model.KindSequence: true, model.KindTable: true, model.KindConstraint: true, model.KindIndex: true,
	model.KindCollation: true, model.KindExtension: true, model.KindSchema: true,
}

// deps writes depends_on; partOfTable leaves out what is derivable.
func (e *encoder) deps(b *Body, deps []model.ObjectRef, partOfTable bool) {
	var items []*Value
	for _, d := range deps {
		if partOfTable && derivable[d.Kind] {
			continue
		}
		items = append(items, e.dep(d))
	}
	if len(items) > 0 {
		b.set("depends_on", ListOf(items...))
	}
}

func (e *encoder) dep(d model.ObjectRef) *Value {
	if e.dialect == HCL {
		if v := e.depRef(d); v != nil {
			return v
		}
	}
	if s, ok := FormatDep(d); ok {
		return Str(s)
	}
	v := &Value{Kind: Object}
	add := func(name, val string) {
		if val != "" {
			v.Fields = append(v.Fields, &Attr{Name: name, Value: Str(val)})
		}
	}
	add("kind", string(d.Kind))
	add("schema", d.Schema)
	add("table", d.Table)
	add("name", d.Name)
	add("args", d.Args)
	return v
}

// depRef writes a dependency as a reference when one reads back to exactly
// it.
func (e *encoder) depRef(d model.ObjectRef) *Value {
	q := model.QName{Schema: d.Schema, Name: d.Name}
	var kind string
	switch d.Kind {
	case model.KindSchema, model.KindExtension, model.KindServer, model.KindForeignDataWrapper:
		if d.Schema != "" || d.Table != "" || d.Args != "" {
			return nil
		}
		kind = map[model.ObjectKind]string{model.KindSchema: "schema", model.KindExtension: "extension",
			model.KindServer: "server", model.KindForeignDataWrapper: "foreign_data_wrapper"}[d.Kind]
	case model.KindType:
		kind = e.kindOf[q]
		if kind != "enum" && kind != "domain" && kind != "composite" && kind != "range" {
			return nil
		}
	case model.KindTable, model.KindView, model.KindMaterializedView, model.KindSequence, model.KindCollation:
		kind = map[model.ObjectKind]string{model.KindTable: "table", model.KindView: "view",
			model.KindMaterializedView: "materialized", model.KindSequence: "sequence", model.KindCollation: "collation"}[d.Kind]
		if e.kindOf[q] != kind {
			return nil
		}
	case model.KindFunction:
		kind = e.kindOf[q]
		if kind != "function" && kind != "procedure" || !e.onlyRoutine(q, d.Args) {
			return nil
		}
	case model.KindAggregate:
		kind = "aggregate"
		if e.kindOf[q] != kind || !e.onlyRoutine(q, d.Args) {
			return nil
		}
	default:
		return nil
	}
	if d.Table != "" || (d.Args != "" && d.Kind != model.KindFunction && d.Kind != model.KindAggregate) {
		return nil
	}
	if _, ok := e.count[kind][q.Name]; !ok {
		return nil
	}
	parts := e.refParts(kind, q)
	if parts == nil {
		return nil
	}
	return RefTo(append([]string{kind}, parts...)...)
}

// onlyRoutine reports whether q names one function or aggregate, with
// these identity arguments.
func (e *encoder) onlyRoutine(q model.QName, args string) bool {
	n := 0
	ok := false
	for _, f := range e.s.Functions {
		if f.QName == q {
			n++
			ok = f.IdentityArgs == args
		}
	}
	for _, a := range e.s.Aggregates {
		if a.QName == q {
			n++
			ok = a.IdentityArgs == args
		}
	}
	return n == 1 && ok
}
