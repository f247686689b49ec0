package gotag

import (
	"slices"
	"strconv"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// nameAndSubs splits NAME, NAME(SUBS) or (SUBS).
func nameAndSubs(val string) (name string, subs []item, ok bool) {
	if n, inner, isCall := callForm(val); isCall {
		items, err := splitItems(inner)
		if err != nil {
			return "", nil, false
		}
		if len(items) == 1 && items[0].raw == "" {
			items = nil
		}
		name, ok = identOrEmpty(n)
		return name, items, ok
	}
	name, ok = identOrEmpty(val)
	return name, nil, ok
}

// columnUnique reads unique, unique:NAME and unique:NAME(pos:N,
// nulls_not_distinct) on a column.
func (l *loader) columnUnique(t *tableSpec, c *colSpec, it item, tv tagValue) {
	at := tv.posAt(it.off)
	name, subs, ok := nameAndSubs(it.val)
	if !ok {
		l.e.add(at, tv.tag.raw, "unique is unique, unique:NAME or unique:NAME(pos:N), not %q", it.raw)
		return
	}
	part := keyPart{key: sqlq.QuoteIdent(c.col.Name), col: c.col.Name, order: len(t.cols), at: at, tagTxt: tv.tag.raw}
	nnd := false
	for _, s := range subs {
		switch s.key {
		case "pos":
			n, err := strconv.Atoi(s.val)
			if err != nil || n < 1 {
				l.e.add(at, tv.tag.raw, "pos:N needs a position from 1")
				return
			}
			part.pos = n
		case "nulls_not_distinct":
			nnd = true
		default:
			l.e.add(at, tv.tag.raw, "unknown unique option %q (want pos:N or nulls_not_distinct)", s.key)
			return
		}
	}
	if name == "" {
		name = pgObjectName(t.q.Name, c.col.Name, "key")
	}
	for _, u := range t.uniques {
		if u.name == name {
			u.parts = append(u.parts, part)
			u.nullsNotDistinct = u.nullsNotDistinct || nnd
			return
		}
	}
	t.uniques = append(t.uniques, &uniqueSpec{name: name, parts: []keyPart{part}, nullsNotDistinct: nnd, at: at, tag: tv.tag.raw})
}

// columnIndex reads index, index:NAME and index:NAME(SUBS) on a column.
func (l *loader) columnIndex(t *tableSpec, c *colSpec, it item, tv tagValue) {
	at := tv.posAt(it.off)
	name, subs, ok := nameAndSubs(it.val)
	if !ok {
		l.e.add(at, tv.tag.raw, "index is index, index:NAME or index:NAME(OPTIONS), not %q", it.raw)
		return
	}
	if name == "" {
		name = pgObjectName(t.q.Name, c.col.Name, "idx")
	}
	var ix *indexSpec
	for _, x := range t.indexes {
		if x.name == name {
			ix = x
		}
	}
	if ix == nil {
		ix = &indexSpec{name: name, at: at, tag: tv.tag.raw, set: map[string]string{}}
		t.indexes = append(t.indexes, ix)
	}
	part := &keyPart{col: c.col.Name, order: len(t.cols), at: at, tagTxt: tv.tag.raw}
	var opclass, dir, nulls string
	for _, s := range subs {
		switch s.key {
		case "pos":
			n, err := strconv.Atoi(s.val)
			if err != nil || n < 1 {
				l.e.add(at, tv.tag.raw, "pos:N needs a position from 1")
				return
			}
			part.pos = n
		case "desc", "asc":
			dir = " " + strings.ToUpper(s.key)
		case "nulls_first", "nulls_last":
			nulls = " NULLS " + strings.ToUpper(strings.TrimPrefix(s.key, "nulls_"))
		case "opclass":
			opclass = " " + s.val
		default:
			if !l.indexOption(ix, s, tv, it.off) {
				return
			}
		}
	}
	part.key = sqlq.QuoteIdent(c.col.Name) + opclass + dir + nulls
	ix.parts = append(ix.parts, *part)
}

// indexOption applies an index-wide option; the fields of a composite
// index may repeat one but not contradict it.
func (l *loader) indexOption(ix *indexSpec, s item, tv tagValue, off int) bool {
	at := tv.posAt(off)
	val := s.val
	switch s.key {
	case "unique", "nulls_not_distinct":
		val = "true"
	case "using", "where", "comment", "include":
		if !s.hasVal || s.val == "" {
			l.e.add(at, tv.tag.raw, "index %s: %s needs a value", ix.name, s.key)
			return false
		}
	default:
		l.e.add(at, tv.tag.raw, "index %s: unknown option %q (want pos, asc, desc, nulls_first, nulls_last, opclass, unique, using, where, include, nulls_not_distinct or comment)", ix.name, s.key)
		return false
	}
	if prev, ok := ix.set[s.key]; ok && prev != val {
		l.e.add(at, tv.tag.raw, "index %s: %s is %q here but %q on another field", ix.name, s.key, val, prev)
		return false
	}
	ix.set[s.key] = val
	switch s.key {
	case "unique":
		ix.unique = true
	case "nulls_not_distinct":
		ix.nullsNotDistinct = true
	case "using":
		ix.method = strings.ToLower(val)
	case "where":
		ix.where = parenExpr(val)
	case "comment":
		ix.comment = text(val)
	case "include":
		cols, ok := identList(parenExpr(val))
		if !ok {
			l.e.add(at, tv.tag.raw, "index %s: include needs column names: include:(a, b)", ix.name)
			return false
		}
		ix.include = cols
	}
	return true
}

// columnCheck reads check:(EXPR) and check:NAME(EXPR) on a column.
func (l *loader) columnCheck(t *tableSpec, c *colSpec, it item, tv tagValue) {
	name, expr, ok := callForm(it.val)
	n, nok := identOrEmpty(name)
	if !ok || !nok || expr == "" {
		l.e.add(tv.posAt(it.off), tv.tag.raw, "check needs an expression in parentheses: check:(EXPR) or check:NAME(EXPR)")
		return
	}
	if n == "" {
		n = pgObjectName(t.q.Name, c.col.Name, "check")
	}
	t.cons = append(t.cons, conSpec{pos: tv.posAt(it.off), tag: tv.tag.raw,
		c: model.Constraint{Name: n, Type: model.Check, Definition: "CHECK (" + expr + ")"}})
}

// references reads references:[SCHEMA.]TABLE[(COLUMN)].
func (l *loader) references(t *tableSpec, c *colSpec, it item, tv tagValue) *fkSpec {
	at := tv.posAt(it.off)
	target, cols := it.val, []string(nil)
	if n, inner, ok := callForm(it.val); ok {
		var lok bool
		if cols, lok = identList(inner); !lok {
			l.e.add(at, tv.tag.raw, "references needs TABLE(COLUMN), not %q", it.val)
			return nil
		}
		target = n
	}
	sch, name, ok := qualified(target)
	if !ok {
		l.e.add(at, tv.tag.raw, "references needs [SCHEMA.]TABLE[(COLUMN)], not %q", it.val)
		return nil
	}
	if len(cols) > 1 {
		l.e.add(at, tv.tag.raw, "references on one field names one column; a composite foreign key is one fk:NAME on each of its fields")
		return nil
	}
	return &fkSpec{at: at, tag: tv.tag.raw, cols: []string{c.col.Name}, refSchema: sch, refTable: name, refCols: cols}
}

// addFK adds a foreign key to a table, merging it into the one of the
// same name (a composite foreign key, one field per column).
func (l *loader) addFK(t *tableSpec, fk *fkSpec, name string) {
	if name == "" {
		name = pgObjectName(t.q.Name, pgColumnsAddition(fk.cols), "fkey")
	}
	fk.name = name
	for _, x := range t.fks {
		if x.name != name {
			continue
		}
		if x.refSchema == "" {
			x.refSchema = fk.refSchema
		}
		if x.refTable != fk.refTable || (fk.refSchema != "" && x.refSchema != fk.refSchema) {
			l.e.add(fk.at, fk.tag, "foreign key %s references %s here but %s on another field", name,
				model.QName{Schema: fk.refSchema, Name: fk.refTable}, model.QName{Schema: x.refSchema, Name: x.refTable})
			return
		}
		if len(x.refCols) != len(x.cols) || len(fk.refCols) != len(fk.cols) {
			l.e.add(fk.at, fk.tag, "foreign key %s: every field of a composite foreign key names its column: references:TABLE(COLUMN)", name)
			return
		}
		for _, p := range [][2]*string{{&x.onDelete, &fk.onDelete}, {&x.onUpdate, &fk.onUpdate}} {
			switch {
			case *p[1] == "":
			case *p[0] == "":
				*p[0] = *p[1]
			case *p[0] != *p[1]:
				l.e.add(fk.at, fk.tag, "foreign key %s: its fields give different actions", name)
				return
			}
		}
		x.deferrable = x.deferrable || fk.deferrable
		x.deferred = x.deferred || fk.deferred
		x.cols = append(x.cols, fk.cols...)
		x.refCols = append(x.refCols, fk.refCols...)
		return
	}
	t.fks = append(t.fks, fk)
}

// sortParts orders the parts of a key: by pos when every part has one,
// else in field order. Mixing the two is an error.
func (l *loader) sortParts(what string, parts []keyPart) []keyPart {
	n := 0
	for _, p := range parts {
		if p.pos > 0 {
			n++
		}
	}
	if n == 0 {
		return parts
	}
	if n != len(parts) {
		p := parts[0]
		l.e.add(p.at, p.tagTxt, "%s: give pos:N on every field of the key or on none", what)
		return parts
	}
	out := slices.Clone(parts)
	slices.SortStableFunc(out, func(a, b keyPart) int { return a.pos - b.pos })
	for i := 1; i < len(out); i++ {
		if out[i].pos == out[i-1].pos {
			l.e.add(out[i].at, out[i].tagTxt, "%s: two fields at pos:%d", what, out[i].pos)
		}
	}
	return out
}
