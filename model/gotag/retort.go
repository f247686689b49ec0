package gotag

import (
	"go/ast"
	"strconv"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// tagKey is the struct tag key of retort's own grammar.
const tagKey = "retort"

// markerOf finds a struct's marker: a blank field whose retort tag starts
// with table (or is "-"). ok is false when the struct has none.
func (l *loader) markerOf(st *ast.StructType) (tagValue, []item, bool) {
	if st.Fields == nil {
		return tagValue{}, nil, false
	}
	for _, f := range st.Fields.List {
		if len(f.Names) != 1 || f.Names[0].Name != "_" {
			continue
		}
		tv, ok, err := l.tagOf(f).lookup(tagKey)
		if err != nil || !ok {
			continue
		}
		items, err := splitItems(tv.val)
		if err != nil || len(items) == 0 {
			return tv, nil, true // reported by readMarker
		}
		if k := items[0].key; k == "table" || k == "-" {
			return tv, items, true
		}
	}
	return tagValue{}, nil, false
}

// readMarker reads the table options of a marker: table[:[schema.]name],
// schema, comment, check, constraint, index, renamed_from, unlogged, owner,
// grant.
func (l *loader) readMarker(t *tableSpec, tv tagValue) {
	items, err := splitItems(tv.val)
	if err != nil {
		l.tagErr(tv, err)
		return
	}
	t.where = tv
	for i, it := range items {
		at := tv.posAt(it.off)
		switch it.key {
		case "table":
			if i != 0 {
				l.e.add(at, tv.tag.raw, "table must come first in a marker")
				continue
			}
			if it.hasVal {
				sch, name, ok := qualified(it.val)
				if !ok {
					l.e.add(tv.posAt(it.valOff), tv.tag.raw, "table name %q is not a name or schema.name", it.val)
					continue
				}
				t.q.Name = name
				if sch != "" {
					t.q.Schema = sch
				}
			}
		case "schema":
			if n, ok := ident(it.val); ok && it.hasVal {
				t.q.Schema = n
			} else {
				l.e.add(at, tv.tag.raw, "schema needs a name: schema:NAME")
			}
		case "comment":
			t.comment = text(it.val)
		case "renamed_from":
			if _, n, ok := qualified(it.val); ok && it.hasVal {
				t.renamedFrom = n
			} else {
				l.e.add(at, tv.tag.raw, "renamed_from needs the table's former name")
			}
		case "unlogged":
			if it.hasVal {
				l.e.add(at, tv.tag.raw, "unlogged takes no value")
			}
			t.unlogged = true
		case "owner":
			if n, ok := ident(it.val); ok && it.hasVal && n != "" {
				t.owner = n
			} else {
				l.e.add(at, tv.tag.raw, "owner needs a role: owner:ROLE")
			}
		case "grant":
			t.grants = append(t.grants, l.readGrant(tv, it, false)...)
		case "check", "constraint", "index":
			// After the name is final: see tableLevel.
		default:
			l.e.add(at, tv.tag.raw, "unknown table option %q (want table, schema, comment, check, constraint, index, renamed_from, unlogged, owner or grant)", it.key)
		}
	}
	if t.q.Name == "" {
		t.q.Name = snakeName(t.goName)
	}
	for _, it := range items {
		switch it.key {
		case "check":
			l.tableCheck(t, tv, it)
		case "constraint":
			l.tableConstraint(t, tv, it)
		case "index":
			l.tableIndex(t, tv, it)
		}
	}
}

// tableCheck reads check:NAME(EXPR) or check:(EXPR) on a marker.
func (l *loader) tableCheck(t *tableSpec, tv tagValue, it item) {
	name, expr, ok := callForm(it.val)
	if !ok || expr == "" {
		l.e.add(tv.posAt(it.off), tv.tag.raw, "check needs an expression in parentheses: check:NAME(EXPR) or check:(EXPR)")
		return
	}
	n, ok := identOrEmpty(name)
	if !ok {
		l.e.add(tv.posAt(it.valOff), tv.tag.raw, "check name %q is not a name", name)
		return
	}
	if n == "" {
		n = pgObjectName(t.q.Name, "", "check")
	}
	t.cons = append(t.cons, conSpec{pos: tv.posAt(it.off), tag: tv.tag.raw,
		c: model.Constraint{Name: n, Type: model.Check, Definition: "CHECK (" + expr + ")"}})
}

// tableConstraint reads constraint:NAME(DEFINITION): any constraint as
// PostgreSQL writes it after CONSTRAINT NAME.
func (l *loader) tableConstraint(t *tableSpec, tv tagValue, it item) {
	name, def, ok := callForm(it.val)
	n, nok := ident(name)
	if !ok || !nok || def == "" {
		l.e.add(tv.posAt(it.off), tv.tag.raw, "constraint needs a name and a definition: constraint:NAME(PRIMARY KEY (a, b))")
		return
	}
	c := model.Constraint{Name: n, Definition: def}
	upper := strings.ToUpper(def)
	switch {
	case strings.HasPrefix(upper, "PRIMARY KEY"):
		c.Type = model.PrimaryKey
	case strings.HasPrefix(upper, "UNIQUE"):
		c.Type = model.Unique
	case strings.HasPrefix(upper, "CHECK"):
		c.Type = model.Check
	case strings.HasPrefix(upper, "FOREIGN KEY"):
		c.Type = model.ForeignKey
	case strings.HasPrefix(upper, "EXCLUDE"):
		c.Type = model.Exclusion
	default:
		l.e.add(tv.posAt(it.valOff), tv.tag.raw, "constraint %s: definition must start with PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY or EXCLUDE", n)
		return
	}
	c.NotValid = strings.HasSuffix(upper, "NOT VALID")
	t.cons = append(t.cons, conSpec{pos: tv.posAt(it.off), tag: tv.tag.raw, c: c})
}

// tableIndex reads index:NAME(keys:(…), unique, using:M, where:(…), …).
func (l *loader) tableIndex(t *tableSpec, tv tagValue, it item) {
	name, inner, ok := callForm(it.val)
	n, nok := ident(name)
	if !ok || !nok {
		l.e.add(tv.posAt(it.off), tv.tag.raw, "index on a marker needs a name and keys: index:NAME(keys:(a, lower(b) DESC))")
		return
	}
	ix := &indexSpec{name: n, at: tv.posAt(it.off), tag: tv.tag.raw, set: map[string]string{}}
	subs, err := splitItems(inner)
	if err != nil {
		l.tagErr(tv, err)
		return
	}
	for _, s := range subs {
		if s.key == "keys" {
			keys, err := splitItems(parenExpr(s.val))
			if err != nil || s.val == "" {
				l.e.add(tv.posAt(it.off), tv.tag.raw, "index %s: keys needs a list: keys:(a, b DESC)", n)
				return
			}
			for i, k := range keys {
				ix.parts = append(ix.parts, keyPart{key: k.raw, order: i})
			}
			continue
		}
		if !l.indexOption(ix, s, tv, it.off) {
			return
		}
	}
	if len(ix.parts) == 0 {
		l.e.add(tv.posAt(it.off), tv.tag.raw, "index %s has no keys: add keys:(…)", n)
		return
	}
	t.indexes = append(t.indexes, ix)
}

// identOrEmpty reads an optional identifier.
func identOrEmpty(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	return ident(s)
}

// tagErr reports a syntax error of a tag value at its place.
func (l *loader) tagErr(tv tagValue, err error) {
	if se, ok := err.(*syntaxError); ok {
		l.e.add(tv.posAt(se.off), tv.tag.raw, "%s", se.msg)
		return
	}
	l.e.add(tv.tag.pos, tv.tag.raw, "%v", err)
}

// readRetortFields reads the fields of a struct declared with retort's
// grammar, flattening embedded structs.
func (l *loader) readRetortFields(t *tableSpec, st *ast.StructType, f *fileInfo, prefix string, path []string, depth int) {
	if st.Fields == nil {
		return
	}
	if depth > 16 {
		l.e.add(l.pos(st), "", "structs embedded more than 16 deep (a cycle?)")
		return
	}
	for _, fld := range st.Fields.List {
		ti := l.tagOf(fld)
		tv, has, err := ti.lookup(tagKey)
		if err != nil {
			l.e.add(ti.pos, ti.raw, "%v", err)
			continue
		}
		if has && tv.val == "-" {
			continue
		}
		var items []item
		if has {
			if items, err = splitItems(tv.val); err != nil {
				l.tagErr(tv, err)
				continue
			}
		}
		typ := typeOf(f, fld.Type)
		if len(fld.Names) == 0 { // embedded
			base, _ := deref(typ)
			est, ef, ok := structOf(base)
			if !ok {
				l.e.add(l.pos(fld), ti.raw, "embedded %s: its struct is not in the packages read; give it a name and a type: option", typ)
				continue
			}
			p, ok := l.embedOptions(items, tv, true)
			if ok {
				l.readRetortFields(t, est, ef, prefix+p, append(path, base.name), depth+1)
			}
			continue
		}
		for _, n := range fld.Names {
			if n.Name == "_" || (!n.IsExported() && !has) {
				continue
			}
			if hasKey(items[min(1, len(items)):], "embed") {
				base, _ := deref(typ)
				est, ef, ok := structOf(base)
				if !ok {
					l.e.add(l.pos(n), ti.raw, "embed on field %s: %s is not a struct in the packages read", n.Name, typ)
					continue
				}
				if p, ok := l.embedOptions(items, tv, false); ok {
					l.readRetortFields(t, est, ef, prefix+p, append(path, n.Name), depth+1)
				}
				continue
			}
			c := &colSpec{pos: l.pos(n), tag: ti.raw, goName: n.Name, goPath: append(append([]string(nil), path...), n.Name)}
			c.col.Name = prefix + snakeName(n.Name)
			if len(items) > 0 && items[0].raw != "" {
				name, ok := l.columnName(items[0], tv)
				if !ok {
					continue
				}
				c.col.Name = prefix + name
			}
			pt, err := retortType(typ)
			explicit := optionValue(items, "type") != ""
			if err != nil && !explicit {
				l.e.add(c.pos, ti.raw, "field %s: %v", n.Name, err)
				continue
			}
			c.col.Type, c.col.NotNull, c.enum, c.enumDims = pt.text, !pt.nullable, pt.enum, pt.dims
			if explicit {
				c.enum, c.enumDims = nil, 0
			}
			t.cols = append(t.cols, c)
			if len(items) > 1 {
				l.columnOptions(t, c, items[1:], tv)
			}
		}
	}
}

// columnName reads the name element of a column tag.
func (l *loader) columnName(it item, tv tagValue) (string, bool) {
	name, ok := ident(it.raw)
	switch {
	case !ok && strings.Contains(it.raw, ":"):
		l.e.add(tv.posAt(it.off), tv.tag.raw, "the first element of a tag is the column name; did you mean \",%s\"?", it.raw)
		return "", false
	case !ok:
		l.e.add(tv.posAt(it.off), tv.tag.raw, "column name %q is not a name; quote it as \"\\\"%s\\\"\"", it.raw, it.raw)
		return "", false
	case columnFlags[it.raw] && !strings.HasPrefix(it.raw, `"`):
		l.e.add(tv.posAt(it.off), tv.tag.raw, "%q is an option, but the first element of a tag is the column name; write \",%s\" (or quote a column named so)", it.raw, it.raw)
		return "", false
	}
	return name, true
}

// columnFlags are the options that a tag may not start with unquoted.
var columnFlags = map[string]bool{"pk": true, "notnull": true, "null": true, "unique": true, "index": true,
	"identity": true, "embed": true, "deferrable": true, "deferred": true}

// embedOptions reads the options of an embedded struct: prefix (and embed
// on a named field). Anything else is an error.
func (l *loader) embedOptions(items []item, tv tagValue, anonymous bool) (string, bool) {
	prefix := ""
	for i, it := range items {
		switch {
		case i == 0 && it.raw == "":
		case i == 0 && anonymous:
			l.e.add(tv.posAt(it.off), tv.tag.raw, "an embedded struct has no column name; use prefix:%s to prefix its columns", it.raw)
			return "", false
		case i == 0:
		case it.key == "embed" && !it.hasVal:
		case it.key == "prefix" && it.hasVal:
			prefix = text(it.val)
		default:
			l.e.add(tv.posAt(it.off), tv.tag.raw, "option %q does not apply to an embedded struct (only prefix:P)", it.raw)
			return "", false
		}
	}
	return prefix, true
}

func hasKey(items []item, key string) bool {
	for _, it := range items {
		if it.key == key {
			return true
		}
	}
	return false
}

func optionValue(items []item, key string) string {
	for i, it := range items {
		if i > 0 && it.key == key && it.hasVal {
			return it.val
		}
	}
	return ""
}

// columnOptions applies retort options to a column. GORM and bun models
// take them too, on top of what their own tags say.
func (l *loader) columnOptions(t *tableSpec, c *colSpec, items []item, tv tagValue) {
	var fk *fkSpec
	fkName := ""
	var fkItems []item
	for _, it := range items {
		if l.columnProperty(c, it, tv) {
			continue
		}
		at := tv.posAt(it.off)
		switch it.key {
		case "pk":
			c.pk = true
			if it.hasVal {
				n, err := strconv.Atoi(it.val)
				if err != nil || n < 1 {
					l.e.add(at, tv.tag.raw, "pk:N needs a position from 1")
					continue
				}
				c.pkPos = n
			}
		case "renamed_from":
			if l.needVal(it, tv) {
				l.setColumnRenamedFrom(c, it, tv)
			}
		case "unique":
			l.columnUnique(t, c, it, tv)
		case "index":
			l.columnIndex(t, c, it, tv)
		case "check":
			l.columnCheck(t, c, it, tv)
		case "references":
			if l.needVal(it, tv) {
				fk = l.references(t, c, it, tv)
			}
		case "fk":
			if l.needVal(it, tv) {
				if n, ok := ident(it.val); ok {
					fkName = n
				} else {
					l.e.add(at, tv.tag.raw, "fk needs a constraint name")
				}
			}
		case "grant":
			c.col.Grants = append(c.col.Grants, l.readGrant(tv, it, true)...)
		case "on_delete", "on_update", "deferrable", "deferred":
			fkItems = append(fkItems, it)
		case "embed", "prefix":
			l.e.add(at, tv.tag.raw, "%s applies to struct fields only", it.key)
		case "":
			l.e.add(at, tv.tag.raw, "empty option (two commas in a row?)")
		default:
			l.e.add(at, tv.tag.raw, "unknown option %q (see docs/gotags.md for the grammar)", it.key)
		}
	}
	l.foreignKeyOptions(t, fk, fkName, fkItems, items, tv)
}

// columnProperty applies an option that sets a property of the column
// itself (type, NOT NULL, default, identity, generation, collation,
// comment) and reports whether it was one.
func (l *loader) columnProperty(c *colSpec, it item, tv tagValue) bool {
	switch it.key {
	case "type":
		if l.needVal(it, tv) {
			c.col.Type = it.val
			c.enum, c.enumDims = nil, 0
		}
	case "notnull":
		if l.noVal(it, tv) {
			c.col.NotNull = true
		}
	case "null":
		if l.noVal(it, tv) {
			c.col.NotNull = false
		}
	case "default":
		if l.needVal(it, tv) {
			c.col.Default = it.val
		}
	case "identity":
		switch strings.ToLower(strings.ReplaceAll(it.val, " ", "_")) {
		case "", "by_default":
			c.col.Identity = "d"
		case "always":
			c.col.Identity = "a"
		default:
			l.e.add(tv.posAt(it.off), tv.tag.raw, "identity is identity, identity:always or identity:by_default, not %q", it.val)
		}
	case "generated":
		if l.needVal(it, tv) {
			c.col.Generated, c.col.GeneratedKind = parenExpr(it.val), "s"
		}
	case "collate":
		if l.needVal(it, tv) {
			c.col.Collation = collationText(it.val)
		}
	case "comment":
		c.col.Comment = text(it.val)
	default:
		return false
	}
	return true
}

// needVal reports whether an option that needs a value has one, and
// reports the error when not.
func (l *loader) needVal(it item, tv tagValue) bool {
	if !it.hasVal || it.val == "" {
		l.e.add(tv.posAt(it.off), tv.tag.raw, "%s needs a value: %s:…", it.key, it.key)
		return false
	}
	return true
}

// noVal reports whether an option that takes no value has none, and
// reports the error when not.
func (l *loader) noVal(it item, tv tagValue) bool {
	if it.hasVal {
		l.e.add(tv.posAt(it.off), tv.tag.raw, "%s takes no value", it.key)
		return false
	}
	return true
}

// foreignKeyOptions applies on_delete, on_update, deferrable and deferred
// to the column's foreign key, if references declared one, and adds it.
func (l *loader) foreignKeyOptions(t *tableSpec, fk *fkSpec, fkName string, fkItems, items []item, tv tagValue) {
	if fk == nil {
		if len(fkItems) > 0 || fkName != "" {
			l.e.add(tv.posAt(fkItems0(fkItems, items)), tv.tag.raw, "on_delete, on_update, deferrable, deferred and fk need references:TABLE(COLUMN)")
		}
		return
	}
	for _, it := range fkItems {
		switch it.key {
		case "on_delete", "on_update":
			code, ok := fkActions[strings.ToLower(strings.TrimSpace(it.val))]
			if !ok {
				l.e.add(tv.posAt(it.off), tv.tag.raw, "%s: unknown action %q (want cascade, restrict, set_null, set_default or no_action)", it.key, it.val)
				continue
			}
			if it.key == "on_delete" {
				fk.onDelete = code
			} else {
				fk.onUpdate = code
			}
		case "deferrable":
			fk.deferrable = true
		case "deferred":
			fk.deferrable, fk.deferred = true, true
		}
	}
	l.addFK(t, fk, fkName)
}

func fkItems0(fkItems, items []item) int {
	if len(fkItems) > 0 {
		return fkItems[0].off
	}
	for _, it := range items {
		if it.key == "fk" {
			return it.off
		}
	}
	return 0
}

// collationText writes a collation as the model keeps it: quoted when it
// needs to be, as PostgreSQL prints it.
func collationText(s string) string {
	if strings.ContainsAny(s, `".`) {
		return s
	}
	return sqlq.QuoteIdent(s)
}
