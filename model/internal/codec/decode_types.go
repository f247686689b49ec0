package codec

import (
	"slices"
	"strings"

	"github.com/retortdb/retort/model"
)

// typeKinds are the declared kinds a type reference may name.
var typeKinds = []string{"enum", "domain", "composite", "range"}

// typeValue reads a type: a word (bigint, varchar, timestamptz), a call
// with modifiers (varchar(255), numeric(10,2)), a reference to a declared
// type (enum.status), sql("…"), or a string holding PostgreSQL's text.
func (r *reader) typeValue(name string) (string, bool) {
	a := r.attr(name)
	if a == nil {
		return "", false
	}
	return r.d.typeText(a.Value)
}

func (d *decoder) typeText(v *Value) (string, bool) {
	bad := func(format string, args ...any) (string, bool) {
		d.errs.add(v.Pos, v.Text, format, args...)
		return "", false
	}
	switch v.Kind {
	case String:
		if !d.checkSQL(v, "type", oneType, v.Str, typeCheck) {
			return "", false
		}
		return canonicalType(strings.TrimSpace(v.Str)), true
	case Ref:
		if len(v.Parts) == 1 {
			w := v.Parts[0]
			if t, ok := typeWords[strings.ToLower(w)]; ok {
				return t, true
			}
			if !bareWord.MatchString(strings.ToLower(w)) {
				return bad("not a type")
			}
			return strings.ToLower(w), true
		}
		if len(v.Parts) > 3 || !slices.Contains(append(typeKinds, "table", "view", "materialized"), v.Parts[0]) {
			return bad("not a type: want a type name, enum.NAME, domain.NAME, composite.NAME, range.NAME or sql(\"…\")")
		}
		o, err := d.lookupOne([]string{v.Parts[0]}, v.Parts[1:])
		if err != nil {
			return bad("%v", err)
		}
		return qualified(o.q.Schema, o.q.Name), true
	case Call:
		if v.Str == "sql" {
			if len(v.Items) != 1 || v.Items[0].Kind != String {
				return bad("sql() takes one string that holds a type")
			}
			if !d.checkSQL(v, "sql()", oneType, v.Items[0].Str, typeCheck) {
				return "", false
			}
			return strings.TrimSpace(v.Items[0].Str), true
		}
		var args []string
		for _, it := range v.Items {
			switch {
			case it.Kind == Number:
				if _, ok := intValue(it); !ok {
					return bad("type modifier %s is not a whole number", it.Text)
				}
				args = append(args, it.Str)
			case it.Kind == Ref && len(it.Parts) == 1:
				args = append(args, it.Parts[0])
			case it.Kind == String:
				args = append(args, it.Str)
			default:
				return bad("type modifier: want a number or a word, got %s", it.Describe())
			}
		}
		if len(args) == 0 {
			return bad("type %s() has no modifiers: write it without parentheses", v.Str)
		}
		lname := strings.ToLower(v.Str)
		typ := lname + "(" + strings.Join(args, ",") + ")"
		if f, ok := typeCalls[lname]; ok {
			typ = f[0] + "(" + strings.Join(args, ",") + ")" + f[1]
		} else if !bareWord.MatchString(lname) {
			return bad("not a type")
		}
		// A string modifier is SQL text too: the whole must stay one type.
		if !d.checkSQL(v, "type", oneType, typ, typeCheck) {
			return "", false
		}
		return typ, true
	}
	return bad("want a type, got %s", v.Describe())
}

// numericTypes are the types whose negative defaults PostgreSQL prints as
// a quoted literal with a cast.
var numericTypes = map[string]bool{"smallint": true, "integer": true, "bigint": true, "numeric": true, "real": true, "double precision": true}

// defaultValue reads a default: a number, true/false, null, a string (a
// literal of the column's type) or sql("expression").
func (r *reader) defaultValue(name, typ string) (string, bool) {
	a := r.attr(name)
	if a == nil {
		return "", false
	}
	v := a.Value
	switch v.Kind {
	case Number:
		if strings.HasPrefix(v.Str, "-") && numericTypes[castType(typ)] {
			// PostgreSQL prints a negative constant as a literal with a cast.
			return literal(v.Str) + "::" + castType(typ), true
		}
		return v.Str, true
	case Bool:
		if v.Bool {
			return "true", true
		}
		return "false", true
	case Null:
		return "NULL", true
	case String:
		if typ == "" {
			return literal(v.Str), true
		}
		return literal(v.Str) + "::" + castType(typ), true
	case Call:
		if v.Str == "sql" && len(v.Items) == 1 && v.Items[0].Kind == String {
			if !r.d.checkSQL(v, name, oneExpr, v.Items[0].Str, exprCheck) {
				return "", false
			}
			return strings.TrimSpace(v.Items[0].Str), true
		}
	}
	r.d.errs.add(v.Pos, v.Text, "%s: want a number, true, false, a string or sql(\"expression\"), got %s", name, v.Describe())
	return "", false
}

