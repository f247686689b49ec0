package codec

import (
	"errors"
	"fmt"
	"slices"

	"github.com/retortdb/retort/model"
)

// topKinds are the block types of a file, in the order they are decoded
// and written.
var topKinds = []string{
	"schema", "extension", "collation", "enum", "domain", "composite", "range", "sequence",
	"table", "view", "materialized", "function", "procedure", "aggregate", "trigger", "rule",
	"policy", "statistics", "event_trigger", "cast", "foreign_data_wrapper", "server", "user_mapping",
	"default_privileges",
}

// qualifiedKinds live in a schema: a second label or a schema attribute
// names it.
var qualifiedKinds = map[string]bool{
	"collation": true, "enum": true, "domain": true, "composite": true, "range": true, "sequence": true,
	"table": true, "view": true, "materialized": true, "function": true, "procedure": true, "aggregate": true,
	"statistics": true,
}

// unlabeledKinds take no name.
var unlabeledKinds = map[string]bool{"cast": true, "user_mapping": true, "default_privileges": true}

// labelHints say, for an unlabeled kind given a label anyway, where what
// the label meant goes (%q is the label).
var labelHints = map[string]string{"default_privileges": "give the role as role = %q"}

// relationKinds share PostgreSQL's name space of relations and types
// (pg_class and pg_type) in a schema.
var relationKinds = map[string]bool{
	"enum": true, "domain": true, "composite": true, "range": true, "sequence": true,
	"table": true, "view": true, "materialized": true,
}

// DefaultSchema is the schema of an object that names none.
const DefaultSchema = "public"

// PublicComment is the comment PostgreSQL gives schema public in every
// database it creates; a declared public schema that says nothing of its
// comment has this one.
const PublicComment = "standard public schema"

// decl is one top-level object, known before any is decoded so that
// references can be resolved in any order.
type decl struct {
	kind  string
	q     model.QName
	block *Block
}

type decoder struct {
	errs  errList
	decls map[string][]*decl // by kind
	s     *model.Schema
	// tables are the decoded tables by name, for the checks that run once
	// every table is known.
	tables map[model.QName]*tableState
	// later are checks that need every object decoded.
	later []func()
	// implicitPublic is set when an object falls in schema public without
	// naming it.
	implicitPublic bool
}

// Decode turns the bodies of one or more files into a normalized schema.
// Every problem found is reported, each with its position, joined into one
// error.
func Decode(files []*Body) (*model.Schema, error) {
	d := &decoder{decls: map[string][]*decl{}, s: &model.Schema{}, tables: map[model.QName]*tableState{}}
	var blocks []*Block
	for _, f := range files {
		r := d.read(f)
		for _, k := range topKinds {
			blocks = append(blocks, r.blocks(k, !unlabeledKinds[k])...)
		}
		r.done("a schema file")
	}
	for _, b := range blocks {
		d.declare(b)
	}
	for _, k := range topKinds {
		for _, dc := range d.decls[k] {
			d.decodeTop(dc)
		}
	}
	for _, b := range blocks {
		if unlabeledKinds[b.Type] {
			d.decodeTop(&decl{kind: b.Type, block: b})
		}
	}
	d.finishTables()
	for _, f := range d.later {
		f()
	}
	if d.implicitPublic && len(d.decls["schema"]) == 0 {
		d.s.Namespaces = append(d.s.Namespaces, model.Namespace{Name: DefaultSchema, Comment: PublicComment})
	}
	if err := d.errs.err(); err != nil {
		return nil, err
	}
	d.s.Normalize()
	return d.s, nil
}

