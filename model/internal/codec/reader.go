package codec

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// plurals are the keys under which a format without blocks (YAML) lists
// the blocks of a type. The singular is accepted too.
var plurals = map[string]string{
	"schema": "schemas", "extension": "extensions", "collation": "collations", "enum": "enums",
	"domain": "domains", "composite": "composites", "range": "ranges", "sequence": "sequences",
	"table": "tables", "view": "views", "materialized": "materialized_views", "function": "functions",
	"procedure": "procedures", "aggregate": "aggregates", "trigger": "triggers", "rule": "rules",
	"policy": "policies", "statistics": "statistics", "event_trigger": "event_triggers", "cast": "casts",
	"foreign_data_wrapper": "foreign_data_wrappers", "server": "servers", "user_mapping": "user_mappings",
	"column": "columns", "index": "indexes", "foreign_key": "foreign_keys", "check": "checks",
	"unique": "uniques", "exclude": "excludes", "field": "fields", "grant": "grants", "arg": "args",
}

// Plural returns the key under which YAML lists blocks of type typ.
func Plural(typ string) string {
	if p, ok := plurals[typ]; ok {
		return p
	}
	return typ
}

// repeated are the unlabeled block types that may appear more than once;
// YAML writes them as a list.
var repeated = map[string]bool{"grant": true, "on": true, "by": true, "cast": true, "user_mapping": true, "default_privileges": true}

// Repeated reports whether unlabeled blocks of type typ may appear more than
// once in a body.
func Repeated(typ string) bool { return repeated[typ] }

// reader reads one body, remembering what it used, so that whatever is left
// is reported as unknown.
type reader struct {
	d    *decoder
	body *Body
	used map[any]bool
}

func (d *decoder) read(b *Body) *reader {
	if b == nil {
		b = &Body{}
	}
	return &reader{d: d, body: b, used: map[any]bool{}}
}

// attr returns the attribute called name, or nil.
func (r *reader) attr(name string) *Attr {
	var found *Attr
	for _, a := range r.body.Attrs {
		if a.Name != name || r.used[a] {
			continue
		}
		r.used[a] = true
		if found != nil {
			r.d.errs.add(a.Pos, a.Text, "attribute %q is set more than once", name)
			continue
		}
		found = a
	}
	return found
}

// peek returns the value of the attribute called name without using it,
// or nil.
func (r *reader) peek(name string) *Value {
	for _, a := range r.body.Attrs {
		if a.Name == name && !r.used[a] {
			return a.Value
		}
	}
	return nil
}

// has reports whether an attribute called name is present, without using it.
func (r *reader) has(name string) bool {
	for _, a := range r.body.Attrs {
		if a.Name == name {
			return true
		}
	}
	return false
}

// blocks returns the blocks of type typ: real blocks, and attributes named
// typ or its plural whose value is an object or a list of objects (YAML).
// labeled says whether the type takes a name.
func (r *reader) blocks(typ string, labeled bool) []*Block {
	var out []*Block
	for _, b := range r.body.Blocks {
		if b.Type == typ {
			r.used[b] = true
			out = append(out, b)
		}
	}
	plural := Plural(typ)
	for _, a := range r.body.Attrs {
		if (a.Name != typ && a.Name != plural) || r.used[a] {
			continue
		}
		if bs, ok := r.d.attrBlocks(a, typ, labeled); ok {
			r.used[a] = true
			out = append(out, bs...)
		}
	}
	if len(out) > 1 {
		// Blocks given both ways keep source order.
		slices.SortStableFunc(out, func(a, b *Block) int { return comparePos(a.Pos, b.Pos) })
	}
	return out
}

// block returns the one block of type typ, or nil; a second one is an error.
func (r *reader) block(typ string) *Block {
	bs := r.blocks(typ, false)
	for _, b := range bs[min(len(bs), 1):] {
		r.d.errs.add(b.Pos, b.Text, "block %q appears more than once", typ)
	}
	if len(bs) == 0 {
		return nil
	}
	return bs[0]
}

