package codec

import (
	"fmt"
	"strings"

	"github.com/retortdb/retort/internal/sqltext"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/sqlddl"
)

// tableState is a table being decoded, with what the checks that run once
// every table is known need.
type tableState struct {
	t    *model.Table
	decl *decl
	// cols are the column names that keys, indexes and the like use, checked
	// once inherited columns are known.
	cols []pendingName
	fks  []*pendingFK
	// unnamedFKs and unnamedIndexes are the places in t.Constraints and
	// t.Indexes of the foreign keys and indexes declared without a name.
	unnamedFKs, unnamedIndexes []int
	// declared says which columns the block declares itself.
	declared int
	expanded bool
	visiting bool
}

type pendingName struct {
	name string
	v    *Value
}

// pendingFK is a foreign key whose referenced key is checked once every
// table is decoded.
type pendingFK struct {
	index   int // in t.Constraints
	refCols []pendingName
	pos     Pos
	text    string
	hasDef  bool
}

func (d *decoder) table(r *reader, dc *decl) {
	t := &model.Table{QName: dc.q, Kind: model.TableOrdinary, ReplicaIdentity: "d"}
	ts := &tableState{t: t, decl: dc}
	d.tables[dc.q] = ts
	if a := r.attr("partition_of"); a != nil {
		if o, ok := d.objectRef(a.Value, "table"); ok {
			t.PartitionOf = &o.q
		}
		if t.PartitionBound, _ = r.str("bound"); t.PartitionBound == "" {
			d.errs.add(a.Pos, a.Text, "a partition needs bound, such as \"FOR VALUES FROM (…) TO (…)\" or \"DEFAULT\"")
		}
	} else if a := r.attr("bound"); a != nil {
		d.errs.add(a.Pos, a.Text, "bound is for partitions: set partition_of too")
	}
	_, parents := r.items("inherits")
	for _, v := range parents {
		if o, ok := d.objectRef(v, "table"); ok {
			t.Inherits = append(t.Inherits, o.q)
		}
	}
	t.OfType, _ = r.typeValue("of_type")
	if b := r.block("partition"); b != nil {
		t.Kind = model.TablePartitioned
		t.PartitionKey = d.partitionKey(ts, b)
	}
	if a := r.attr("server"); a != nil {
		if o, ok := d.objectRef(a.Value, "server"); ok {
			t.Server = o.q.Name
		}
		if t.Kind == model.TablePartitioned {
			d.errs.add(a.Pos, a.Text, "a foreign table cannot be partitioned")
		}
		t.Kind = model.TableForeign
	}
	t.ServerOptions = r.options("server_options")

	seen := map[string]bool{}
	for _, b := range r.blocks("column", true) {
		c := d.column(ts, b)
		if seen[c.Name] {
			d.errs.add(b.Pos, b.Text, "column %q is declared twice in table %s", c.Name, t.QName)
			continue
		}
		seen[c.Name] = true
		t.Columns = append(t.Columns, c)
	}
	ts.declared = len(t.Columns)
	d.constraints(r, ts)
	idx := map[string]bool{}
	for _, b := range r.blocks("index", true) {
		ix := d.index(ts, b, t.Kind == model.TablePartitioned)
		if ix.Name == "" {
			ts.unnamedIndexes = append(ts.unnamedIndexes, len(t.Indexes))
			t.Indexes = append(t.Indexes, ix)
			continue
		}
		if idx[ix.Name] {
			d.errs.add(b.Pos, b.Text, "index %q is declared twice in table %s", ix.Name, t.QName)
			continue
		}
		idx[ix.Name] = true
		t.Indexes = append(t.Indexes, ix)
	}
	t.Unlogged, _ = r.boolean("unlogged")
	if b := r.block("row_security"); b != nil {
		rr := d.read(b.Body)
		t.RowSecurity, _ = rr.boolean("enabled")
		t.ForceRowSecurity, _ = rr.boolean("enforced")
		rr.done("row_security")
	}
	t.Options = r.options("options")
	t.Tablespace, _ = r.str("tablespace")
	t.AccessMethod, _ = r.str("access_method")
	if ri, ok := r.keyword("replica_identity", map[string]string{"DEFAULT": "d", "NOTHING": "n", "FULL": "f", "INDEX": "i"}); ok {
		t.ReplicaIdentity = ri
	}
	t.ReplicaIdentityIndex, _ = r.str("replica_identity_index")
	if (t.ReplicaIdentity == "i") != (t.ReplicaIdentityIndex != "") {
		d.errs.add(dc.block.Pos, dc.block.Text, "replica_identity = INDEX goes with replica_identity_index")
	}
	t.Owner, _ = r.str("owner")
	t.Comment, _ = r.str("comment")
	t.Grants = r.grants()
	t.RenamedFrom, _ = r.str("renamed_from")
}

