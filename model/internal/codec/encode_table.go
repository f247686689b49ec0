package codec

import (
	"reflect"
	"regexp"
	"strings"

	"github.com/retortdb/retort/internal/sqltext"
	"github.com/retortdb/retort/model"
)

func (e *encoder) table(t *model.Table) *Block {
	b := &Body{}
	labels := e.labels("table", t.QName, b)
	if t.PartitionOf != nil {
		b.set("partition_of", e.ref("table", *t.PartitionOf))
		b.setStr("bound", t.PartitionBound)
	}
	if len(t.Inherits) > 0 {
		var parents []*Value
		for _, p := range t.Inherits {
			parents = append(parents, e.ref("table", p))
		}
		b.set("inherits", ListOf(parents...))
	}
	if t.OfType != "" {
		b.set("of_type", e.typeValue(t.OfType))
	}
	if t.PartitionKey != "" {
		b.add("partition", nil, e.partition(t.PartitionKey))
	}
	if t.Server != "" {
		if _, ok := e.count["server"][t.Server]; ok {
			b.set("server", e.ref("server", model.QName{Name: t.Server}))
		} else {
			b.set("server", Str(t.Server))
		}
	}
	b.setStrs("server_options", t.ServerOptions)
	if !e.inheritsAll(t) {
		for i := range t.Columns {
			b.add("column", []string{t.Columns[i].Name}, e.column(t, &t.Columns[i]))
		}
	}
	for i := range t.Constraints {
		if c := &t.Constraints[i]; c.Type == model.PrimaryKey {
			e.constraint(b, t, c)
		}
	}
	for i := range t.Constraints {
		if c := &t.Constraints[i]; c.Type != model.PrimaryKey {
			e.constraint(b, t, c)
		}
	}
	for i := range t.Indexes {
		b.add("index", []string{t.Indexes[i].Name}, e.index(t, t.Kind == model.TablePartitioned, &t.Indexes[i]))
	}
	b.setTrue("unlogged", t.Unlogged)
	if t.RowSecurity || t.ForceRowSecurity {
		rs := &Body{}
		rs.setTrue("enabled", t.RowSecurity)
		rs.setTrue("enforced", t.ForceRowSecurity)
		b.add("row_security", nil, rs)
	}
	b.setStrs("options", t.Options)
	b.setStr("tablespace", t.Tablespace)
	b.setStr("access_method", t.AccessMethod)
	if ri := map[string]string{"n": "NOTHING", "f": "FULL", "i": "INDEX"}[t.ReplicaIdentity]; ri != "" {
		b.set("replica_identity", e.kw(ri))
	} else if t.ReplicaIdentity != "d" {
		b.set("replica_identity", Str(t.ReplicaIdentity))
	}
	b.setStr("replica_identity_index", t.ReplicaIdentityIndex)
	e.owner(b, t.Owner)
	b.setStr("comment", t.Comment)
	e.grants(b, t.Grants)
	b.setStr("renamed_from", t.RenamedFrom)
	return block("table", labels, b)
}

// inheritsAll reports whether a child's columns are exactly those the
// decoder fills in from its parents when it declares none.
func (e *encoder) inheritsAll(t *model.Table) bool {
	parentNames := Parents(t)
	if len(parentNames) == 0 || len(t.Columns) == 0 {
		return false
	}
	var parents []*model.Table
	for _, q := range parentNames {
		p := e.tables[q]
		if p == nil {
			return false
		}
		parents = append(parents, p)
	}
	inherited := InheritedColumns(parents)
	if len(inherited) != len(t.Columns) {
		return false
	}
	for i := range inherited {
		a, b := inherited[i], t.Columns[i]
		if len(a.Deps) == 0 {
			a.Deps = nil
		}
		if !reflect.DeepEqual(a, b) {
			return false
		}
	}
	return true
}

var generatedKinds = map[string]string{"s": "STORED", "v": "VIRTUAL"}

