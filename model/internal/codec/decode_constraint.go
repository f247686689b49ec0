package codec

import (
	"slices"
	"strings"

	"github.com/retortdb/retort/internal/sqltext"
	"github.com/retortdb/retort/model"
)

var fkActions = map[string]string{"NO_ACTION": "a", "RESTRICT": "r", "CASCADE": "c", "SET_NULL": "n", "SET_DEFAULT": "d"}

var fkMatches = map[string]string{"SIMPLE": "s", "FULL": "f", "PARTIAL": "p"}

// constraints reads a table's primary_key, unique, foreign_key, check and
// exclude blocks.
func (d *decoder) constraints(r *reader, ts *tableState) {
	t := ts.t
	seen := map[string]*Block{}
	add := func(b *Block, c model.Constraint) {
		if c.Name == "" {
			// An unnamed foreign_key (Atlas's form): named once every
			// table is known, as PostgreSQL names it (see nameUnnamed).
			ts.unnamedFKs = append(ts.unnamedFKs, len(t.Constraints))
			t.Constraints = append(t.Constraints, c)
			return
		}
		if prev := seen[c.Name]; prev != nil {
			d.errs.add(b.Pos, b.Text, "constraint %q is declared twice in table %s (first at %s)", c.Name, t.QName, prev.Pos)
			return
		}
		seen[c.Name] = b
		t.Constraints = append(t.Constraints, c)
	}
	pks := r.blocks("primary_key", false)
	for i, b := range pks {
		if i > 0 {
			d.errs.add(b.Pos, b.Text, "table %s has more than one primary key", t.QName)
			continue
		}
		add(b, d.key(ts, b, model.PrimaryKey))
	}
	for _, b := range r.blocks("unique", true) {
		add(b, d.key(ts, b, model.Unique))
	}
	for _, b := range r.blocks("exclude", true) {
		add(b, d.key(ts, b, model.Exclusion))
	}
	for _, b := range r.blocks("check", true) {
		cr := d.read(b.Body)
		c := model.Constraint{Name: label(b), Type: model.Check}
		if c.Name == "" {
			d.errs.add(b.Pos, b.Text, "check needs a name")
		}
		c.NotValid, _ = cr.boolean("not_valid")
		c.NoInherit, _ = cr.boolean("no_inherit")
		c.Definition = cr.checkDefinition(b, c.NotValid, c.NoInherit, false)
		c.Comment, _ = cr.str("comment")
		c.Deps = cr.deps()
		cr.done("check " + c.Name)
		add(b, c)
	}
	for _, b := range r.blocks("foreign_key", true) {
		c, fk := d.foreignKey(ts, b)
		before := len(t.Constraints)
		add(b, c)
		if len(t.Constraints) > before && fk != nil {
			fk.index = before
			ts.fks = append(ts.fks, fk)
		}
	}
}

// key reads a primary_key, unique or exclude block.
func (d *decoder) key(ts *tableState, b *Block, typ model.ConstraintType) model.Constraint {
	r := d.read(b.Body)
	c := model.Constraint{Name: label(b), Type: typ}
	what := map[model.ConstraintType]string{model.PrimaryKey: "primary_key", model.Unique: "unique", model.Exclusion: "exclude"}[typ]
	if c.Name == "" {
		if typ != model.PrimaryKey {
			d.errs.add(b.Pos, b.Text, "%s needs a name", what)
		}
		c.Name = defaultKeyName(ts.t.Name, "pkey")
	}
	c.Index = c.Name
	c.Columns = r.colNames(ts, "columns")
	include := r.colNames(ts, "include")
	nullsNotDistinct := false
	if typ == model.Unique {
		if nd, ok := r.boolean("nulls_distinct"); ok {
			nullsNotDistinct = !nd
		}
	}
	c.Deferrable, _ = r.boolean("deferrable")
	c.InitiallyDeferred, _ = r.boolean("initially_deferred")
	c.Tablespace, _ = r.str("tablespace")
	c.ParentIndex = r.parentIndex(ts.t.Schema)
	c.Comment, _ = r.str("comment")
	c.Deps = r.deps()
	def, hasDef := r.sqlText("definition", oneConstraint, constraintCheck)
	switch {
	case hasDef:
		c.Definition = def
	case typ == model.Exclusion:
		d.errs.add(b.Pos, b.Text, "exclude needs definition, such as \"EXCLUDE USING gist (c WITH &&)\"")
	case len(c.Columns) == 0:
		d.errs.add(b.Pos, b.Text, "%s needs columns", what)
	default:
		c.Definition = keyText(typ, c.Columns, include, nullsNotDistinct, c.Deferrable, c.InitiallyDeferred)
	}
	r.done(what + " " + c.Name)
	return c
}