// DecodeFiles reads several files as one schema, as a directory of them is
// read: a reference in one file may name an object of another. parse is
// the format's reader. Every file is read and parsed before any is
// decoded, so that the syntax errors of all of them are reported at once.
func DecodeFiles(paths []string, parse func(filename string, src []byte) (*Body, error)) (*model.Schema, error) {
	var bodies []*Body
	var errs []error
	for _, p := range paths {
		src, err := ReadFile(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		body, err := parse(p, src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		bodies = append(bodies, body)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return Decode(bodies)
}

// declare registers a top-level block under its name and reports a second
// object of the same name.
func (d *decoder) declare(b *Block) {
	if unlabeledKinds[b.Type] {
		switch hint := labelHints[b.Type]; {
		case len(b.Labels) > 0 && hint != "":
			d.errs.add(b.Pos, b.Text, "%s takes no name: "+hint, b.Type, b.Labels[0])
		case len(b.Labels) > 0:
			d.errs.add(b.Pos, b.Text, "%s takes no name", b.Type)
		}
		return
	}
	q, ok := d.blockName(b)
	if !ok {
		return
	}
	dc := &decl{kind: b.Type, q: q, block: b}
	if prev := d.sameName(dc); prev != nil {
		d.errs.add(b.Pos, b.Text, "%s %s is declared twice (first at %s)", b.Type, q, prev.block.Pos)
		return
	}
	d.decls[b.Type] = append(d.decls[b.Type], dc)
}

// sameName finds an object already declared that dc would clash with.
// Routines are told apart by their arguments, and triggers, rules and
// policies by their table, once decoded.
func (d *decoder) sameName(dc *decl) *decl {
	switch {
	case dc.kind == "function" || dc.kind == "procedure" || dc.kind == "aggregate",
		dc.kind == "trigger" || dc.kind == "rule" || dc.kind == "policy":
		// Told apart by their arguments, or by their table, once decoded.
		return nil
	case relationKinds[dc.kind]:
		for k := range relationKinds {
			for _, o := range d.decls[k] {
				if o.q == dc.q {
					return o
				}
			}
		}
		return nil
	}
	for _, o := range d.decls[dc.kind] {
		if o.q == dc.q {
			return o
		}
	}
	return nil
}

// blockName is a top-level block's name: its label, and for objects in a
// schema the schema of its first label (when it has two) or of its schema
// attribute.
func (d *decoder) blockName(b *Block) (model.QName, bool) {
	var q model.QName
	switch {
	case len(b.Labels) == 1:
		q.Name = b.Labels[0]
	case len(b.Labels) == 2 && qualifiedKinds[b.Type]:
		q.Schema, q.Name = b.Labels[0], b.Labels[1]
	case len(b.Labels) == 0:
		d.errs.add(b.Pos, b.Text, "%s needs a name", b.Type)
		return q, false
	default:
		d.errs.add(b.Pos, b.Text, "%s takes one name, not %d labels", b.Type, len(b.Labels))
		return q, false
	}
	if q.Name == "" {
		d.errs.add(b.Pos, b.Text, "%s has an empty name", b.Type)
		return q, false
	}
	if !qualifiedKinds[b.Type] {
		return q, true
	}
	for _, a := range b.Body.Attrs {
		if a.Name != "schema" {
			continue
		}
		s, ok := d.schemaRef(a.Value)
		switch {
		case !ok:
			d.errs.add(a.Value.Pos, a.Value.Text, "schema: want a reference to a schema (schema.NAME) or its name")
		case q.Schema != "" && q.Schema != s:
			d.errs.add(a.Value.Pos, a.Value.Text, "schema %q does not match the block's qualifier %q", s, q.Schema)
		default:
			q.Schema = s
		}
		break
	}
	if q.Schema == "" {
		q.Schema = DefaultSchema
		d.implicitPublic = true
	}
	return q, true
}

// schemaRef reads schema.NAME or "NAME".
func (d *decoder) schemaRef(v *Value) (string, bool) {
	switch {
	case v.Kind == Ref && len(v.Parts) == 2 && v.Parts[0] == "schema":
		return v.Parts[1], true
	case v.Kind == String:
		if parts, ok := SplitName(v.Str); ok && len(parts) == 1 {
			return parts[0], true
		}
	}
	return "", false
}

// decodeTop decodes one top-level object into d.s.
func (d *decoder) decodeTop(dc *decl) {
	r := d.read(dc.block.Body)
	if qualifiedKinds[dc.kind] {
		if a := r.attr("schema"); a != nil {
			d.checkSchemaDeclared(a.Value, dc.q.Schema)
		} else if len(dc.block.Labels) == 2 {
			// A qualifier label (table "app" "users") names a schema as
			// the attribute does, and needs it declared as much.
			d.checkSchemaDeclared(&Value{Pos: dc.block.Pos, Text: dc.block.Text}, dc.q.Schema)
		}
	}
	what := dc.kind + " " + dc.q.String()
	switch dc.kind {
	case "schema":
		d.namespace(r, dc)
	case "extension":
		d.extension(r, dc)
	case "collation":
		d.collation(r, dc)
	case "enum":
		d.enum(r, dc)
	case "domain":
		d.domain(r, dc)
	case "composite":
		d.composite(r, dc)
	case "range":
		d.rangeType(r, dc)
	case "sequence":
		d.sequence(r, dc)
	case "table":
		d.table(r, dc)
	case "view", "materialized":
		d.view(r, dc)
	case "function", "procedure":
		d.function(r, dc)
	case "aggregate":
		d.aggregate(r, dc)
	case "trigger":
		d.trigger(r, dc)
	case "rule":
		d.rule(r, dc)
	case "policy":
		d.policy(r, dc)
	case "statistics":
		d.statistics(r, dc)
	case "event_trigger":
		d.eventTrigger(r, dc)
	case "cast":
		what = "cast"
		d.cast(r, dc)
	case "foreign_data_wrapper":
		d.fdw(r, dc)
	case "server":
		d.server(r, dc)
	case "user_mapping":
		what = "user_mapping"
		d.userMapping(r, dc)
	case "default_privileges":
		what = "default_privileges"
		d.defaultPrivileges(r, dc)
	}
	r.done(what)
}

// checkSchemaDeclared reports a schema attribute that names a schema no
// block declares. Schema public, which every database has, may go
// undeclared.
func (d *decoder) checkSchemaDeclared(v *Value, schema string) {
	if schema == DefaultSchema {
		d.implicitPublic = true
		return
	}
	if !slices.ContainsFunc(d.decls["schema"], func(o *decl) bool { return o.q.Name == schema }) {
		d.errs.add(v.Pos, v.Text, "unknown schema %q", schema)
	}
}

// lookup finds the declared objects of the given kinds named by parts: a
// name, or a schema and a name. A lone name must be unique among them.
func (d *decoder) lookup(kinds []string, parts []string) ([]*decl, error) {
	var found []*decl
	for _, k := range kinds {
		for _, o := range d.decls[k] {
			switch len(parts) {
			case 1:
				if o.q.Name == parts[0] {
					found = append(found, o)
				}
			case 2:
				if o.q.Schema == parts[0] && o.q.Name == parts[1] {
					found = append(found, o)
				}
			}
		}
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("unknown %s %s", kinds[0], JoinName(parts...))
	}
	return found, nil
}

// lookupOne is lookup for kinds where a name denotes one object.
func (d *decoder) lookupOne(kinds []string, parts []string) (*decl, error) {
	found, err := d.lookup(kinds, parts)
	if err != nil {
		return nil, err
	}
	if len(found) > 1 {
		return nil, fmt.Errorf("%s %s is ambiguous: qualify it with its schema (%s.%s.NAME)", kinds[0], parts[0], kinds[0], found[0].q.Schema)
	}
	return found[0], nil
}

// objectRef resolves a reference to an object of one of kinds, written as
// KIND.NAME or KIND.SCHEMA.NAME, or as a string "NAME" or "SCHEMA.NAME".
func (d *decoder) objectRef(v *Value, kinds ...string) (*decl, bool) {
	var parts []string
	switch v.Kind {
	case Ref:
		if len(v.Parts) < 2 || len(v.Parts) > 3 || !slices.Contains(kinds, v.Parts[0]) {
			d.errs.add(v.Pos, v.Text, "want a reference to a %s (%s.NAME)", kinds[0], kinds[0])
			return nil, false
		}
		kinds = []string{v.Parts[0]}
		parts = v.Parts[1:]
	case String:
		var ok bool
		parts, ok = SplitName(v.Str)
		if !ok || len(parts) > 2 {
			d.errs.add(v.Pos, v.Text, "want the name of a %s (NAME or SCHEMA.NAME)", kinds[0])
			return nil, false
		}
	default:
		d.errs.add(v.Pos, v.Text, "want a reference to a %s, got %s", kinds[0], v.Describe())
		return nil, false
	}
	o, err := d.lookupOne(kinds, parts)
	if err != nil {
		d.errs.add(v.Pos, v.Text, "%v", err)
		return nil, false
	}
	return o, true
}