// colName reads a reference to a column of the table being decoded:
// column.NAME, a string NAME, or table.T.column.NAME or
// table.S.T.column.NAME naming this table (the form of Atlas's HCL
// documentation and of its older inspect output).
func (d *decoder) colName(ts *tableState, v *Value) (string, bool) {
	n := len(v.Parts)
	switch {
	case v.Kind == Ref && n == 2 && v.Parts[0] == "column":
		ts.cols = append(ts.cols, pendingName{v.Parts[1], v})
		return v.Parts[1], true
	case v.Kind == Ref && (n == 4 || n == 5) && v.Parts[0] == "table" && v.Parts[n-2] == "column":
		o, err := d.lookupOne([]string{"table"}, v.Parts[1:n-2])
		if err != nil {
			d.errs.add(v.Pos, v.Text, "%v", err)
			return "", false
		}
		if o != ts.decl {
			d.errs.add(v.Pos, v.Text, "want a column of table %s, not of table %s", ts.t.QName, o.q)
			return "", false
		}
		ts.cols = append(ts.cols, pendingName{v.Parts[n-1], v})
		return v.Parts[n-1], true
	case v.Kind == String && v.Str != "":
		ts.cols = append(ts.cols, pendingName{v.Str, v})
		return v.Str, true
	}
	d.errs.add(v.Pos, v.Text, "want a reference to a column of table %s (column.NAME)", ts.t.QName)
	return "", false
}

// colNames reads a list of column references.
func (r *reader) colNames(ts *tableState, name string) []string {
	_, items := r.items(name)
	var out []string
	for _, v := range items {
		if n, ok := r.d.colName(ts, v); ok {
			out = append(out, n)
		}
	}
	return out
}

// columnRefValue reads table.T.column.C, table.S.T.column.C, or a string
// "T.C" or "S.T.C".
func (d *decoder) columnRefValue(v *Value, schema string) *model.ColumnRef {
	var tparts []string
	var col string
	switch v.Kind {
	case Ref:
		n := len(v.Parts)
		if n < 4 || n > 5 || v.Parts[0] != "table" || v.Parts[n-2] != "column" {
			d.errs.add(v.Pos, v.Text, "want a reference to a column (table.T.column.C)")
			return nil
		}
		tparts, col = v.Parts[1:n-2], v.Parts[n-1]
	case String:
		parts, ok := SplitName(v.Str)
		if !ok || len(parts) < 2 || len(parts) > 3 {
			d.errs.add(v.Pos, v.Text, "want a column as TABLE.COLUMN or SCHEMA.TABLE.COLUMN")
			return nil
		}
		tparts, col = parts[:len(parts)-1], parts[len(parts)-1]
	default:
		d.errs.add(v.Pos, v.Text, "want a reference to a column, got %s", v.Describe())
		return nil
	}
	o, err := d.lookupOne([]string{"table"}, tparts)
	if err != nil {
		d.errs.add(v.Pos, v.Text, "%v", err)
		return nil
	}
	d.later = append(d.later, func() {
		if ts := d.tables[o.q]; ts != nil && !hasColumn(ts.t, col) {
			d.errs.add(v.Pos, v.Text, "table %s has no column %q", o.q, col)
		}
	})
	return &model.ColumnRef{Table: o.q, Column: col}
}

func hasColumn(t *model.Table, name string) bool {
	for _, c := range t.Columns {
		if c.Name == name {
			return true
		}
	}
	return false
}

var storages = map[string]string{"PLAIN": "p", "EXTERNAL": "e", "MAIN": "m", "EXTENDED": "x"}