func (e *encoder) column(t *model.Table, c *model.Column) *Body {
	b := &Body{}
	if c.Type != "" {
		b.set("type", e.typeValue(c.Type))
	}
	b.set("null", Boolean(!c.NotNull))
	// PostgreSQL 18's NOT NULL constraint, where it is not the one a plain
	// NOT NULL makes.
	b.setStr("not_null_name", c.NotNullName)
	b.setTrue("not_null_not_valid", c.NotNullNotValid)
	b.setTrue("not_null_no_inherit", c.NotNullNoInherit)
	if c.Collation != "" {
		b.set("collate", Str(collationWord(c.Collation)))
	}
	if c.Default != "" {
		b.set("default", e.defaultValue(c.Default, c.Type))
	}
	if c.Identity != "" {
		ib := &Body{}
		ib.set("generated", e.kw(map[string]string{"a": "ALWAYS", "d": "BY_DEFAULT"}[c.Identity]))
		if c.IdentitySequence != nil {
			seqType := "bigint"
			if c.Type == "smallint" || c.Type == "integer" {
				seqType = c.Type
			}
			e.sequenceOptions(ib, *c.IdentitySequence, seqType)
		}
		b.add("identity", nil, ib)
	}
	if c.Generated != "" {
		gb := &Body{}
		gb.set("expr", Str(c.Generated))
		gb.set("type", e.kw(generatedKinds[c.GeneratedKind]))
		b.add("as", nil, gb)
	}
	b.setStr("comment", c.Comment)
	if c.Storage != "" {
		b.set("storage", e.kw(map[string]string{"p": "PLAIN", "e": "EXTERNAL", "m": "MAIN", "x": "EXTENDED"}[c.Storage]))
	}
	b.setStr("compression", c.Compression)
	if c.Statistics != nil {
		b.set("statistics", Int(int64(*c.Statistics)))
	}
	b.setStrs("options", c.Options)
	b.setStrs("fdw_options", c.FDWOptions)
	b.setTrue("inherited", c.Inherited)
	e.grants(b, c.Grants)
	e.deps(b, c.Deps, true)
	b.setStr("renamed_from", c.RenamedFrom)
	return b
}

// colRefs writes columns of the table being written: column.NAME, or
// plain names in YAML.
func (e *encoder) colRefs(names []string) *Value {
	v := ListOf()
	for _, n := range names {
		v.Items = append(v.Items, e.colRef(n))
	}
	return v
}

func (e *encoder) colRef(name string) *Value {
	if e.dialect == YAML {
		return Str(name)
	}
	return RefTo("column", name)
}

var includeList = regexp.MustCompile(` INCLUDE \(([^()]*)\)`)

func (e *encoder) constraint(tb *Body, t *model.Table, c *model.Constraint) {
	b := &Body{}
	switch c.Type {
	case model.PrimaryKey, model.Unique, model.Exclusion:
		if len(c.Columns) > 0 {
			b.set("columns", e.colRefs(c.Columns))
		}
		var include []string
		if m := includeList.FindStringSubmatch(c.Definition); m != nil {
			for _, f := range strings.Split(m[1], ", ") {
				if n, ok := sqltext.Ident(f); ok {
					include = append(include, n)
				}
			}
			b.set("include", e.colRefs(include))
		}
		nnd := strings.HasPrefix(c.Definition, "UNIQUE NULLS NOT DISTINCT ")
		if nnd {
			b.set("nulls_distinct", Boolean(false))
		}
		b.setTrue("deferrable", c.Deferrable)
		b.setTrue("initially_deferred", c.InitiallyDeferred)
		b.setStr("tablespace", c.Tablespace)
		e.parentIndex(b, t.Schema, c.ParentIndex)
		if c.Type == model.Exclusion || keyText(c.Type, c.Columns, include, nnd, c.Deferrable, c.InitiallyDeferred) != c.Definition {
			b.set("definition", Str(c.Definition))
		}
	case model.Check:
		e.checkExpr(b, c.Definition, c.NoInherit, c.NotValid)
		b.setTrue("no_inherit", c.NoInherit)
		b.setTrue("not_valid", c.NotValid)
	case model.ForeignKey:
		e.foreignKey(b, t, c)
	default:
		b.set("definition", Str(c.Definition))
	}
	b.setStr("comment", c.Comment)
	e.deps(b, c.Deps, true)
	typ := map[model.ConstraintType]string{model.PrimaryKey: "primary_key", model.Unique: "unique",
		model.Exclusion: "exclude", model.Check: "check", model.ForeignKey: "foreign_key"}[c.Type]
	labels := []string{c.Name}
	if c.Type == model.PrimaryKey && c.Name == defaultKeyName(t.Name, "pkey") {
		labels = nil
	}
	tb.add(typ, labels, b)
}

func (e *encoder) foreignKey(b *Body, t *model.Table, c *model.Constraint) {
	b.set("columns", e.colRefs(c.Columns))
	if c.RefTable != nil {
		refs := ListOf()
		switch {
		case e.dialect == YAML:
			if *c.RefTable != t.QName {
				b.set("ref_table", e.ref("table", *c.RefTable))
			}
			refs = Strs(c.RefColumns)
		default:
			for _, rc := range c.RefColumns {
				if *c.RefTable == t.QName {
					refs.Items = append(refs.Items, RefTo("column", rc))
				} else {
					refs.Items = append(refs.Items, e.columnRef(*c.RefTable, rc))
				}
			}
			if len(c.RefColumns) == 0 {
				b.set("ref_table", e.ref("table", *c.RefTable))
			}
		}
		b.set("ref_columns", refs)
	}
	actions := map[string]string{"r": "RESTRICT", "c": "CASCADE", "n": "SET_NULL", "d": "SET_DEFAULT"}
	if w := actions[c.OnUpdate]; w != "" {
		b.set("on_update", e.kw(w))
	}
	if w := actions[c.OnDelete]; w != "" {
		b.set("on_delete", e.kw(w))
	}
	if m := map[string]string{"f": "FULL", "p": "PARTIAL"}[c.Match]; m != "" {
		b.set("match", e.kw(m))
	}
	b.setTrue("deferrable", c.Deferrable)
	b.setTrue("initially_deferred", c.InitiallyDeferred)
	b.setTrue("not_valid", c.NotValid)
	if c.RefTable == nil || c.OnUpdate == "" || c.OnDelete == "" || c.Match == "" || fkText(c) != c.Definition {
		b.set("definition", Str(c.Definition))
	}
}