// keyText is pg_get_constraintdef's text of a primary key or unique
// constraint.
func keyText(typ model.ConstraintType, cols, include []string, nullsNotDistinct, deferrable, initiallyDeferred bool) string {
	return sqltext.KeyText(typ == model.PrimaryKey, cols, include, nullsNotDistinct) + sqltext.Deferral(deferrable, initiallyDeferred)
}

// fkText is pg_get_constraintdef's text of a foreign key. Unknown action
// codes are left out: decoding has reported them.
func fkText(c *model.Constraint) string {
	var b strings.Builder
	b.WriteString(sqltext.ForeignKeyHead(c.Columns, c.RefTable.Schema, c.RefTable.Name))
	b.WriteString("(" + identList(c.RefColumns) + ")")
	b.WriteString(sqltext.MatchText(c.Match))
	if w, _ := sqltext.Action(c.OnUpdate); w != "" {
		b.WriteString(" ON UPDATE " + w)
	}
	if w, _ := sqltext.Action(c.OnDelete); w != "" {
		b.WriteString(" ON DELETE " + w)
	}
	b.WriteString(sqltext.Deferral(c.Deferrable, c.InitiallyDeferred))
	if c.NotValid {
		b.WriteString(" NOT VALID")
	}
	return b.String()
}

// foreignKey reads a foreign_key block:
//
//	foreign_key "fk" {
//	  columns     = [column.owner_id]
//	  ref_columns = [table.users.column.id]
//	  on_delete   = CASCADE
//	}
func (d *decoder) foreignKey(ts *tableState, b *Block) (model.Constraint, *pendingFK) {
	r := d.read(b.Body)
	defer r.done("foreign_key " + label(b))
	c := model.Constraint{Name: label(b), Type: model.ForeignKey, OnUpdate: "a", OnDelete: "a", Match: "s"}
	fk := &pendingFK{pos: b.Pos, text: b.Text}
	c.Columns = r.colNames(ts, "columns")
	if len(c.Columns) == 0 && !r.has("definition") {
		d.errs.add(b.Pos, b.Text, "foreign_key %q needs columns", c.Name)
	}
	var refTable *decl
	if a := r.attr("ref_table"); a != nil {
		refTable, _ = d.objectRef(a.Value, "table")
	}
	refAttr, items := r.items("ref_columns")
	if refAttr != nil {
		fk.pos, fk.text = refAttr.Value.Pos, refAttr.Value.Text
	}
	for _, v := range items {
		tparts, col, ok := d.refColumn(ts, v)
		if !ok {
			continue
		}
		target := ts.decl
		if tparts != nil {
			o, err := d.lookupOne([]string{"table"}, tparts)
			if err != nil {
				d.errs.add(v.Pos, v.Text, "%v", err)
				continue
			}
			target = o
		} else if refTable != nil {
			target = refTable
		}
		if refTable == nil {
			refTable = target
		} else if target != refTable {
			d.errs.add(v.Pos, v.Text, "ref_columns name columns of more than one table")
			continue
		}
		c.RefColumns = append(c.RefColumns, col)
		fk.refCols = append(fk.refCols, pendingName{col, v})
	}
	if refTable == nil && refAttr == nil && !r.has("definition") {
		d.errs.add(b.Pos, b.Text, "foreign_key %q needs ref_columns", c.Name)
	}
	if refTable != nil {
		q := refTable.q
		c.RefTable = &q
	}
	if a, ok := r.keyword("on_update", fkActions); ok {
		c.OnUpdate = a
	}
	if a, ok := r.keyword("on_delete", fkActions); ok {
		c.OnDelete = a
	}
	if m, ok := r.keyword("match", fkMatches); ok {
		c.Match = m
	}
	c.Deferrable, _ = r.boolean("deferrable")
	c.InitiallyDeferred, _ = r.boolean("initially_deferred")
	c.NotValid, _ = r.boolean("not_valid")
	c.Comment, _ = r.str("comment")
	c.Deps = r.deps()
	c.Definition, fk.hasDef = r.sqlText("definition", oneConstraint, constraintCheck)
	if c.RefTable == nil {
		return c, nil
	}
	return c, fk
}

