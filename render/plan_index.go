package render

import (
	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
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
		p.b.Errorf("index "+sqlq.Qualified(owner.Schema, ix.Name), "its table is not in the target")
		return
	}
	idx := p.built(func() { p.b.Index(owner, ref, partitioned, ix) })
	for _, i := range idx {
		st := p.b.Stmt(i)
		if st.ID == ddl.StmtID(ddl.PrioIndex, "index "+sqlq.Qualified(owner.Schema, ix.Name)) {
			st.ReqTokens = append(st.ReqTokens, nameRef(owner))
			st.ProvTokens = append(st.ProvTokens, builtRef(ddl.IndexRef(owner.Schema, ix.Name, owner.Name)))
			if partitioned {
				// ON ONLY: the partitions' indexes are built apart, and
				// attached.
				continue
			}
			if p.onlineOn(owner) && buildConcurrently(st, sqlq.QuoteIdent(ix.Name)) {
				continue
			}
			st.Hazards = append(st.Hazards, Hazard{Kind: HazardIndexBuild, Message: "CREATE INDEX " + sqlq.QuoteIdent(ix.Name) +
				" blocks writes to " + ddl.QNameSQL(owner) + " while it builds (CREATE INDEX CONCURRENTLY does not)"})
		}
	}
}

// dropIndex drops an index of a table that stays. A partition's index that
// is attached to its parent's goes with the parent's.
func (p *planner) dropIndex(owner model.QName, ix *model.Index) {
	ref := ddl.IndexRef(owner.Schema, ix.Name, owner.Name)
	p.markDropped(ref)
	var waits []ddl.Token
	if ix.ParentIndex != nil {
		if !p.detaches(owner) {
			p.aliasDrop(ddl.IndexRef(ix.ParentIndex.Schema, ix.ParentIndex.Name, ""), ref)
			return
		}
		// Detached with its table, the index stands alone.
		waits = append(waits, detachedRef(owner))
	}
	name := sqlq.Qualified(owner.Schema, ix.Name)
	i := p.drop(dropStmt{ref: ref, kindPrio: ddl.PrioIndex, sql: "DROP INDEX " + name, waits: waits})
	if i < 0 || !p.onlineOn(owner) {
		return
	}
	st := p.b.Stmt(i)
	if ot := p.oldTable(owner); ot != nil && ot.Kind == model.TablePartitioned {
		st.Hazards = append(st.Hazards, Hazard{Kind: HazardExclusiveLock, Severity: SeverityWarning, Table: owner, Message: "DROP INDEX " + name +
			" takes an ACCESS EXCLUSIVE lock on " + ddl.QNameSQL(owner) + " and each of its partitions: PostgreSQL cannot drop a partitioned table's index CONCURRENTLY"})
		return
	}
	st.SQL, st.Transactional = "DROP INDEX CONCURRENTLY "+name+";", false
	st.Hazards = append(st.Hazards, Hazard{Kind: HazardNonTransactional, Severity: SeverityInfo,
		Message: "DROP INDEX CONCURRENTLY " + name + " runs outside a transaction block"})
}

// alterIndex changes what can change of an index in place: its comment,
// and its attachment to a parent index.
func (p *planner) alterIndex(owner model.QName, f, ix *model.Index) {
	ref := ddl.IndexRef(owner.Schema, ix.Name, owner.Name)
	if f.ParentIndex == nil && ix.ParentIndex != nil {
		p.b.AttachIndex(*ix.ParentIndex, owner, ix.Name, ref)
	}
	if f.Comment != ix.Comment && p.opts.Comments {
		value := "NULL"
		if ix.Comment != "" {
			value = sqlq.Literal(ix.Comment)
		}
		name := sqlq.Qualified(owner.Schema, ix.Name)
		p.add(Statement{
			ID:       ddl.StmtID(ddl.PrioComment, "comment", "index "+name),
			Priority: ddl.PrioComment,
			SQL:      "COMMENT ON INDEX " + name + " IS " + value,
			Requires: []model.ObjectRef{ref},
		})
	}
}
