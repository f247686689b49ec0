package codec

import (
	"slices"
	"strings"

	"github.com/retortdb/retort/model"
)

// grants reads the grant blocks of a body:
//
//	grant { to = "app", privileges = [SELECT, INSERT], grantable = false }
//
// to = PUBLIC (or "public") grants to everyone.
func (r *reader) grants() []model.Grant { return r.grantsOf(nil, "") }

// grantsOf reads grant blocks whose privileges must be among allowed
// (any when allowed is nil), which is what objects of the kind named by
// what can be granted.
func (r *reader) grantsOf(allowed []string, what string) []model.Grant {
	var out []model.Grant
	for _, b := range r.blocks("grant", false) {
		gr := r.d.read(b.Body)
		var grantee string
		if a := gr.attr("to"); a == nil {
			r.d.errs.add(b.Pos, b.Text, "grant needs to (a role, or PUBLIC)")
		} else if w, ok := word(a.Value); ok && w == "PUBLIC" {
			grantee = ""
		} else if a.Value.Kind == String && a.Value.Str != "" {
			grantee = a.Value.Str
		} else {
			gr.wrong(a, "a role name or PUBLIC")
		}
		grantable, _ := gr.boolean("grantable")
		a, items := gr.items("privileges")
		if a == nil {
			r.d.errs.add(b.Pos, b.Text, "grant needs privileges")
		}
		for _, it := range items {
			w, ok := word(it)
			if !ok || w == "" {
				r.d.errs.add(it.Pos, it.Text, "privileges: want a privilege such as SELECT, got %s", it.Describe())
				continue
			}
			priv := strings.ReplaceAll(w, "_", " ")
			if allowed != nil && !slices.Contains(allowed, priv) {
				r.d.errs.add(it.Pos, it.Text, "privileges: %s cannot be granted on %s (only %s)", priv, what, strings.Join(allowed, ", "))
				continue
			}
			out = append(out, model.Grant{Grantee: grantee, Privilege: priv, Grantable: grantable})
		}
		gr.done("grant")
	}
	return out
}

// refKinds maps the block types that a depends_on reference may name to
// the kinds of the model.
var refKinds = map[string]model.ObjectKind{
	"schema": model.KindSchema, "extension": model.KindExtension, "collation": model.KindCollation,
	"enum": model.KindType, "domain": model.KindType, "composite": model.KindType, "range": model.KindType,
	"sequence": model.KindSequence, "table": model.KindTable, "view": model.KindView,
	"materialized": model.KindMaterializedView, "function": model.KindFunction, "procedure": model.KindFunction,
	"aggregate": model.KindAggregate, "event_trigger": model.KindEventTrigger,
	"foreign_data_wrapper": model.KindForeignDataWrapper, "server": model.KindServer,
}

// deps reads depends_on: references to declared objects (table.users,
// function.f), strings such as "function public.f(integer)", or objects
// {kind, schema, name, args, table}.
func (r *reader) deps() []model.ObjectRef {
	_, items := r.items("depends_on")
	var out []model.ObjectRef
	for _, it := range items {
		out = append(out, r.d.dep(it)...)
	}
	return out
}

func (d *decoder) dep(v *Value) []model.ObjectRef {
	switch v.Kind {
	case Ref:
		kind, ok := refKinds[v.Parts[0]]
		if !ok || len(v.Parts) < 2 || len(v.Parts) > 3 {
			d.errs.add(v.Pos, v.Text, "depends_on: not a reference to an object")
			return nil
		}
		found, err := d.lookup([]string{v.Parts[0]}, v.Parts[1:])
		if err != nil {
			d.errs.add(v.Pos, v.Text, "depends_on: %v", err)
			return nil
		}
		if kind != model.KindFunction && kind != model.KindAggregate && len(found) > 1 {
			d.errs.add(v.Pos, v.Text, "depends_on: %s %s is ambiguous: qualify it with its schema", v.Parts[0], v.Parts[1])
			return nil
		}
		var out []model.ObjectRef
		for _, o := range found {
			out = append(out, declRef(kind, o))
		}
		return out
	case String:
		ref, ok := ParseDep(v.Str)
		if !ok {
			d.errs.add(v.Pos, v.Text, "depends_on: want KIND NAME, such as \"table public.users\" or \"function public.f(integer)\"")
			return nil
		}
		return []model.ObjectRef{ref}
	case Object:
		var ref model.ObjectRef
		for _, f := range v.Fields {
			if f.Value.Kind != String {
				d.errs.add(f.Value.Pos, f.Value.Text, "depends_on: %s: want a string", f.Name)
				continue
			}
			switch f.Name {
			case "kind":
				ref.Kind = model.ObjectKind(strings.ReplaceAll(f.Value.Str, "_", " "))
			case "schema":
				ref.Schema = f.Value.Str
			case "name":
				ref.Name = f.Value.Str
			case "args":
				ref.Args = f.Value.Str
			case "table":
				ref.Table = f.Value.Str
			default:
				d.errs.add(f.Pos, f.Text, "depends_on: unknown field %q", f.Name)
			}
		}
		if !slices.Contains(allKinds, ref.Kind) || ref.Name == "" {
			d.errs.add(v.Pos, v.Text, "depends_on: want an object with a known kind and a name")
			return nil
		}
		return []model.ObjectRef{ref}
	}
	d.errs.add(v.Pos, v.Text, "depends_on: want a reference, got %s", v.Describe())
	return nil
}