// refColumn reads one of ref_columns: column.C (this table, or ref_table),
// table.T.column.C, table.S.T.column.C, or a string C.
func (d *decoder) refColumn(ts *tableState, v *Value) (tparts []string, col string, ok bool) {
	switch v.Kind {
	case Ref:
		n := len(v.Parts)
		switch {
		case n == 2 && v.Parts[0] == "column":
			return nil, v.Parts[1], true
		case (n == 4 || n == 5) && v.Parts[0] == "table" && v.Parts[n-2] == "column":
			return v.Parts[1 : n-2], v.Parts[n-1], true
		}
	case String:
		if v.Str != "" {
			return nil, v.Str, true
		}
	}
	d.errs.add(v.Pos, v.Text, "ref_columns: want a reference to a column (table.T.column.C)")
	return nil, "", false
}

// finishTables fills inherited columns, then checks every column that a
// key, index or foreign key names and every foreign key's referenced key,
// and stores the tables.
func (d *decoder) finishTables() {
	for _, dc := range d.decls["table"] {
		if ts := d.tables[dc.q]; ts != nil {
			d.expand(ts)
		}
	}
	d.nameUnnamed()
	d.attachedKeys()
	for _, dc := range d.decls["table"] {
		ts := d.tables[dc.q]
		if ts == nil {
			continue
		}
		for _, p := range ts.cols {
			if !hasColumn(ts.t, p.name) {
				d.errs.add(p.v.Pos, p.v.Text, "table %s has no column %q", ts.t.QName, p.name)
			}
		}
		for _, fk := range ts.fks {
			d.checkFK(ts, fk)
		}
	}
	for _, dc := range d.decls["table"] {
		if ts := d.tables[dc.q]; ts != nil {
			d.s.Tables = append(d.s.Tables, *ts.t)
		}
	}
}

// expand puts the columns a table inherits from its parents in front of
// its own, as PostgreSQL orders them, unless it declares them all.
func (d *decoder) expand(ts *tableState) {
	if ts.expanded {
		return
	}
	if ts.visiting {
		d.errs.add(ts.decl.block.Pos, ts.decl.block.Text, "table %s inherits from itself", ts.t.QName)
		return
	}
	ts.visiting = true
	defer func() { ts.visiting, ts.expanded = false, true }()
	t := ts.t
	var parents []*model.Table
	for _, q := range Parents(t) {
		if p := d.tables[q]; p != nil {
			d.expand(p)
			parents = append(parents, p.t)
		}
	}
	if len(parents) == 0 {
		return
	}
	inherited := InheritedColumns(parents)
	declared := t.Columns
	all := true
	for _, c := range inherited {
		all = all && hasColumn(t, c.Name)
	}
	if all {
		return
	}
	cols := inherited
	for _, c := range declared {
		if i := slices.IndexFunc(cols, func(x model.Column) bool { return x.Name == c.Name }); i >= 0 {
			cols[i] = mergeInherited(cols[i], c)
		} else {
			cols = append(cols, c)
		}
	}
	t.Columns = cols
}

// mergeInherited is a column a child declares over one it inherits: what
// the child leaves out comes from the parent.
func mergeInherited(parent, child model.Column) model.Column {
	if child.Type == "" {
		child.Type = parent.Type
	}
	return child
}

