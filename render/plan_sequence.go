package render

import (
	"reflect"
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

func sequenceTarget(q model.QName) target {
	name := qnameSQL(q)
	return target{ref: seqRef(q), id: "sequence " + name, comment: "SEQUENCE " + name, alter: "SEQUENCE " + name, grant: "SEQUENCE " + name}
}

func (p *planner) sequenceChange(c *diff.ObjectChange[model.Sequence]) {
	switch c.Operation {
	case diff.Create:
		p.b.sequence(c.To)
	case diff.Drop:
		p.dropSequence(c.From)
	case diff.Alter:
		p.alterSequence(c.From, c.To)
	}
}

// dropSequence drops a sequence, unless it is owned by a column the plan
// drops, which takes the sequence with it.
func (p *planner) dropSequence(q *model.Sequence) {
	ref := seqRef(q.QName)
	p.markDropped(ref)
	if o := q.OwnedBy; o != nil {
		if p.tableOps[o.Table] == diff.Drop {
			p.aliasDrop(tableRef(o.Table), ref)
			return
		}
		if cc := p.columnOps[o.Table][o.Column]; cc != nil && cc.Operation == diff.Drop {
			p.aliasDrop(colRef(o.Table, o.Column), ref)
			return
		}
	}
	p.drop(dropStmt{ref: ref, kindPrio: prioSequence, sql: "DROP SEQUENCE " + qnameSQL(q.QName)})
}

// alterSequence changes a sequence's options, owner column and
// persistence in place.
func (p *planner) alterSequence(f, q *model.Sequence) {
	t := sequenceTarget(q.QName)
	name := qnameSQL(q.QName)
	if opts := sequenceOptionChanges(f.SequenceOptions, q.SequenceOptions); len(opts) > 0 {
		p.add(Statement{
			ID:       stmtID(prioSequence, "alter", t.id),
			SQL:      "ALTER SEQUENCE " + name + "\n    " + strings.Join(opts, "\n    "),
			Provides: []model.ObjectRef{t.ref},
		})
	}
	if f.Unlogged != q.Unlogged {
		word := "LOGGED"
		if q.Unlogged {
			word = "UNLOGGED"
		}
		p.add(Statement{ID: stmtID(prioSequence, "alter", t.id, "persistence"), SQL: "ALTER SEQUENCE " + name + " SET " + word,
			Provides: []model.ObjectRef{t.ref}})
	}
	if !reflect.DeepEqual(f.OwnedBy, q.OwnedBy) {
		st := Statement{
			ID: stmtID(prioSequenceOwned, "owned by", t.id),
			// The column that owned it may be dropped once it does not.
			Provides: []model.ObjectRef{released(t.ref)},
			Requires: []model.ObjectRef{t.ref},
		}
		if o := q.OwnedBy; o != nil {
			st.SQL = "ALTER SEQUENCE " + name + " OWNED BY " + qnameSQL(o.Table) + "." + sqlq.QuoteIdent(o.Column)
			st.Requires = append(st.Requires, tableRef(o.Table), colRef(o.Table, o.Column))
		} else {
			st.SQL = "ALTER SEQUENCE " + name + " OWNED BY NONE"
		}
		p.add(st)
	}
	p.commentChange(t, f.Comment, q.Comment)
	p.ownerChange(t, f.Owner, q.Owner)
	p.grantChange(t, f.Owner, q.Owner, f.Grants, q.Grants)
}