func (e *encoder) parentIndex(b *Body, schema string, q *model.QName) {
	if q == nil {
		return
	}
	if q.Schema == schema {
		b.set("parent_index", Str(JoinName(q.Name)))
	} else {
		b.set("parent_index", Str(JoinName(q.Schema, q.Name)))
	}
}

var methodWords = map[string]string{"btree": "BTREE", "hash": "HASH", "gin": "GIN", "gist": "GIST", "spgist": "SPGIST", "brin": "BRIN"}

func (e *encoder) index(t *model.Table, partitioned bool, ix *model.Index) *Body {
	b := &Body{}
	b.setTrue("unique", ix.Unique)
	if ix.Method != "btree" {
		if w, ok := methodWords[ix.Method]; ok {
			b.set("type", e.kw(w))
		} else {
			b.set("type", Str(ix.Method))
		}
	}
	var parts []keyPart
	plain := true
	for _, k := range ix.Keys {
		p, ok := parseKey(k)
		if !ok {
			parts = nil
			break
		}
		plain = plain && p == keyPart{Column: p.Column}
		parts = append(parts, p)
	}
	switch {
	case len(parts) != len(ix.Keys):
		b.setStrs("keys", ix.Keys)
	case plain:
		var names []string
		for _, p := range parts {
			names = append(names, p.Column)
		}
		b.set("columns", e.colRefs(names))
	default:
		for _, p := range parts {
			b.add("on", nil, e.keyPart(p))
		}
	}
	if ix.Predicate != "" {
		b.set("where", Str(unparenthesized(ix.Predicate)))
	}
	if len(ix.Include) > 0 {
		b.set("include", e.colRefs(ix.Include))
	}
	if ix.NullsNotDistinct {
		b.set("nulls_distinct", Boolean(false))
	}
	b.setStrs("options", ix.Options)
	b.setStr("tablespace", ix.Tablespace)
	e.parentIndex(b, t.Schema, ix.ParentIndex)
	b.setTrue("invalid", ix.Invalid)
	b.setStr("comment", ix.Comment)
	e.deps(b, ix.Deps, true)
	if ix.Method == "" || len(ix.Keys) == 0 || indexText(t.QName, partitioned, *ix) != ix.Definition {
		b.set("definition", Str(ix.Definition))
	}
	return b
}

// keyPart writes an on or by block.
func (e *encoder) keyPart(p keyPart) *Body {
	b := &Body{}
	if p.Expr != "" {
		b.set("expr", Str(p.Expr))
	} else {
		b.set("column", e.colRef(p.Column))
	}
	b.setTrue("desc", p.Desc)
	if p.Nulls != "" {
		// Atlas's spelling, which retort reads too; Atlas rejects nulls =.
		b.set("nulls_"+strings.ToLower(p.Nulls), Boolean(true))
	}
	if p.OpClass != "" {
		if _, rest, ok := sqltext.Idents(p.OpClass); ok && rest == "" && IsIdent(p.OpClass) {
			b.set("ops", e.kw(p.OpClass))
		} else {
			b.set("ops", Str(p.OpClass))
		}
	}
	if p.Collate != "" {
		b.set("collate", Str(collationWord(p.Collate)))
	}
	return b
}

// partition writes a partition key: type and columns, or by blocks.
func (e *encoder) partition(key string) *Body {
	b := &Body{}
	i := strings.Index(key, " (")
	if i > 0 && strings.HasSuffix(key, ")") {
		typ := key[:i]
		var parts []keyPart
		plain := true
		for _, s := range sqltext.SplitTop(key[i+2:len(key)-1], ',') {
			p, ok := parseKey(strings.TrimSpace(s))
			if !ok {
				parts = nil
				break
			}
			plain = plain && p == keyPart{Column: p.Column}
			parts = append(parts, p)
		}
		var texts []string
		for _, p := range parts {
			texts = append(texts, p.text())
		}
		if (typ == "RANGE" || typ == "LIST" || typ == "HASH") && len(parts) > 0 && typ+" ("+strings.Join(texts, ", ")+")" == key {
			b.set("type", e.kw(typ))
			if plain {
				var names []string
				for _, p := range parts {
					names = append(names, p.Column)
				}
				b.set("columns", e.colRefs(names))
			} else {
				for _, p := range parts {
					b.add("by", nil, e.keyPart(p))
				}
			}
			return b
		}
	}
	b.set("definition", Str(key))
	return b
}
