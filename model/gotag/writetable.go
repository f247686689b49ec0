package gotag

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/internal/sqltext"
	"github.com/retortdb/retort/model"
)

// goTypes are the Go types whose type under retort's rules is exactly the
// column type, with whether they hold NULL and the import they need.
var goTypes = map[string]struct {
	typ, imp string
	null     bool
}{
	"bigint": {"int64", "", false}, "integer": {"int32", "", false}, "smallint": {"int16", "", false},
	"text": {"string", "", false}, "boolean": {"bool", "", false}, "double precision": {"float64", "", false},
	"real": {"float32", "", false}, "timestamp with time zone": {"time.Time", "time", false},
	"bytea": {"[]byte", "", true}, "jsonb": {"json.RawMessage", "encoding/json", true},
	"text[]": {"[]string", "", true}, "bigint[]": {"[]int64", "", true}, "integer[]": {"[]int32", "", true},
	"smallint[]": {"[]int16", "", true}, "boolean[]": {"[]bool", "", true},
	"double precision[]": {"[]float64", "", true}, "real[]": {"[]float32", "", true},
}

// fieldOut is one struct field being written.
type fieldOut struct {
	name, typ string
	opts      []string
}

// writeTable writes one table as a struct.
func (w *writer) writeTable(b *strings.Builder, t *model.Table) {
	switch {
	case t.Kind == model.TableForeign:
		w.notes = append(w.notes, "foreign table "+t.QName.String())
		return
	case t.PartitionKey != "" || t.PartitionOf != nil:
		w.notes = append(w.notes, "partitioned table or partition "+t.QName.String())
		return
	case len(t.Inherits) > 0 || t.OfType != "":
		w.notes = append(w.notes, "inheriting or typed table "+t.QName.String())
		return
	}
	var lost []string
	if t.RowSecurity || t.ForceRowSecurity {
		lost = append(lost, "row security")
	}
	if len(t.Options) > 0 || t.Tablespace != "" || t.AccessMethod != "" {
		lost = append(lost, "storage options")
	}
	if t.ReplicaIdentity != "" && t.ReplicaIdentity != "d" {
		lost = append(lost, "replica identity")
	}
	sname := goName(singular(t.Name))
	if t.Schema != "public" {
		sname = goName(t.Schema) + sname
	}
	sname = w.unique(sname)

	marker := []string{"table:" + tagName(t.Name)}
	if t.Schema != "public" {
		marker = []string{"table:" + tagName(t.Schema) + "." + tagName(t.Name)}
	}
	if t.Comment != "" {
		marker = append(marker, "comment:"+tagLiteral(t.Comment))
	}
	if t.Unlogged {
		marker = append(marker, "unlogged")
	}
	fields := make([]*fieldOut, len(t.Columns))
	byCol := map[string]*fieldOut{}
	names := map[string]bool{"_": true}
	for i := range t.Columns {
		f, l := w.field(t, &t.Columns[i], names)
		fields[i], byCol[t.Columns[i].Name] = f, f
		lost = append(lost, l...)
	}
	colIndex := func(name string) int {
		return slices.IndexFunc(t.Columns, func(c model.Column) bool { return c.Name == name })
	}
	inOrder := func(cols []string) bool {
		last := -1
		for _, c := range cols {
			i := colIndex(c)
			if i <= last || byCol[c] == nil {
				return false
			}
			last = i
		}
		return true
	}
	for _, c := range t.Constraints {
		if c.Comment != "" {
			lost = append(lost, "the comment of constraint "+c.Name)
		}
		if opt := w.constraintOpts(t, c, byCol, inOrder); opt != "" {
			marker = append(marker, opt)
		}
	}
	for _, ix := range t.Indexes {
		if opt, l := w.indexOpts(t, ix, byCol); opt != "" {
			marker = append(marker, opt)
			lost = append(lost, l...)
		} else {
			lost = append(lost, l...)
		}
	}
	// The owner and grants go last, on the marker and on each field: they
	// are about who may use the table, not what it is.
	if t.Owner != "" {
		marker = append(marker, "owner:"+tagName(t.Owner))
	}
	marker = append(marker, grantOpts(t.Grants)...)
	for i := range t.Columns {
		fields[i].opts = append(fields[i].opts, grantOpts(t.Columns[i].Grants)...)
	}
	for _, l := range lost {
		w.notes = append(w.notes, "table "+t.QName.String()+": "+l)
	}
	fmt.Fprintf(b, "// %s is the table %s.\ntype %s struct {\n", sname, t.QName, sname)
	fmt.Fprintf(b, "\t_ struct{} %s\n", structTag(strings.Join(marker, ",")))
	for _, f := range fields {
		fmt.Fprintf(b, "\t%s %s %s\n", f.name, f.typ, structTag(strings.Join(f.opts, ",")))
	}
	b.WriteString("}\n\n")
}

