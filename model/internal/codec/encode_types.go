package codec

import (
	"strings"

	"github.com/retortdb/retort/model"
)

func (e *encoder) namespace(n model.Namespace) *Block {
	b := &Body{}
	e.owner(b, n.Owner)
	switch {
	case n.Name == DefaultSchema && n.Comment == "":
		// Left out, it would read back as PostgreSQL's own comment.
		b.set("comment", Str(""))
	case n.Name == DefaultSchema && n.Comment == PublicComment:
		// PostgreSQL's own: what leaving it out means.
	default:
		b.setStr("comment", n.Comment)
	}
	e.grants(b, n.Grants)
	return block("schema", []string{n.Name}, b)
}

func (e *encoder) extension(x model.Extension) *Block {
	b := &Body{}
	if x.Schema != "" {
		if _, declared := e.kindOf[model.QName{Name: x.Schema}]; declared {
			b.set("schema", e.ref("schema", model.QName{Name: x.Schema}))
		} else {
			b.set("schema", Str(x.Schema))
		}
	}
	b.setStr("version", x.Version)
	b.setStr("comment", x.Comment)
	return block("extension", []string{x.Name}, b)
}

func (e *encoder) collation(c model.Collation) *Block {
	b := &Body{}
	labels := e.labels("collation", c.QName, b)
	if c.Provider != "c" {
		b.set("provider", e.kw(map[string]string{"i": "ICU", "d": "DEFAULT"}[c.Provider]))
	}
	b.setStr("locale", c.Locale)
	b.setStr("lc_collate", c.LcCollate)
	b.setStr("lc_ctype", c.LcCtype)
	if !c.Deterministic {
		b.set("deterministic", Boolean(false))
	}
	e.owner(b, c.Owner)
	b.setStr("comment", c.Comment)
	return block("collation", labels, b)
}

func (e *encoder) enum(x model.Enum) *Block {
	b := &Body{}
	labels := e.labels("enum", x.QName, b)
	b.set("values", Strs(x.Labels))
	e.owner(b, x.Owner)
	b.setStr("comment", x.Comment)
	e.grants(b, x.Grants)
	return block("enum", labels, b)
}

func (e *encoder) domain(x *model.Domain) *Block {
	b := &Body{}
	labels := e.labels("domain", x.QName, b)
	b.set("type", e.typeValue(x.Type))
	if x.Collation != "" {
		b.set("collate", Str(collationWord(x.Collation)))
	}
	if x.NotNull {
		b.set("null", Boolean(false))
	}
	if x.Default != "" {
		b.set("default", e.defaultValue(x.Default, x.Type))
	}
	for _, c := range x.Checks {
		cb := &Body{}
		e.checkExpr(cb, c.Definition, false, c.NotValid)
		cb.setTrue("not_valid", c.NotValid)
		cb.setStr("comment", c.Comment)
		b.add("check", []string{c.Name}, cb)
	}
	e.owner(b, x.Owner)
	b.setStr("comment", x.Comment)
	e.grants(b, x.Grants)
	e.deps(b, x.Deps, false)
	return block("domain", labels, b)
}

// checkExpr writes a CHECK as expr when the definition is exactly what
// expr gives back, and as definition when not.
func (e *encoder) checkExpr(b *Body, def string, noInherit, notValid bool) {
	core := def
	if notValid {
		core = strings.TrimSuffix(core, " NOT VALID")
	}
	if noInherit {
		core = strings.TrimSuffix(core, " NO INHERIT")
	}
	if strings.HasPrefix(core, "CHECK (") && strings.HasSuffix(core, ")") {
		expr := core[len("CHECK (") : len(core)-1]
		if checkText(expr, noInherit, notValid) == def && strings.TrimSpace(expr) == expr && expr != "" {
			b.set("expr", Str(expr))
			return
		}
	}
	b.set("definition", Str(def))
}

func (e *encoder) composite(x *model.CompositeType) *Block {
	b := &Body{}
	labels := e.labels("composite", x.QName, b)
	for _, a := range x.Attributes {
		fb := &Body{}
		fb.set("type", e.typeValue(a.Type))
		if a.Collation != "" {
			fb.set("collate", Str(collationWord(a.Collation)))
		}
		fb.setStr("comment", a.Comment)
		b.add("field", []string{a.Name}, fb)
	}
	e.owner(b, x.Owner)
	b.setStr("comment", x.Comment)
	e.grants(b, x.Grants)
	e.deps(b, x.Deps, false)
	return block("composite", labels, b)
}

func (e *encoder) rangeType(x *model.RangeType) *Block {
	b := &Body{}
	labels := e.labels("range", x.QName, b)
	b.set("subtype", e.typeValue(x.Subtype))
	b.setStr("subtype_opclass", x.SubtypeOpClass)
	if x.Collation != "" {
		b.set("collate", Str(collationWord(x.Collation)))
	}
	b.setStr("canonical", x.Canonical)
	b.setStr("subtype_diff", x.SubtypeDiff)
	b.setStr("multirange", x.Multirange)
	e.owner(b, x.Owner)
	b.setStr("comment", x.Comment)
	e.grants(b, x.Grants)
	e.deps(b, x.Deps, false)
	return block("range", labels, b)
}

// sequenceOptions writes what differs from CREATE SEQUENCE's defaults.
func (e *encoder) sequenceOptions(b *Body, o model.SequenceOptions, defType string) {
	if o.Type != defType {
		b.set("type", e.typeValue(o.Type))
	}
	if o.Increment != 1 {
		b.set("increment", Int(o.Increment))
	}
	lo, hi := seqDefaultMinMax(o.Type, o.Increment)
	if o.Min != lo {
		b.set("min_value", Int(o.Min))
	}
	if o.Max != hi {
		b.set("max_value", Int(o.Max))
	}
	if o.Start != seqDefaultStart(o.Increment, o.Min, o.Max) {
		b.set("start", Int(o.Start))
	}
	if o.Cache != 1 {
		b.set("cache", Int(o.Cache))
	}
	b.setTrue("cycle", o.Cycle)
}

func (e *encoder) sequence(x *model.Sequence) *Block {
	b := &Body{}
	labels := e.labels("sequence", x.QName, b)
	e.sequenceOptions(b, x.SequenceOptions, "bigint")
	if x.OwnedBy != nil {
		b.set("owned_by", e.columnRef(x.OwnedBy.Table, x.OwnedBy.Column))
	}
	b.setTrue("unlogged", x.Unlogged)
	e.owner(b, x.Owner)
	b.setStr("comment", x.Comment)
	e.grants(b, x.Grants)
	return block("sequence", labels, b)
}

// columnRef is a reference to a column of another table:
// table.T.column.C, or "T.C" in YAML.
func (e *encoder) columnRef(t model.QName, col string) *Value {
	parts := e.refParts("table", t)
	if parts == nil {
		parts = []string{t.Schema, t.Name}
	}
	if e.dialect == YAML {
		return Str(JoinName(append(parts, col)...))
	}
	return RefTo(append(append([]string{"table"}, parts...), "column", col)...)
}
