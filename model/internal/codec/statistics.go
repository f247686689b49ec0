package codec

import (
	"strings"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/sqlddl"
)

// statistics writes an extended statistics object: the table or
// materialized view it is on, and its CREATE STATISTICS definition.
func (e *encoder) statistics(st *model.Statistics) *Block {
	b := &Body{}
	labels := e.labels("statistics", st.QName, b)
	b.set("on", e.relation(st.Table))
	b.set("definition", Text(st.Definition))
	if st.Target != nil {
		b.set("target", Int(int64(*st.Target)))
	}
	e.owner(b, st.Owner)
	b.setStr("comment", st.Comment)
	e.deps(b, st.Deps, false)
	return block("statistics", labels, b)
}

// statistics reads an extended statistics object: on, its CREATE
// STATISTICS definition (which must create the declared object on that
// table) and its target.
func (d *decoder) statistics(r *reader, dc *decl) {
	st := model.Statistics{QName: dc.q, Table: d.relationOn(r, dc)}
	want := sqlddl.Declared{Schema: dc.q.Schema, Name: dc.q.Name, TableSchema: st.Table.Schema, Table: st.Table.Name}
	def, ok := r.sqlText("definition", oneCreate(sqlddl.DefStatistics), definitionCheck(sqlddl.DefStatistics, want))
	if !ok {
		d.errs.add(dc.block.Pos, dc.block.Text, "statistics %q needs definition (its CREATE STATISTICS statement)", dc.q.Name)
	}
	st.Definition = strings.TrimSpace(def)
	if v := r.peek("target"); v != nil {
		// PostgreSQL takes 0 to 10000; -1 is the default, which the model
		// holds as no target.
		if n, ok := r.integer("target"); ok {
			switch {
			case n < -1 || n > 10000:
				d.errs.add(v.Pos, v.Text, "target must be from 0 to 10000, or -1 for the default")
			case n >= 0:
				t := int(n)
				st.Target = &t
			}
		}
	}
	st.Owner, _ = r.str("owner")
	st.Comment, _ = r.str("comment")
	st.Deps = r.deps()
	d.s.Statistics = append(d.s.Statistics, st)
}