func (d *decoder) namespace(r *reader, dc *decl) {
	n := model.Namespace{Name: dc.q.Name}
	var given bool
	n.Comment, given = r.str("comment")
	if !given && n.Name == DefaultSchema {
		// schema "public" {} declares the schema every database has, as
		// PostgreSQL makes it, not the absence of its comment; comment = ""
		// says that.
		n.Comment = PublicComment
	}
	n.Owner, _ = r.str("owner")
	n.Grants = r.grants()
	d.s.Namespaces = append(d.s.Namespaces, n)
}

func (d *decoder) extension(r *reader, dc *decl) {
	e := model.Extension{Name: dc.q.Name, Schema: DefaultSchema}
	if a := r.attr("schema"); a != nil {
		if s, ok := d.schemaRef(a.Value); !ok {
			r.wrong(a, "a reference to a schema (schema.NAME) or its name")
		} else {
			d.checkSchemaDeclared(a.Value, s)
			e.Schema = s
		}
	} else {
		d.implicitPublic = true
	}
	e.Version, _ = r.str("version")
	e.Comment, _ = r.str("comment")
	d.s.Extensions = append(d.s.Extensions, e)
}

var providers = map[string]string{"LIBC": "c", "ICU": "i", "DEFAULT": "d", "C": "c", "I": "i", "D": "d"}

func (d *decoder) collation(r *reader, dc *decl) {
	c := model.Collation{QName: dc.q, Provider: "c", Deterministic: true}
	if p, ok := r.keyword("provider", providers); ok {
		c.Provider = p
	}
	c.Locale, _ = r.str("locale")
	c.LcCollate, _ = r.str("lc_collate")
	c.LcCtype, _ = r.str("lc_ctype")
	if b, ok := r.boolean("deterministic"); ok {
		c.Deterministic = b
	}
	c.Owner, _ = r.str("owner")
	c.Comment, _ = r.str("comment")
	d.s.Collations = append(d.s.Collations, c)
}

func (d *decoder) enum(r *reader, dc *decl) {
	e := model.Enum{QName: dc.q}
	a := r.attr("values")
	if a == nil {
		d.errs.add(dc.block.Pos, dc.block.Text, "enum %s needs values", dc.q)
	} else if a.Value.Kind != List {
		r.wrong(a, "a list of strings")
	} else {
		seen := map[string]bool{}
		for _, it := range a.Value.Items {
			if it.Kind != String {
				d.errs.add(it.Pos, it.Text, "values: want a string, got %s", it.Describe())
				continue
			}
			if seen[it.Str] {
				d.errs.add(it.Pos, it.Text, "enum value %q appears twice", it.Str)
			}
			seen[it.Str] = true
			e.Labels = append(e.Labels, it.Str)
		}
	}
	e.Owner, _ = r.str("owner")
	e.Comment, _ = r.str("comment")
	e.Grants = r.grants()
	d.s.Enums = append(d.s.Enums, e)
}

func (d *decoder) domain(r *reader, dc *decl) {
	dm := model.Domain{QName: dc.q}
	var ok bool
	if dm.Type, ok = r.typeValue("type"); !ok && !r.has("type") {
		d.errs.add(dc.block.Pos, dc.block.Text, "domain %s needs a type", dc.q)
	}
	dm.Collation, _ = r.collation("collate")
	if n, ok := r.boolean("null"); ok {
		dm.NotNull = !n
	}
	dm.Default, _ = r.defaultValue("default", dm.Type)
	seen := map[string]bool{}
	for _, b := range r.blocks("check", true) {
		cr := d.read(b.Body)
		c := model.DomainCheck{Name: label(b)}
		if c.Name == "" {
			d.errs.add(b.Pos, b.Text, "check needs a name")
		} else if seen[c.Name] {
			d.errs.add(b.Pos, b.Text, "check %q is declared twice", c.Name)
		}
		seen[c.Name] = true
		c.NotValid, _ = cr.boolean("not_valid")
		c.Definition = cr.checkDefinition(b, c.NotValid, false, true)
		c.Comment, _ = cr.str("comment")
		cr.done("check " + c.Name)
		dm.Checks = append(dm.Checks, c)
	}
	dm.Owner, _ = r.str("owner")
	dm.Comment, _ = r.str("comment")
	dm.Grants = r.grants()
	dm.Deps = r.deps()
	d.s.Domains = append(d.s.Domains, dm)
}

// checkDefinition reads a CHECK constraint: expr (the condition) or
// definition (pg_get_constraintdef's whole text).
func (r *reader) checkDefinition(b *Block, notValid, noInherit, domain bool) string {
	hasExpr := r.has("expr")
	expr, exprOK := r.expr("expr")
	check := constraintCheck
	if domain {
		check = domainCheck
	}
	def, hasDef := r.sqlText("definition", "exactly one CHECK constraint", check)
	switch {
	case hasExpr && hasDef:
		r.d.errs.add(b.Pos, b.Text, "check: give expr or definition, not both")
	case hasDef:
		return def
	case exprOK:
		return checkText(expr, noInherit, notValid)
	case !hasExpr:
		r.d.errs.add(b.Pos, b.Text, "check needs expr")
	}
	return ""
}

