package codec

import (
	"fmt"
	"strings"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/sqlddl"
)

// Atlas writes functions and triggers as parts rather than as their
// CREATE statements. These build the statement from the parts, so that
// such a file loads as written.

var argModes = map[string]string{"IN": "IN", "OUT": "OUT", "INOUT": "INOUT", "VARIADIC": "VARIADIC"}

// atlasFunction builds a function's definition from Atlas's parts:
//
//	function "positive" {
//	  lang   = SQL
//	  arg "v" { type = integer }
//	  return = boolean
//	  as     = "SELECT v > 0"
//	}
func (d *decoder) atlasFunction(r *reader, dc *decl, f *model.Function) {
	body, _ := r.str("as")
	var args, identity []string
	for _, b := range r.blocks("arg", false) {
		d.atlasArg(b, &args, &identity)
	}
	f.Args = strings.Join(args, ", ")
	f.IdentityArgs = strings.Join(identity, ", ")
	kind := "FUNCTION"
	if f.Kind == model.KindProcedure {
		kind = "PROCEDURE"
	} else if ret, ok := r.typeValue("return"); ok {
		f.Result = ret
	} else if !r.has("return") {
		d.errs.add(dc.block.Pos, dc.block.Text, "function %s needs return (its result type)", dc.q)
	}
	if f.Language == "" {
		f.Language = "sql"
	}
	var def strings.Builder
	fmt.Fprintf(&def, "CREATE OR REPLACE %s %s(%s)\n", kind, qualified(f.Schema, f.Name), f.Args)
	if f.Result != "" {
		def.WriteString(" RETURNS " + f.Result + "\n")
	}
	def.WriteString(" LANGUAGE " + quoteIdent(f.Language) + "\n")
	var opts []string
	if w := map[string]string{"i": "IMMUTABLE", "s": "STABLE"}[f.Volatility]; w != "" && kind == "FUNCTION" {
		opts = append(opts, w)
	}
	if f.Strict {
		opts = append(opts, "STRICT")
	}
	if f.Leakproof {
		opts = append(opts, "LEAKPROOF")
	}
	if f.SecurityDefiner {
		opts = append(opts, "SECURITY DEFINER")
	}
	if w := map[string]string{"s": "SAFE", "r": "RESTRICTED"}[f.Parallel]; w != "" {
		opts = append(opts, "PARALLEL "+w)
	}
	if len(opts) > 0 {
		def.WriteString(" " + strings.Join(opts, " ") + "\n")
	}
	trimmed := strings.TrimSpace(body)
	upper := strings.ToUpper(trimmed)
	if strings.HasPrefix(upper, "BEGIN ATOMIC") || strings.HasPrefix(upper, "RETURN ") {
		def.WriteString(trimmed + "\n")
	} else {
		tag := "$function$"
		for n := 1; strings.Contains(body, tag); n++ {
			tag = fmt.Sprintf("$function%d$", n)
		}
		def.WriteString("AS " + tag + body + tag + "\n")
	}
	f.Definition = def.String()
	defKind := routineKind(f)
	d.checkBuilt(r, dc.block, "as", "a body that keeps the function "+oneCreate(defKind), f.Definition,
		definitionCheck(defKind, sqlddl.Declared{Schema: f.Schema, Name: f.Name}))
}

// atlasArg reads an arg block: a name (optional), type, mode and default.
func (d *decoder) atlasArg(b *Block, args, identity *[]string) {
	r := d.read(b.Body)
	defer r.done("arg")
	typ, ok := r.typeValue("type")
	if !ok && !r.has("type") {
		d.errs.add(b.Pos, b.Text, "arg needs a type")
	}
	mode, _ := r.keyword("mode", argModes)
	var parts []string
	if mode != "" {
		parts = append(parts, mode)
	}
	if name := label(b); name != "" {
		parts = append(parts, quoteIdent(name))
	}
	parts = append(parts, typ)
	id := strings.Join(parts, " ")
	if def, ok := r.defaultValue("default", typ); ok {
		parts = append(parts, "DEFAULT "+def)
	}
	*args = append(*args, strings.Join(parts, " "))
	if mode != "OUT" {
		*identity = append(*identity, id)
	}
}

// atlasTrigger builds a trigger's definition from Atlas's parts:
//
//	trigger "audit" {
//	  on = table.orders
//	  after { insert = true, update_of = [table.orders.column.amount] }
//	  for = ROW
//	  execute { function = function.audit_orders }
//	}
func (d *decoder) atlasTrigger(r *reader, dc *decl, tr *model.Trigger) {
	var timing string
	var events []string
	for _, w := range []string{"before", "after", "instead_of"} {
		b := r.block(w)
		if b == nil {
			continue
		}
		if timing != "" {
			d.errs.add(b.Pos, b.Text, "a trigger fires before, after or instead of, not twice")
			continue
		}
		timing = strings.ToUpper(strings.ReplaceAll(w, "_", " "))
		er := d.read(b.Body)
		for _, ev := range []string{"insert", "update", "delete", "truncate"} {
			if on, _ := er.boolean(ev); on {
				events = append(events, strings.ToUpper(ev))
			}
		}
		_, cols := er.items("update_of")
		var names []string
		for _, v := range cols {
			switch {
			case v.Kind == Ref && len(v.Parts) >= 2 && v.Parts[len(v.Parts)-2] == "column":
				names = append(names, v.Parts[len(v.Parts)-1])
			case v.Kind == String && v.Str != "":
				names = append(names, v.Str)
			default:
				d.errs.add(v.Pos, v.Text, "update_of: want a reference to a column")
			}
		}
		if len(names) > 0 {
			events = append(events, "UPDATE OF "+identList(names))
		}
		er.done(w)
	}
	if timing == "" || len(events) == 0 {
		d.errs.add(dc.block.Pos, dc.block.Text, "trigger %q needs definition, or before, after or instead_of with its events", tr.Name)
		return
	}
	level := "STATEMENT"
	if l, ok := r.keyword("for", map[string]string{"ROW": "ROW", "STATEMENT": "STATEMENT"}); ok {
		level = l
	}
	when, _ := r.expr("when")
	var fn string
	var fargs []string
	if b := r.block("execute"); b == nil {
		d.errs.add(dc.block.Pos, dc.block.Text, "trigger %q needs execute { function = function.NAME }", tr.Name)
	} else {
		er := d.read(b.Body)
		fn = d.routineName(er, "function")
		if fn == "" {
			d.errs.add(b.Pos, b.Text, "execute needs function")
		}
		for _, a := range mustStrs(er, "args") {
			fargs = append(fargs, literal(a))
		}
		er.done("execute")
	}
	def := fmt.Sprintf("CREATE TRIGGER %s %s %s ON %s FOR EACH %s", quoteIdent(tr.Name), timing, strings.Join(events, " OR "),
		qualified(tr.Table.Schema, tr.Table.Name), level)
	if when != "" {
		def += " WHEN (" + when + ")"
	}
	tr.Definition = def + " EXECUTE FUNCTION " + fn + "(" + strings.Join(fargs, ", ") + ")"
	d.checkBuilt(r, dc.block, "when", "parts that make "+oneCreate(sqlddl.DefTrigger), tr.Definition,
		definitionCheck(sqlddl.DefTrigger, onTable(tr.Table, tr.Name)))
	tr.Function = fn + "()"
}

func mustStrs(r *reader, name string) []string {
	s, _ := r.strs(name)
	return s
}