// field writes a column as a field; lost lists what cannot be declared.
func (w *writer) field(t *model.Table, c *model.Column, names map[string]bool) (*fieldOut, []string) {
	var lost []string
	name := goName(c.Name)
	for i := 2; names[name]; i++ {
		name = goName(c.Name) + strconv.Itoa(i)
	}
	names[name] = true
	colName := tagName(c.Name)
	if columnFlags[c.Name] {
		colName = `"` + c.Name + `"`
	}
	f := &fieldOut{name: name, opts: []string{colName}}
	typ, def := c.Type, c.Default
	if def != "" {
		for _, q := range w.s.Sequences {
			if w.serials[q.QName] && q.OwnedBy.Table == t.QName && q.OwnedBy.Column == c.Name {
				typ, def = w.serialOf(q), ""
			}
		}
	}
	null := !c.NotNull
	base, dims := typ, ""
	for strings.HasSuffix(base, "[]") {
		base, dims = strings.TrimSuffix(base, "[]"), dims+"[]"
	}
	switch gt, ok := goTypes[typ]; {
	case w.enums[base] != "":
		f.typ = strings.Repeat("[]", len(dims)/2) + w.enums[base]
		if dims == "" && null {
			f.typ = "*" + f.typ
		} else if dims != "" && !null {
			f.opts = append(f.opts, "notnull")
		}
	case ok:
		f.typ = gt.typ
		if gt.imp != "" {
			w.imports[gt.imp] = true
		}
		switch {
		case null && !gt.null:
			f.typ = "*" + f.typ
		case !null && gt.null:
			f.opts = append(f.opts, "notnull")
		}
	default:
		f.typ = "string"
		if null {
			f.typ = "*string"
		}
		f.opts = append(f.opts, "type:"+typ)
	}
	if def != "" {
		f.opts = append(f.opts, "default:"+def)
	}
	switch c.Identity {
	case "a":
		f.opts = append(f.opts, "identity:always")
	case "d":
		f.opts = append(f.opts, "identity")
	}
	if c.Identity != "" && c.IdentitySequence != nil && !defaultIdentity(*c.IdentitySequence) {
		lost = append(lost, "the sequence options of identity column "+c.Name)
	}
	if c.Generated != "" {
		f.opts = append(f.opts, "generated:("+c.Generated+")")
		if c.GeneratedKind == "v" {
			lost = append(lost, "column "+c.Name+" is generated VIRTUAL; the tag declares it STORED")
		}
	}
	if c.Collation != "" {
		f.opts = append(f.opts, "collate:"+c.Collation)
	}
	if c.Comment != "" {
		f.opts = append(f.opts, "comment:"+tagLiteral(c.Comment))
	}
	if c.Storage != "" || c.Compression != "" || c.Statistics != nil || len(c.Options) > 0 {
		lost = append(lost, "the storage settings of column "+c.Name)
	}
	return f, lost
}

// defaultIdentity reports whether identity sequence options are the
// defaults for their type.
func defaultIdentity(o model.SequenceOptions) bool {
	max := map[string]int64{"bigint": 9223372036854775807, "integer": 2147483647, "smallint": 32767}[o.Type]
	return o.Start == 1 && o.Increment == 1 && o.Min == 1 && o.Max == max && o.Cache == 1 && !o.Cycle
}

// constraintOpts declares a constraint: on its fields when the field
// options say it exactly, else whole on the marker (the returned option).
func (w *writer) constraintOpts(t *model.Table, c model.Constraint, byCol map[string]*fieldOut, inOrder func([]string) bool) string {
	def := constraintText(c)
	whole := "constraint:" + tagName(c.Name) + "(" + def + ")"
	switch c.Type {
	case model.PrimaryKey:
		if def != sqltext.KeyText(true, c.Columns, nil, false) || c.Name != pgObjectName(t.Name, "", "pkey") || !allIn(c.Columns, byCol) {
			return whole
		}
		for i, col := range c.Columns {
			if inOrder(c.Columns) {
				byCol[col].opts = append(byCol[col].opts, "pk")
			} else {
				byCol[col].opts = append(byCol[col].opts, "pk:"+strconv.Itoa(i+1))
			}
		}
		return ""
	case model.Unique:
		var sub []string
		switch def {
		case sqltext.KeyText(false, c.Columns, nil, false):
		case sqltext.KeyText(false, c.Columns, nil, true):
			sub = append(sub, "nulls_not_distinct")
		default:
			return whole
		}
		if !allIn(c.Columns, byCol) {
			return whole
		}
		for i, col := range c.Columns {
			s := slices.Clone(sub)
			if !inOrder(c.Columns) {
				s = append(s, "pos:"+strconv.Itoa(i+1))
			}
			opt := "unique"
			if len(c.Columns) > 1 || c.Name != pgObjectName(t.Name, col, "key") {
				opt += ":" + tagName(c.Name)
			} else if len(s) > 0 {
				opt += ":"
			}
			if len(s) > 0 {
				opt += "(" + strings.Join(s, ",") + ")"
			}
			byCol[col].opts = append(byCol[col].opts, opt)
		}
		return ""
	case model.Check:
		rest, ok := strings.CutPrefix(def, "CHECK ")
		if !ok || c.NotValid || c.NoInherit || !strings.HasPrefix(rest, "(") || closeParen(rest, 0) != len(rest)-1 {
			return whole
		}
		return "check:" + tagName(c.Name) + rest
	case model.ForeignKey:
		if len(c.Columns) != 1 || len(c.RefColumns) != 1 || c.RefTable == nil || c.NotValid ||
			(c.Match != "" && c.Match != "s") || byCol[c.Columns[0]] == nil {
			return whole
		}
		f := byCol[c.Columns[0]]
		target := tagName(c.RefTable.Name)
		if c.RefTable.Schema != t.Schema {
			target = tagName(c.RefTable.Schema) + "." + target
		}
		f.opts = append(f.opts, "references:"+target+"("+tagName(c.RefColumns[0])+")")
		for _, a := range []struct{ opt, code string }{{"on_delete", c.OnDelete}, {"on_update", c.OnUpdate}} {
			if word := actionWords[a.code]; word != "" {
				f.opts = append(f.opts, a.opt+":"+word)
			}
		}
		if c.InitiallyDeferred {
			f.opts = append(f.opts, "deferred")
		} else if c.Deferrable {
			f.opts = append(f.opts, "deferrable")
		}
		if c.Name != pgObjectName(t.Name, c.Columns[0], "fkey") {
			f.opts = append(f.opts, "fk:"+tagName(c.Name))
		}
		return ""
	}
	return whole
}