// Parents lists the tables t inherits columns from: its partition parent,
// or its inheritance parents.
func Parents(t *model.Table) []model.QName {
	if t.PartitionOf != nil {
		return []model.QName{*t.PartitionOf}
	}
	return t.Inherits
}

// InheritedColumns are the columns a child gets from parents, in order,
// marked inherited, as the decoder fills them in when a child declares
// none of its own.
func InheritedColumns(parents []*model.Table) []model.Column {
	var out []model.Column
	for _, p := range parents {
		for _, c := range p.Columns {
			if slices.ContainsFunc(out, func(x model.Column) bool { return x.Name == c.Name }) {
				continue
			}
			out = append(out, model.Column{
				Name: c.Name, Type: c.Type, Collation: c.Collation, NotNull: c.NotNull, Default: c.Default,
				Identity: c.Identity, IdentitySequence: c.IdentitySequence,
				Generated: c.Generated, GeneratedKind: c.GeneratedKind,
				Storage: c.Storage, Compression: c.Compression,
				Inherited: true, Deps: slices.Clone(c.Deps),
			})
		}
	}
	return out
}

// checkFK checks that a foreign key's referenced columns exist and make up
// a primary key or unique constraint (or unique index) of the referenced
// table, fills the referenced columns from the primary key when none are
// given, and builds the definition.
func (d *decoder) checkFK(ts *tableState, fk *pendingFK) {
	c := &ts.t.Constraints[fk.index]
	ref := d.tables[*c.RefTable]
	if ref == nil {
		return
	}
	ok := true
	for _, p := range fk.refCols {
		if !hasColumn(ref.t, p.name) {
			d.errs.add(p.v.Pos, p.v.Text, "table %s has no column %q", ref.t.QName, p.name)
			ok = false
		}
	}
	if !ok {
		return
	}
	if len(c.RefColumns) == 0 {
		for _, k := range ref.t.Constraints {
			if k.Type == model.PrimaryKey {
				c.RefColumns = slices.Clone(k.Columns)
			}
		}
		if len(c.RefColumns) == 0 && !fk.hasDef {
			d.errs.add(fk.pos, fk.text, "foreign key %q: table %s has no primary key; give ref_columns", c.Name, ref.t.QName)
			return
		}
	}
	if len(c.Columns) != len(c.RefColumns) && !fk.hasDef {
		d.errs.add(fk.pos, fk.text, "foreign key %q has %d columns but references %d", c.Name, len(c.Columns), len(c.RefColumns))
		return
	}
	if known, unique := uniqueKey(ref.t, c.RefColumns); known && !unique {
		d.errs.add(fk.pos, fk.text, "foreign key %q references (%s) of table %s, which is not its primary key or a unique constraint",
			c.Name, strings.Join(c.RefColumns, ", "), ref.t.QName)
		return
	}
	if !fk.hasDef {
		c.Definition = fkText(c)
	}
}

// uniqueKey reports whether cols (in any order) are the columns of a
// primary key, a unique constraint or a plain unique index of t; known is
// false when t has a key given only as a definition, whose columns are not
// known.
func uniqueKey(t *model.Table, cols []string) (known, unique bool) {
	same := func(a []string) bool {
		if len(a) != len(cols) {
			return false
		}
		for _, c := range cols {
			if !slices.Contains(a, c) {
				return false
			}
		}
		return true
	}
	known = true
	for _, k := range t.Constraints {
		if k.Type != model.PrimaryKey && k.Type != model.Unique {
			continue
		}
		if len(k.Columns) == 0 {
			known = false
		}
		if same(k.Columns) {
			return true, true
		}
	}
	for _, ix := range t.Indexes {
		if !ix.Unique || ix.Predicate != "" {
			continue
		}
		var names []string
		for _, key := range ix.Keys {
			k, ok := parseKey(key)
			if !ok || k.Column == "" {
				names = nil
				break
			}
			names = append(names, k.Column)
		}
		if len(ix.Keys) > 0 && len(names) == 0 && ix.Definition != "" {
			known = false
		}
		if same(names) {
			return true, true
		}
	}
	return known, false
}