// comparePos orders positions by file, line and column.
func comparePos(a, b Pos) int {
	return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
}

// attrBlocks turns an attribute holding objects into blocks. A labeled
// type is a list of objects with a "name", or an object of objects keyed by
// name.
func (d *decoder) attrBlocks(a *Attr, typ string, labeled bool) ([]*Block, bool) {
	v := a.Value
	switch v.Kind {
	case Object:
		if !labeled {
			return []*Block{d.objectBlock(typ, v, a.Pos, a.Text)}, true
		}
		var out []*Block
		for _, f := range v.Fields {
			switch f.Value.Kind {
			case Object:
				out = append(out, objectBlock(typ, []string{f.Name}, f.Value, f.Pos, f.Text))
			case Null:
				out = append(out, &Block{Type: typ, Labels: []string{f.Name}, Pos: f.Pos, Text: f.Text, Body: &Body{Pos: f.Pos}})
			default:
				d.errs.add(f.Value.Pos, f.Value.Text, "%s %q: want an object, got %s", typ, f.Name, f.Value.Describe())
			}
		}
		return out, true
	case List:
		if len(v.Items) == 0 {
			return nil, true
		}
		if v.Items[0].Kind != Object {
			return nil, false
		}
		var out []*Block
		for _, it := range v.Items {
			if it.Kind != Object {
				d.errs.add(it.Pos, it.Text, "%s: want an object, got %s", typ, it.Describe())
				continue
			}
			if !labeled {
				out = append(out, d.objectBlock(typ, it, it.Pos, it.Text))
				continue
			}
			var name *Attr
			body := &Body{Pos: it.Pos}
			for _, f := range it.Fields {
				if f.Name == "name" && name == nil {
					name = f
					continue
				}
				body.Attrs = append(body.Attrs, f)
			}
			if name == nil || name.Value.Kind != String {
				d.errs.add(it.Pos, it.Text, "%s: want a name (a string)", typ)
				continue
			}
			out = append(out, &Block{Type: typ, Labels: []string{name.Value.Str}, Pos: name.Value.Pos, Text: name.Value.Text, Body: body})
		}
		return out, true
	}
	return nil, false
}

func objectBlock(typ string, labels []string, v *Value, pos Pos, text string) *Block {
	return &Block{Type: typ, Labels: labels, Pos: pos, Text: text, Body: &Body{Pos: v.Pos, Attrs: v.Fields}}
}

// OptionalLabel are the block types whose name may be left out; YAML
// gives it as a name entry of the block's map.
var OptionalLabel = map[string]bool{"primary_key": true, "arg": true}

// objectBlock makes an unlabeled block of an object, taking a name entry
// as the label of a type whose name is optional.
func (d *decoder) objectBlock(typ string, v *Value, pos Pos, text string) *Block {
	if !OptionalLabel[typ] {
		return objectBlock(typ, nil, v, pos, text)
	}
	b := &Block{Type: typ, Pos: pos, Text: text, Body: &Body{Pos: v.Pos}}
	for _, f := range v.Fields {
		if f.Name == "name" && b.Labels == nil {
			if f.Value.Kind != String || f.Value.Str == "" {
				d.errs.add(f.Value.Pos, f.Value.Text, "%s: name: want a string", typ)
			}
			b.Labels = []string{f.Value.Str}
			continue
		}
		b.Body.Attrs = append(b.Body.Attrs, f)
	}
	return b
}

// done reports every attribute and block that was not used.
func (r *reader) done(what string) {
	for _, a := range r.body.Attrs {
		if !r.used[a] {
			r.d.errs.add(a.Pos, a.Text, "unknown attribute %q in %s", a.Name, what)
		}
	}
	for _, b := range r.body.Blocks {
		if !r.used[b] {
			r.d.errs.add(b.Pos, b.Text, "unknown block %q in %s", b.Type, what)
		}
	}
}

// Value conversions. Each reports a wrong kind of value and returns ok
// false; an absent attribute (nil) returns the zero value and ok false
// without an error.