func (d *decoder) column(ts *tableState, b *Block) model.Column {
	r := d.read(b.Body)
	c := model.Column{Name: label(b)}
	if c.Name == "" {
		d.errs.add(b.Pos, b.Text, "column needs a name")
	}
	c.Inherited, _ = r.boolean("inherited")
	var ok bool
	if c.Type, ok = r.typeValue("type"); !ok && !r.has("type") && !c.Inherited {
		d.errs.add(b.Pos, b.Text, "column %q needs a type", c.Name)
	}
	null, _ := r.boolean("null")
	c.NotNull = !null
	c.NotNullName, _ = r.str("not_null_name")
	c.NotNullNotValid, _ = r.boolean("not_null_not_valid")
	c.NotNullNoInherit, _ = r.boolean("not_null_no_inherit")
	if !c.NotNull && (c.NotNullName != "" || c.NotNullNotValid || c.NotNullNoInherit) {
		d.errs.add(b.Pos, b.Text, "column %q: not_null_name, not_null_not_valid and not_null_no_inherit describe a NOT NULL constraint: set null = false", c.Name)
	}
	c.Collation, _ = r.collation("collate")
	c.Default, _ = r.defaultValue("default", c.Type)
	if ib := r.block("identity"); ib != nil {
		ir := d.read(ib.Body)
		c.Identity = "d"
		if g, ok := ir.keyword("generated", map[string]string{"ALWAYS": "a", "BY_DEFAULT": "d"}); ok {
			c.Identity = g
		}
		seqType := "bigint"
		if c.Type == "smallint" || c.Type == "integer" {
			seqType = c.Type
		}
		opts := ir.sequenceOptions(seqType)
		c.IdentitySequence = &opts
		ir.done("identity")
	}
	if v := r.peek("as"); v != nil && v.Kind != Object {
		if c.Generated, ok = r.expr("as"); ok {
			c.GeneratedKind = "s"
		}
	} else if gb := r.block("as"); gb != nil {
		gr := d.read(gb.Body)
		if c.Generated, ok = gr.expr("expr"); !ok && !gr.has("expr") {
			d.errs.add(gb.Pos, gb.Text, "as needs expr")
		}
		c.GeneratedKind = "s"
		if k, ok := gr.keyword("type", map[string]string{"STORED": "s", "VIRTUAL": "v"}); ok {
			c.GeneratedKind = k
		}
		gr.done("as")
	}
	c.Comment, _ = r.str("comment")
	if s, ok := r.keyword("storage", storages); ok {
		c.Storage = s
	}
	c.Compression, _ = r.str("compression")
	if n, ok := r.integer("statistics"); ok {
		st := int(n)
		c.Statistics = &st
	}
	c.Options = r.options("options")
	c.FDWOptions = r.options("fdw_options")
	c.Grants = r.grants()
	c.Deps = r.deps()
	c.RenamedFrom, _ = r.str("renamed_from")
	r.done("column " + c.Name)
	return c
}

// partitionKey reads a partition block into pg_get_partkeydef's text:
//
//	partition { type = RANGE, columns = [column.d] }
//	partition { type = LIST, by { expr = "lower(name)" } }
func (d *decoder) partitionKey(ts *tableState, b *Block) string {
	r := d.read(b.Body)
	defer r.done("partition")
	if def, ok := r.sqlText("definition", "exactly one partition key", partitionKeyCheck); ok {
		return def
	}
	typ, ok := r.keyword("type", map[string]string{"RANGE": "RANGE", "LIST": "LIST", "HASH": "HASH"})
	if !ok && !r.has("type") {
		d.errs.add(b.Pos, b.Text, "partition needs a type (RANGE, LIST or HASH)")
	}
	var keys []string
	for _, n := range r.colNames(ts, "columns") {
		keys = append(keys, quoteIdent(n))
	}
	for _, pb := range r.blocks("by", false) {
		if k, ok := d.keyPart(ts, pb, "by"); ok {
			keys = append(keys, k.text())
		}
	}
	if len(keys) == 0 {
		d.errs.add(b.Pos, b.Text, "partition needs columns or by blocks")
	}
	return typ + " (" + strings.Join(keys, ", ") + ")"
}

// keyPart reads an on (index) or by (partition) block: column or expr,
// with desc, nulls, ops and collate.
func (d *decoder) keyPart(ts *tableState, b *Block, what string) (keyPart, bool) {
	r := d.read(b.Body)
	defer r.done(what)
	var k keyPart
	ca, ea := r.attr("column"), r.attr("expr")
	switch {
	case ca != nil && ea != nil:
		d.errs.add(b.Pos, b.Text, "%s: give column or expr, not both", what)
		return k, false
	case ca != nil:
		n, ok := d.colName(ts, ca.Value)
		if !ok {
			return k, false
		}
		k.Column = n
	case ea != nil:
		if ea.Value.Kind != String {
			r.wrong(ea, "an SQL expression (a string)")
			return k, false
		}
		if !d.checkSQL(ea.Value, "expr", oneExpr, ea.Value.Str, exprCheck) {
			return k, false
		}
		k.Expr = exprText(ea.Value.Str)
	default:
		d.errs.add(b.Pos, b.Text, "%s needs column or expr", what)
		return k, false
	}
	k.Desc, _ = r.boolean("desc")
	if n, ok := r.keyword("nulls", map[string]string{"FIRST": "FIRST", "LAST": "LAST"}); ok {
		k.Nulls = n
	}
	// Atlas's spelling, which retort writes: nulls_first = true.
	if on, _ := r.boolean("nulls_first"); on {
		k.Nulls = "FIRST"
	}
	if on, _ := r.boolean("nulls_last"); on {
		k.Nulls = "LAST"
	}
	k.OpClass, _ = r.opClass("ops")
	k.Collate, _ = r.collation("collate")
	return k, true
}