var actionWords = map[string]string{"c": "cascade", "r": "restrict", "n": "set_null", "d": "set_default"}

func allIn(cols []string, byCol map[string]*fieldOut) bool {
	for _, c := range cols {
		if byCol[c] == nil {
			return false
		}
	}
	return len(cols) > 0
}

// constraintText is a constraint's definition, or one made from its
// fields when it has none.
func constraintText(c model.Constraint) string {
	if c.Definition != "" {
		return c.Definition
	}
	switch c.Type {
	case model.PrimaryKey, model.Unique:
		return sqltext.KeyText(c.Type == model.PrimaryKey, c.Columns, nil, false)
	case model.ForeignKey:
		if c.RefTable == nil {
			return ""
		}
		s := sqltext.ForeignKeyHead(c.Columns, c.RefTable.Schema, c.RefTable.Name) + "(" + sqlq.IdentList(c.RefColumns) + ")"
		for _, a := range []struct{ event, code string }{{"UPDATE", c.OnUpdate}, {"DELETE", c.OnDelete}} {
			if word, _ := sqltext.Action(a.code); word != "" {
				s += " ON " + a.event + " " + word
			}
		}
		return s
	}
	return ""
}

// indexOpts declares an index: on its field when it is over one plain
// column, else on the marker (the returned option).
func (w *writer) indexOpts(t *model.Table, ix model.Index, byCol map[string]*fieldOut) (string, []string) {
	var lost []string
	if len(ix.Keys) == 0 {
		return "", []string{"index " + ix.Name + " (no keys)"}
	}
	if len(ix.Options) > 0 || ix.Tablespace != "" {
		lost = append(lost, "the storage options of index "+ix.Name)
	}
	var sub []string
	if ix.Unique {
		sub = append(sub, "unique")
	}
	if ix.Method != "" && ix.Method != "btree" {
		sub = append(sub, "using:"+ix.Method)
	}
	if ix.Predicate != "" {
		sub = append(sub, "where:("+parenExpr(ix.Predicate)+")")
	}
	if ix.NullsNotDistinct {
		sub = append(sub, "nulls_not_distinct")
	}
	if ix.Comment != "" {
		sub = append(sub, "comment:"+tagLiteral(ix.Comment))
	}
	if len(ix.Keys) == 1 && len(ix.Include) == 0 {
		key := ix.Keys[0]
		dir := ""
		if k, ok := strings.CutSuffix(key, " DESC"); ok {
			key, dir = k, "desc"
		}
		for _, c := range t.Columns {
			col, f := c.Name, byCol[c.Name]
			if sqlq.QuoteIdent(col) != key || f == nil {
				continue
			}
			s := slices.Clone(sub)
			if dir != "" {
				s = append([]string{dir}, s...)
			}
			opt := "index"
			if ix.Name != pgObjectName(t.Name, col, "idx") {
				opt += ":" + tagName(ix.Name)
			} else if len(s) > 0 {
				opt += ":"
			}
			if len(s) > 0 {
				opt += "(" + strings.Join(s, ",") + ")"
			}
			f.opts = append(f.opts, opt)
			return "", lost
		}
	}
	keys := "keys:(" + strings.Join(ix.Keys, ", ") + ")"
	if len(ix.Include) > 0 {
		sub = append(sub, "include:("+sqlq.IdentList(ix.Include)+")")
	}
	return "index:" + tagName(ix.Name) + "(" + strings.Join(append([]string{keys}, sub...), ",") + ")", lost
}