func (r *reader) wrong(a *Attr, want string) {
	r.d.errs.add(a.Value.Pos, a.Value.Text, "%s: want %s, got %s", a.Name, want, a.Value.Describe())
}

// str reads a string attribute.
func (r *reader) str(name string) (string, bool) {
	a := r.attr(name)
	if a == nil {
		return "", false
	}
	if a.Value.Kind != String {
		r.wrong(a, "a string")
		return "", false
	}
	return a.Value.Str, true
}

// expr reads an attribute holding an SQL expression.
func (r *reader) expr(name string) (string, bool) {
	a := r.attr(name)
	if a == nil {
		return "", false
	}
	if a.Value.Kind != String {
		r.wrong(a, "an SQL expression (a string)")
		return "", false
	}
	if !r.d.checkSQL(a.Value, name, oneExpr, a.Value.Str, exprCheck) {
		return "", false
	}
	return strings.TrimSpace(a.Value.Str), true
}

// boolean reads a boolean attribute.
func (r *reader) boolean(name string) (bool, bool) {
	a := r.attr(name)
	if a == nil {
		return false, false
	}
	if a.Value.Kind != Bool {
		r.wrong(a, "true or false")
		return false, false
	}
	return a.Value.Bool, true
}

// integer reads a whole-number attribute.
func (r *reader) integer(name string) (int64, bool) {
	a := r.attr(name)
	if a == nil {
		return 0, false
	}
	n, ok := intValue(a.Value)
	if !ok {
		r.wrong(a, "a whole number")
	}
	return n, ok
}

func intValue(v *Value) (int64, bool) {
	if v.Kind != Number {
		return 0, false
	}
	n, err := strconv.ParseInt(v.Str, 10, 64)
	if err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(v.Str, 64)
	if err != nil || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}

// word returns a keyword written bare (CASCADE) or as a string ("cascade"),
// upper-cased, with spaces as underscores.
func word(v *Value) (string, bool) {
	var s string
	switch {
	case v.Kind == Ref && len(v.Parts) == 1:
		s = v.Parts[0]
	case v.Kind == String:
		s = v.Str
	default:
		return "", false
	}
	return strings.ToUpper(strings.Join(strings.Fields(s), "_")), true
}

// keyword reads a keyword attribute and maps it through choices (keyword →
// model code).
func (r *reader) keyword(name string, choices map[string]string) (string, bool) {
	a := r.attr(name)
	if a == nil {
		return "", false
	}
	return r.keywordValue(a, a.Value, choices)
}

func (r *reader) keywordValue(a *Attr, v *Value, choices map[string]string) (string, bool) {
	w, ok := word(v)
	if code, known := choices[w]; ok && known {
		return code, true
	}
	var names []string
	for k := range choices {
		names = append(names, k)
	}
	slices.Sort(names)
	r.d.errs.add(v.Pos, v.Text, "%s: want one of %s", a.Name, strings.Join(names, ", "))
	return "", false
}

// strs reads a list of strings; a single string is taken as a list of one.
func (r *reader) strs(name string) ([]string, bool) {
	a := r.attr(name)
	if a == nil {
		return nil, false
	}
	if a.Value.Kind == String {
		return []string{a.Value.Str}, true
	}
	if a.Value.Kind != List {
		r.wrong(a, "a list of strings")
		return nil, false
	}
	out := make([]string, 0, len(a.Value.Items))
	for _, it := range a.Value.Items {
		if it.Kind != String {
			r.d.errs.add(it.Pos, it.Text, "%s: want a string, got %s", name, it.Describe())
			return nil, false
		}
		out = append(out, it.Str)
	}
	return out, true
}

// items returns the values of a list attribute; a single value is taken as
// a list of one.
func (r *reader) items(name string) (*Attr, []*Value) {
	a := r.attr(name)
	if a == nil {
		return nil, nil
	}
	if a.Value.Kind == List {
		return a, a.Value.Items
	}
	return a, []*Value{a.Value}
}
