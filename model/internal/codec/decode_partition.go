package codec

import (
	"fmt"
	"strings"

	"github.com/retortdb/retort/internal/sqltext"
	"github.com/retortdb/retort/model"
)

// A partition gets a copy of every key and index of its partitioned parent
// from PostgreSQL, attached to the parent's (CREATE TABLE … PARTITION OF).
// A schema read from a database lists those copies; a file may leave them
// out. attachedKeys adds what a partition leaves out, named as PostgreSQL
// names them, so that the renderer attaches them as it does the copies
// read from a database.
func (d *decoder) attachedKeys() {
	taken := map[model.QName]bool{}
	for _, ts := range d.tables {
		taken[ts.t.QName] = true
		for _, c := range ts.t.Constraints {
			taken[model.QName{Schema: ts.t.Schema, Name: c.Name}] = true
		}
		for _, ix := range ts.t.Indexes {
			taken[model.QName{Schema: ts.t.Schema, Name: ix.Name}] = true
		}
	}
	for _, k := range nameKinds {
		for _, dc := range d.decls[k] {
			taken[dc.q] = true
		}
	}
	done := map[*tableState]bool{}
	var visit func(ts *tableState, depth int)
	visit = func(ts *tableState, depth int) {
		if done[ts] || depth > 64 {
			return
		}
		done[ts] = true
		t := ts.t
		if t.PartitionOf == nil {
			return
		}
		parent := d.tables[*t.PartitionOf]
		if parent == nil || parent.t.Kind != model.TablePartitioned {
			return
		}
		visit(parent, depth+1)
		attached := map[model.QName]bool{}
		for _, c := range t.Constraints {
			if c.ParentIndex != nil {
				attached[*c.ParentIndex] = true
			}
		}
		for _, ix := range t.Indexes {
			if ix.ParentIndex != nil {
				attached[*ix.ParentIndex] = true
			}
		}
		for _, k := range parent.t.Constraints {
			pi := model.QName{Schema: parent.t.Schema, Name: k.Index}
			if k.Type != model.PrimaryKey && k.Type != model.Unique && k.Type != model.Exclusion || attached[pi] {
				continue
			}
			label := map[model.ConstraintType]string{model.PrimaryKey: "pkey", model.Unique: "key", model.Exclusion: "excl"}[k.Type]
			cols := ""
			if k.Type != model.PrimaryKey {
				cols = nameAddition(k.Columns)
			}
			name := chooseName(taken, t.Schema, t.Name, cols, label)
			t.Constraints = append(t.Constraints, model.Constraint{Name: name, Type: k.Type, Definition: k.Definition,
				Columns: k.Columns, Index: name, ParentIndex: &pi, Deferrable: k.Deferrable, InitiallyDeferred: k.InitiallyDeferred})
		}
		for _, ix := range parent.t.Indexes {
			pi := model.QName{Schema: parent.t.Schema, Name: ix.Name}
			if ix.Invalid || attached[pi] || ix.Definition != indexText(parent.t.QName, true, ix) {
				continue
			}
			c := ix
			c.Name = chooseName(taken, t.Schema, t.Name, nameAddition(indexColumnNames(ix.Keys)), "idx")
			c.ParentIndex, c.Comment = &pi, ""
			c.Definition = indexText(t.QName, t.Kind == model.TablePartitioned, c)
			t.Indexes = append(t.Indexes, c)
		}
	}
	for _, dc := range d.decls["table"] {
		if ts := d.tables[dc.q]; ts != nil {
			visit(ts, 0)
		}
	}
}

var nameKinds = []string{"table", "view", "materialized", "sequence", "enum", "domain", "composite", "range"}

// nameAddition joins column names as ChooseIndexNameAddition does.
func nameAddition(cols []string) string {
	var b strings.Builder
	for _, c := range cols {
		if b.Len() > 0 {
			b.WriteByte('_')
		}
		b.WriteString(c)
		if b.Len() >= maxIdent {
			break
		}
	}
	return b.String()
}

// chooseName is PostgreSQL's ChooseRelationName: table_cols_label, cut to
// fit 63 bytes, with a number added to the label until the name is free.
func chooseName(taken map[model.QName]bool, schema, table, cols, label string) string {
	for n := 0; ; n++ {
		l := label
		if n > 0 {
			l = fmt.Sprintf("%s%d", label, n)
		}
		name := makeObjectName(table, cols, l)
		q := model.QName{Schema: schema, Name: name}
		if !taken[q] || n > 1000 {
			taken[q] = true
			return name
		}
	}
}

// makeObjectName is PostgreSQL's makeObjectName: name1_name2_label, the
// longer of name1 and name2 shortened until the whole fits in 63 bytes.
func makeObjectName(name1, name2, label string) string {
	overhead := 0
	if label != "" {
		overhead += len(label) + 1
	}
	if name2 != "" {
		overhead++
	}
	avail := maxIdent - overhead
	n1, n2 := len(name1), len(name2)
	for n1+n2 > avail {
		if n1 > n2 {
			n1--
		} else {
			n2--
		}
	}
	name := clip(name1, n1)
	if name2 != "" {
		name += "_" + clip(name2, n2)
	}
	if label != "" {
		name += "_" + label
	}
	return name
}

// clip cuts s to at most n bytes, on a character boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

// keyColName is the name PostgreSQL gives an index column: the column's,
// a function's for a call, or expr.
func keyColName(key string) string {
	k, ok := parseKey(key)
	switch {
	case ok && k.Column != "":
		return k.Column
	case ok && isCall(k.Expr):
		if parts, _, ok := sqltext.Idents(k.Expr); ok {
			return parts[len(parts)-1]
		}
	}
	return "expr"
}