// checkText is pg_get_constraintdef's text of a CHECK.
func checkText(expr string, noInherit, notValid bool) string {
	s := "CHECK (" + strings.TrimSpace(expr) + ")"
	if noInherit {
		s += " NO INHERIT"
	}
	if notValid {
		s += " NOT VALID"
	}
	return s
}

func (d *decoder) composite(r *reader, dc *decl) {
	c := model.CompositeType{QName: dc.q}
	seen := map[string]bool{}
	for _, b := range r.blocks("field", true) {
		fr := d.read(b.Body)
		f := model.Attribute{Name: label(b)}
		if seen[f.Name] {
			d.errs.add(b.Pos, b.Text, "field %q is declared twice", f.Name)
		}
		seen[f.Name] = true
		var ok bool
		if f.Type, ok = fr.typeValue("type"); !ok && !fr.has("type") {
			d.errs.add(b.Pos, b.Text, "field %q needs a type", f.Name)
		}
		f.Collation, _ = fr.collation("collate")
		f.Comment, _ = fr.str("comment")
		fr.done("field " + f.Name)
		c.Attributes = append(c.Attributes, f)
	}
	c.Owner, _ = r.str("owner")
	c.Comment, _ = r.str("comment")
	c.Grants = r.grants()
	c.Deps = r.deps()
	d.s.CompositeTypes = append(d.s.CompositeTypes, c)
}

func (d *decoder) rangeType(r *reader, dc *decl) {
	rt := model.RangeType{QName: dc.q}
	var ok bool
	if rt.Subtype, ok = r.typeValue("subtype"); !ok && !r.has("subtype") {
		d.errs.add(dc.block.Pos, dc.block.Text, "range %s needs a subtype", dc.q)
	}
	rt.SubtypeOpClass, _ = r.opClass("subtype_opclass")
	rt.Collation, _ = r.collation("collate")
	rt.Canonical, _ = r.funcName("canonical")
	rt.SubtypeDiff, _ = r.funcName("subtype_diff")
	rt.Multirange, _ = r.str("multirange")
	rt.Owner, _ = r.str("owner")
	rt.Comment, _ = r.str("comment")
	rt.Grants = r.grants()
	rt.Deps = r.deps()
	d.s.RangeTypes = append(d.s.RangeTypes, rt)
}

// sequenceOptions reads the options shared by sequences and identity
// columns, with CREATE SEQUENCE's defaults for what is not given.
func (r *reader) sequenceOptions(defType string) model.SequenceOptions {
	o := model.SequenceOptions{Type: defType, Increment: 1, Cache: 1}
	if t, ok := r.typeValue("type"); ok {
		o.Type = t
	}
	if n, ok := r.integer("increment"); ok {
		if n == 0 {
			r.d.errs.add(r.body.Pos, "", "increment must not be zero")
		} else {
			o.Increment = n
		}
	}
	o.Min, o.Max = seqDefaultMinMax(o.Type, o.Increment)
	if n, ok := r.integer("min_value"); ok {
		o.Min = n
	}
	if n, ok := r.integer("max_value"); ok {
		o.Max = n
	}
	o.Start = seqDefaultStart(o.Increment, o.Min, o.Max)
	if n, ok := r.integer("start"); ok {
		o.Start = n
	}
	if n, ok := r.integer("cache"); ok {
		o.Cache = n
	}
	o.Cycle, _ = r.boolean("cycle")
	return o
}

func (d *decoder) sequence(r *reader, dc *decl) {
	q := model.Sequence{QName: dc.q, SequenceOptions: r.sequenceOptions("bigint")}
	if a := r.attr("owned_by"); a != nil {
		q.OwnedBy = d.columnRefValue(a.Value, dc.q.Schema)
	}
	if a := r.attr("owner"); a != nil {
		// Atlas writes OWNED BY as owner = table.T.column.C.
		if a.Value.Kind == Ref {
			q.OwnedBy = d.columnRefValue(a.Value, dc.q.Schema)
		} else if a.Value.Kind == String {
			q.Owner = a.Value.Str
		} else {
			r.wrong(a, "a role name")
		}
	}
	q.Unlogged, _ = r.boolean("unlogged")
	q.Comment, _ = r.str("comment")
	q.Grants = r.grants()
	d.s.Sequences = append(d.s.Sequences, q)
}

// label returns a block's name, or "".
func label(b *Block) string {
	if len(b.Labels) == 0 {
		return ""
	}
	return b.Labels[len(b.Labels)-1]
}