var methods = map[string]string{"BTREE": "btree", "HASH": "hash", "GIN": "gin", "GIST": "gist", "SPGIST": "spgist", "BRIN": "brin"}

// index reads an index block of a table or materialized view.
func (d *decoder) index(ts *tableState, b *Block, partitioned bool) model.Index {
	r := d.read(b.Body)
	ix := model.Index{Name: label(b), Method: "btree"}
	if ix.Name == "" && r.has("definition") {
		d.errs.add(b.Pos, b.Text, "an index with a definition needs the name the definition gives it")
	}
	ix.Unique, _ = r.boolean("unique")
	if a := r.attr("type"); a != nil {
		if w, ok := word(a.Value); ok && w != "" {
			if m, known := methods[w]; known {
				ix.Method = m
			} else {
				ix.Method = strings.ToLower(w)
			}
		} else {
			r.wrong(a, "an index method such as BTREE or GIN")
		}
	}
	for _, n := range r.colNames(ts, "columns") {
		ix.Keys = append(ix.Keys, quoteIdent(n))
	}
	if keys, ok := r.sqlStrs("keys", "exactly one index key", indexKeyCheck); ok {
		ix.Keys = append(ix.Keys, keys...)
	}
	for _, ob := range r.blocks("on", false) {
		if k, ok := d.keyPart(ts, ob, "on"); ok {
			ix.Keys = append(ix.Keys, k.text())
		}
	}
	if w, ok := r.expr("where"); ok {
		ix.Predicate = predicateText(w)
	}
	ix.Include = r.colNames(ts, "include")
	if nd, ok := r.boolean("nulls_distinct"); ok {
		ix.NullsNotDistinct = !nd
	}
	ix.Options = r.options("options")
	if n, ok := r.integer("page_per_range"); ok {
		// Atlas's attribute of a BRIN index: its pages_per_range.
		ix.Options = append(ix.Options, fmt.Sprintf("pages_per_range=%d", n))
	}
	ix.Tablespace, _ = r.str("tablespace")
	ix.ParentIndex = r.parentIndex(ts.t.Schema)
	ix.Invalid, _ = r.boolean("invalid")
	ix.Comment, _ = r.str("comment")
	ix.Deps = r.deps()
	def, hasDef := r.sqlText("definition", oneCreate(sqlddl.DefIndex), definitionCheck(sqlddl.DefIndex, onTable(ts.t.QName, ix.Name)))
	switch {
	case hasDef:
		ix.Definition = def
	case len(ix.Keys) == 0:
		d.errs.add(b.Pos, b.Text, "index %q needs columns or on blocks", ix.Name)
	case ix.Name != "":
		ix.Definition = indexText(ts.t.QName, partitioned, ix)
	}
	r.done("index " + ix.Name)
	return ix
}

// parentIndex reads parent_index: the index of the parent table that a
// partition's index or key is attached to, as NAME or SCHEMA.NAME.
func (r *reader) parentIndex(schema string) *model.QName {
	a := r.attr("parent_index")
	if a == nil {
		return nil
	}
	parts, ok := SplitName(a.Value.Str)
	if a.Value.Kind != String || !ok || len(parts) > 2 {
		r.wrong(a, "an index name (NAME or SCHEMA.NAME)")
		return nil
	}
	if len(parts) == 1 {
		return &model.QName{Schema: schema, Name: parts[0]}
	}
	return &model.QName{Schema: parts[0], Name: parts[1]}
}

// indexText is pg_get_indexdef's text for an index given by its parts.
func indexText(owner model.QName, partitioned bool, ix model.Index) string {
	opts := make([]string, len(ix.Options))
	for i, o := range ix.Options {
		k, v, _ := strings.Cut(o, "=")
		opts[i] = sqltext.OptionKey(k) + "=" + literal(v)
	}
	return sqltext.Index{
		Name: ix.Name, Unique: ix.Unique, Only: partitioned, Schema: owner.Schema, Table: owner.Name,
		Method: ix.Method, Keys: ix.Keys, Include: ix.Include, NullsNotDistinct: ix.NullsNotDistinct,
		With: strings.Join(opts, ", "), Predicate: ix.Predicate,
	}.String()
}
