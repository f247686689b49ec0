package render

import (
	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

func (p *planner) indexChange(c *diff.IndexChange) {
	switch c.Operation {
	case diff.Create:
		p.createIndex(c.Table, c.To)
	case diff.Drop:
		p.dropIndex(c.Table, c.From)
	case diff.Alter:
		p.alterIndex(c.Table, c.From, c.To)
	case diff.Rename:
		p.renameIndex(c.Table, c.From, c.To)
	}
}

// createIndex creates an index on a table or materialized view of both
// schemas, as a created table's are.
func (p *planner) createIndex(owner model.QName, ix *model.Index) {
	ref, partitioned, ok := p.ni.indexOwner(owner)
	if !ok {
		p.b.errorf("index "+sqlq.Qualified(owner.Schema, ix.Name), "its table is not in the target")
		return
	}
	idx := p.built(func() { p.b.index(owner, ref, partitioned, ix) })
	for _, i := range idx {
		st := &p.b.stmts[i]
		if st.ID == stmtID(prioIndex, "index "+sqlq.Qualified(owner.Schema, ix.Name)) {
			st.reqTokens = append(st.reqTokens, nameRef(owner))
			st.provTokens = append(st.provTokens, builtRef(indexRef(owner.Schema, ix.Name, owner.Name)))
			if partitioned {
				// ON ONLY: the partitions' indexes are built apart, and
				// attached.
				continue
			}
			if p.onlineOn(owner) && buildConcurrently(st, sqlq.QuoteIdent(ix.Name)) {
				continue
			}
			st.Hazards = append(st.Hazards, Hazard{Kind: HazardIndexBuild, Message: "CREATE INDEX " + sqlq.QuoteIdent(ix.Name) +
				" blocks writes to " + qnameSQL(owner) + " while it builds (CREATE INDEX CONCURRENTLY does not)"})
		}
	}
}

// dropIndex drops an index of a table that stays. A partition's index that
// is attached to its parent's goes with the parent's.
func (p *planner) dropIndex(owner model.QName, ix *model.Index) {
	ref := indexRef(owner.Schema, ix.Name, owner.Name)
	p.markDropped(ref)
	var waits []token
	if ix.ParentIndex != nil {
		if !p.detaches(owner) {
			p.aliasDrop(indexRef(ix.ParentIndex.Schema, ix.ParentIndex.Name, ""), ref)
			return
		}
		// Detached with its table, the index stands alone.
		waits = append(waits, detachedRef(owner))
	}
	name := sqlq.Qualified(owner.Schema, ix.Name)
	i := p.drop(dropStmt{ref: ref, kindPrio: prioIndex, sql: "DROP INDEX " + name, waits: waits})
	if i < 0 || !p.onlineOn(owner) {
		return
	}
	st := &p.b.stmts[i]
	if ot := p.oldTable(owner); ot != nil && ot.Kind == model.TablePartitioned {
		st.Hazards = append(st.Hazards, Hazard{Kind: HazardExclusiveLock, Severity: SeverityWarning, table: owner, Message: "DROP INDEX " + name +
			" takes an ACCESS EXCLUSIVE lock on " + qnameSQL(owner) + " and each of its partitions: PostgreSQL cannot drop a partitioned table's index CONCURRENTLY"})
		return
	}
	st.SQL, st.Transactional = "DROP INDEX CONCURRENTLY "+name+";", false
	st.Hazards = append(st.Hazards, Hazard{Kind: HazardNonTransactional, Severity: SeverityInfo,
		Message: "DROP INDEX CONCURRENTLY " + name + " runs outside a transaction block"})
}

// alterIndex changes what can change of an index in place: its comment,
// and its attachment to a parent index.
func (p *planner) alterIndex(owner model.QName, f, ix *model.Index) {
	ref := indexRef(owner.Schema, ix.Name, owner.Name)
	if f.ParentIndex == nil && ix.ParentIndex != nil {
		p.b.attachIndex(*ix.ParentIndex, owner, ix.Name, ref)
	}
	if f.Comment != ix.Comment && p.opts.Comments {
		value := "NULL"
		if ix.Comment != "" {
			value = sqlq.Literal(ix.Comment)
		}
		name := sqlq.Qualified(owner.Schema, ix.Name)
		p.add(Statement{
			ID:       stmtID(prioComment, "comment", "index "+name),
			prio:     prioComment,
			SQL:      "COMMENT ON INDEX " + name + " IS " + value,
			Requires: []model.ObjectRef{ref},
		})
	}
}