// declRef is the reference to a declared object; routines carry the
// arguments their block declares.
func declRef(kind model.ObjectKind, o *decl) model.ObjectRef {
	ref := model.ObjectRef{Kind: kind, Schema: o.q.Schema, Name: o.q.Name}
	if kind == model.KindFunction || kind == model.KindAggregate {
		ref.Args = declArgs(o)
	}
	return ref
}

// declArgs peeks at a routine block's identity_args, or args.
func declArgs(o *decl) string {
	var args string
	for _, a := range o.block.Body.Attrs {
		if a.Value.Kind != String {
			continue
		}
		switch a.Name {
		case "identity_args":
			return a.Value.Str
		case "args":
			args = a.Value.Str
		}
	}
	return args
}

var allKinds = []model.ObjectKind{
	model.KindSchema, model.KindExtension, model.KindType, model.KindCollation, model.KindSequence,
	model.KindTable, model.KindView, model.KindMaterializedView, model.KindIndex, model.KindConstraint,
	model.KindFunction, model.KindAggregate, model.KindTrigger, model.KindEventTrigger, model.KindRule,
	model.KindPolicy, model.KindForeignDataWrapper, model.KindServer, model.KindUserMapping, model.KindCast,
}

// depArity is how many name parts the string form of a reference of each
// kind has; 0 means it has no string form.
func depArity(k model.ObjectKind) int {
	switch k {
	case model.KindSchema, model.KindExtension, model.KindEventTrigger, model.KindForeignDataWrapper, model.KindServer:
		return 1
	case model.KindType, model.KindCollation, model.KindSequence, model.KindTable, model.KindView,
		model.KindMaterializedView, model.KindFunction, model.KindAggregate:
		return 2
	case model.KindConstraint, model.KindTrigger, model.KindRule, model.KindPolicy, model.KindIndex:
		return 3
	}
	return 0
}

// ParseDep reads the string form of a reference: KIND NAME, with NAME
// dotted as the kind needs (schema.name, schema.table.name) and routines
// followed by their identity arguments in parentheses.
func ParseDep(s string) (model.ObjectRef, bool) {
	var ref model.ObjectRef
	for _, k := range allKinds {
		for _, w := range []string{string(k), strings.ReplaceAll(string(k), " ", "_")} {
			if strings.HasPrefix(s, w+" ") && len(w) > len(ref.Kind) {
				ref.Kind = k
			}
		}
	}
	n := depArity(ref.Kind)
	if n == 0 {
		return ref, false
	}
	rest := strings.TrimSpace(s[len(ref.Kind)+1:])
	if ref.Kind == model.KindFunction || ref.Kind == model.KindAggregate {
		i := openParen(rest)
		if i < 0 || !strings.HasSuffix(rest, ")") {
			return ref, false
		}
		ref.Args = rest[i+1 : len(rest)-1]
		rest = rest[:i]
	}
	parts, ok := SplitName(rest)
	if !ok || len(parts) != n {
		return ref, false
	}
	switch n {
	case 1:
		ref.Name = parts[0]
	case 2:
		ref.Schema, ref.Name = parts[0], parts[1]
	case 3:
		ref.Schema, ref.Table, ref.Name = parts[0], parts[1], parts[2]
	}
	return ref, true
}

// FormatDep writes the string form of a reference, and reports false when
// ParseDep would not read it back exactly.
func FormatDep(ref model.ObjectRef) (string, bool) {
	var parts []string
	switch depArity(ref.Kind) {
	case 1:
		parts = []string{ref.Name}
	case 2:
		parts = []string{ref.Schema, ref.Name}
	case 3:
		parts = []string{ref.Schema, ref.Table, ref.Name}
	default:
		return "", false
	}
	s := string(ref.Kind) + " " + JoinName(parts...)
	if ref.Kind == model.KindFunction || ref.Kind == model.KindAggregate {
		s += "(" + ref.Args + ")"
	}
	back, ok := ParseDep(s)
	return s, ok && back == ref
}

// openParen is the index of the first '(' outside double quotes, or -1.
func openParen(s string) int {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case '(':
			if !quoted {
				return i
			}
		}
	}
	return -1
}
