package render

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

func sequenceTarget(q model.QName) ddl.Target {
	name := ddl.QNameSQL(q)
	return ddl.Target{Ref: seqRef(q), ID: "sequence " + name, Comment: "SEQUENCE " + name, Alter: "SEQUENCE " + name, Grant: "SEQUENCE " + name}
}

func (p *planner) sequenceChange(c *diff.ObjectChange[model.Sequence]) {
	switch c.Operation {
	case diff.Create:
		p.b.Sequence(c.To)
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
			p.aliasDrop(ddl.TableRef(o.Table), ref)
			return
		}
		if cc := p.columnOps[o.Table][o.Column]; cc != nil && cc.Operation == diff.Drop {
			p.aliasDrop(colRef(o.Table, o.Column), ref)
			return
		}
	}
	p.drop(dropStmt{ref: ref, kindPrio: ddl.PrioSequence, sql: "DROP SEQUENCE " + ddl.QNameSQL(q.QName)})
}

// alterSequence changes a sequence's options, owner column and
// persistence in place.
func (p *planner) alterSequence(f, q *model.Sequence) {
	t := sequenceTarget(q.QName)
	name := ddl.QNameSQL(q.QName)
	if opts := sequenceOptionChanges(f.SequenceOptions, q.SequenceOptions); len(opts) > 0 {
		st := Statement{
			ID:       ddl.StmtID(ddl.PrioSequence, "alter", t.ID),
			Priority: ddl.PrioSequence,
			SQL:      "ALTER SEQUENCE " + name + "\n    " + strings.Join(opts, "\n    "),
			Provides: []model.ObjectRef{t.Ref},
		}
		wait, restart := p.clampSequence(t.ID, sqlq.Literal(name)+"::pg_catalog.regclass", f.SequenceOptions, q.SequenceOptions, nil, nil)
		if restart {
			st.SQL += "\n    RESTART"
			st.Hazards = append(st.Hazards, restartHazard(ddl.QNameSQL(q.QName)))
		}
		st.ReqTokens = wait
		p.add(st)
	}
	if f.Unlogged != q.Unlogged {
		word := "LOGGED"
		if q.Unlogged {
			word = "UNLOGGED"
		}
		p.add(Statement{Priority: ddl.PrioSequence, ID: ddl.StmtID(ddl.PrioSequence, "alter", t.ID, "persistence"), SQL: "ALTER SEQUENCE " + name + " SET " + word,
			Provides: []model.ObjectRef{t.Ref}})
	}
	if !reflect.DeepEqual(f.OwnedBy, q.OwnedBy) {
		st := Statement{
			ID:       ddl.StmtID(ddl.PrioSequenceOwned, "owned by", t.ID),
			Priority: ddl.PrioSequenceOwned,
			// The column that owned it may be dropped once it does not.
			Requires:   []model.ObjectRef{t.Ref},
			ProvTokens: []ddl.Token{released(t.Ref)},
		}
		if o := q.OwnedBy; o != nil {
			st.SQL = "ALTER SEQUENCE " + name + " OWNED BY " + ddl.QNameSQL(o.Table) + "." + sqlq.QuoteIdent(o.Column)
			st.Requires = append(st.Requires, ddl.TableRef(o.Table), colRef(o.Table, o.Column))
		} else {
			st.SQL = "ALTER SEQUENCE " + name + " OWNED BY NONE"
		}
		p.add(st)
	}
	p.commentChange(t, f.Comment, q.Comment)
	p.ownerChange(t, f.Owner, q.Owner)
	p.grantChange(t, f.Owner, q.Owner, f.Grants, q.Grants)
}

// clampSequence keeps a sequence whose bounds narrow inside them: ALTER
// SEQUENCE refuses bounds that leave out the sequence's current value,
// which a fresh sequence has at its old START. A DO block moves the value
// to the nearest one that both the old and the new bounds allow (which
// changes nothing when it is inside already), before the ALTER. seq is the
// sequence as an SQL regclass expression. It returns what the ALTER must
// wait for; restart is true when no value fits both bounds, and the ALTER
// must RESTART the sequence at its new start.
func (p *planner) clampSequence(id, seq string, from, to model.SequenceOptions, req []model.ObjectRef, waits []ddl.Token) (wait []ddl.Token, restart bool) {
	if to.Min <= from.Min && to.Max >= from.Max || from.Min == 0 && from.Max == 0 || to.Min == 0 && to.Max == 0 {
		return nil, false
	}
	lo, hi := max(from.Min, to.Min), min(from.Max, to.Max)
	if lo > hi {
		return nil, true
	}
	tok := ddl.TokenOf(ddl.TokClamped, model.ObjectRef{Kind: model.KindSequence, Name: id})
	body := fmt.Sprintf("PERFORM pg_catalog.setval(s, greatest(least(coalesce(pg_catalog.pg_sequence_last_value(s), %d), %d), %d), "+
		"pg_catalog.pg_sequence_last_value(s) IS NOT NULL) FROM (SELECT %s AS s) AS v;", from.Start, hi, lo, seq)
	p.add(Statement{
		ID:         ddl.StmtID(ddl.PrioSequence, "clamp", id),
		Priority:   ddl.PrioSequence,
		SQL:        "DO $retort$BEGIN " + body + " END$retort$",
		Requires:   req,
		ProvTokens: []ddl.Token{tok},
		ReqTokens:  waits,
	})
	return []ddl.Token{tok}, false
}

func restartHazard(seq string) Hazard {
	return Hazard{Kind: HazardDataLoss, Message: "the new bounds of " + seq + " leave out every value of the old ones: " +
		"it restarts at its new START, and may hand out values that are in use"}
}

// sequenceKind returns the rules of model.Sequence: ALTER SEQUENCE changes
// every option in place.
func sequenceKind() objectKind[model.Sequence] {
	return objectKind[model.Sequence]{
		change: (*planner).sequenceChange,
	}
}
