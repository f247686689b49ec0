package render

import (
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/internal/sqltext"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// The online forms of changes to relations that exist before the plan
// ([PlanOptions.Online]): each strong lock lasts a catalog update, and what
// scans or builds runs under a lock that lets writes through, in a
// transaction of its own (a statement outside the plan's transaction
// blocks, which the runner and psql run in autocommit). Relations the plan
// creates have no rows and no readers yet, and get plain DDL.

// existed reports whether the table or materialized view that the target
// names q holds rows and readers before the plan: it is in the source, and
// the plan neither creates nor rebuilds it.
func (p *planner) existed(q model.QName) bool {
	if op, ok := p.tableOps[q]; ok && op == diff.Create {
		return false
	}
	if p.oldTable(q) != nil {
		return !p.created[ddl.KeyOf(ddl.TableRef(q))]
	}
	v := p.ni.views[q]
	return v != nil && v.Materialized && p.oi.views[q] != nil && !p.created[ddl.KeyOf(ddl.ViewRefOf(v))]
}

// onlineOn reports whether changes to relation q take their online forms.
func (p *planner) onlineOn(q model.QName) bool { return p.online && p.existed(q) }

// concurrently turns pg_get_indexdef's CREATE [UNIQUE] INDEX into CREATE
// [UNIQUE] INDEX CONCURRENTLY; false when sql does not start so.
func concurrently(sql string) (string, bool) {
	for _, head := range []string{"CREATE INDEX ", "CREATE UNIQUE INDEX "} {
		if rest, ok := strings.CutPrefix(sql, head); ok {
			return head + "CONCURRENTLY " + rest, true
		}
	}
	return sql, false
}

// concurrentHazard is the note on a statement that runs CONCURRENTLY: it
// cannot run in a transaction block, so the plan is no longer all or
// nothing, and a failed build leaves an invalid index behind.
func concurrentHazard(what string) Hazard {
	return Hazard{Kind: HazardNonTransactional, Severity: SeverityInfo, Message: what +
		" runs outside a transaction block; if it fails, the index it leaves invalid is dropped and built again by the next upgrade"}
}

// buildConcurrently makes statement st, the CREATE INDEX of an index on a
// relation that exists, build it CONCURRENTLY: writes go on while it builds.
func buildConcurrently(st *Statement, name string) bool {
	sql, ok := concurrently(st.SQL)
	if !ok {
		return false
	}
	st.SQL, st.Transactional = sql, false
	st.Hazards = []Hazard{concurrentHazard("CREATE INDEX CONCURRENTLY " + name)}
	return true
}

// validatedRef marks a constraint that VALIDATE CONSTRAINT has checked.
func validatedRef(r model.ObjectRef) ddl.Token { return ddl.TokenOf(ddl.TokValidated, r) }

// notNullRef marks a column that is NOT NULL.
func notNullRef(col model.ObjectRef) ddl.Token { return ddl.TokenOf(ddl.TokNotNull, col) }

// validate adds ALTER TABLE … VALIDATE CONSTRAINT for constraint name of t,
// added NOT VALID by the statement that provides its built token: the scan
// runs in a transaction of its own, under a lock (SHARE UPDATE EXCLUSIVE)
// that lets writes through.
func (p *planner) validate(t *model.Table, name string, only bool, prio int, after ...ddl.Token) {
	ref := ddl.ConstraintRef(t.QName, name)
	p.addStmt(Statement{
		ID:         ddl.StmtID(prio, "constraint", ddl.QNameSQL(t.QName), sqlq.QuoteIdent(name), "validate"),
		Priority:   prio,
		SQL:        ddl.AlterTable(t, only) + " VALIDATE CONSTRAINT " + sqlq.QuoteIdent(name),
		Requires:   []model.ObjectRef{ref},
		ReqTokens:  append([]ddl.Token{nameRef(t.QName), builtRef(ref)}, after...),
		ProvTokens: []ddl.Token{validatedRef(ref)},
	})
}

// notNullCheckName names the CHECK (col IS NOT NULL) that proves a column
// has no NULL before SET NOT NULL, so that SET NOT NULL needs no scan. The
// plan drops it right after.
func notNullCheckName(table, col string) string {
	return truncName(table+"_"+col, "_retort_not_null")
}

// validatedNotNull makes column c of t (which exists) NOT NULL without a
// scan under an ACCESS EXCLUSIVE lock: before 18, a CHECK (c IS NOT NULL)
// added NOT VALID and validated in a transaction of its own, which SET NOT
// NULL then relies on, and which is dropped after it; on 18, the NOT NULL
// constraint itself is added NOT VALID and validated after. It adds those
// statements, after the tokens in after, and returns the subcommand for
// the column's ALTER TABLE, what that ALTER must wait for, and what it
// must provide.
func (p *planner) validatedNotNull(t *model.Table, c *model.Column, only bool, after []ddl.Token) (sub string, waits, provides []ddl.Token) {
	col := colRef(t.QName, c.Name)
	provides = []ddl.Token{notNullRef(col)}
	if p.major >= 18 {
		nv := *c
		nv.NotNullNotValid = true
		name := ddl.NotNullName(t.Name, c)
		p.validate(t, name, only, ddl.PrioTable, notNullRef(col))
		return "ADD " + ddl.NotNullConstraint(t.Name, &nv), after, provides
	}
	name := notNullCheckName(t.Name, c.Name)
	ref := ddl.ConstraintRef(t.QName, name)
	quoted := sqlq.QuoteIdent(name)
	check := p.alterStmt(t, "column "+sqlq.QuoteIdent(c.Name)+" not null 1 check",
		ddl.AlterTable(t, only)+" ADD CONSTRAINT "+quoted+" CHECK ("+sqlq.QuoteIdent(c.Name)+" IS NOT NULL) NOT VALID",
		lockHazard(t.QName, "ADD CONSTRAINT … NOT VALID"))
	check.Provides = nil
	check.Requires = []model.ObjectRef{col}
	check.ReqTokens = append(check.ReqTokens, after...)
	check.ProvTokens = []ddl.Token{builtRef(ref)}
	p.add(check)
	p.validate(t, name, only, ddl.PrioTable)
	drop := p.alterStmt(t, "column "+sqlq.QuoteIdent(c.Name)+" not null 4 drop check",
		ddl.AlterTable(t, only)+" DROP CONSTRAINT "+quoted, lockHazard(t.QName, "DROP CONSTRAINT"))
	drop.Provides = nil
	drop.ReqTokens = append(drop.ReqTokens, notNullRef(col))
	p.add(drop)
	return "ALTER COLUMN " + sqlq.QuoteIdent(c.Name) + " SET NOT NULL", append(after, validatedRef(ref)), provides
}

// onlineNotNull reports whether SET NOT NULL on column c of t takes the
// validated form.
func (p *planner) onlineNotNull(t *model.Table, c *model.Column, only bool) bool {
	return p.onlineOn(t.QName) && !only && t.Kind != model.TableForeign && !c.NotNullNotValid
}

// makeNotNull returns the subcommand that makes column c of t NOT NULL in
// its ALTER TABLE (after the tokens in after), with its hazards, what the
// ALTER must wait for and what it provides: the validated form online
// (whose other statements it adds), SET NOT NULL and its scan otherwise.
func (p *planner) makeNotNull(t *model.Table, c *model.Column, only bool, after []ddl.Token) (sub string, hz []Hazard, waits, provides []ddl.Token) {
	if p.onlineNotNull(t, c, only) {
		sub, waits, provides = p.validatedNotNull(t, c, only, after)
		return sub, nil, waits, provides
	}
	sub, hz = p.setNotNull(t.QName, c)
	return sub, hz, after, []ddl.Token{notNullRef(colRef(t.QName, c.Name))}
}

// onlineKey adds primary key or unique constraint c to t, which exists, as
// a unique index built CONCURRENTLY and then ADD CONSTRAINT … USING INDEX,
// which takes its ACCESS EXCLUSIVE lock for a catalog update. It returns
// that ADD, for the caller to finish and add; false when c has no such
// form: on a partitioned table (USING INDEX does not exist there), with an
// index named apart from the constraint, or with parts (INCLUDE, storage
// parameters, a tablespace) that its definition says and its fields do
// not, so that the index would not be exactly the constraint's.
func (p *planner) onlineKey(t *model.Table, c *model.Constraint) (Statement, bool) {
	if !p.onlineOn(t.QName) || t.Kind != model.TableOrdinary || (c.Type != model.PrimaryKey && c.Type != model.Unique) ||
		(c.Index != "" && c.Index != c.Name) || len(c.Columns) == 0 {
		return Statement{}, false
	}
	deferral := sqltext.Deferral(c.Deferrable, c.Deferrable && c.InitiallyDeferred)
	nullsNotDistinct := false
	switch c.Definition {
	case "", sqltext.KeyText(c.Type == model.PrimaryKey, c.Columns, nil, false) + deferral:
	case sqltext.KeyText(false, c.Columns, nil, true) + deferral:
		nullsNotDistinct = true
	default:
		return Statement{}, false
	}
	keys := make([]string, len(c.Columns))
	for i, col := range c.Columns {
		keys[i] = sqlq.QuoteIdent(col)
	}
	def, ok := concurrently(sqltext.Index{Name: c.Name, Unique: true, Schema: t.Schema, Table: t.Name, Method: "btree",
		Keys: keys, NullsNotDistinct: nullsNotDistinct}.String())
	if !ok {
		return Statement{}, false
	}
	ix := ddl.IndexRef(t.Schema, c.Name, t.Name)
	name := sqlq.QuoteIdent(c.Name)
	p.addStmt(Statement{
		ID:         ddl.StmtID(ddl.PrioConstraint, "constraint", ddl.QNameSQL(t.QName), name, "index"),
		Priority:   ddl.PrioConstraint,
		SQL:        def,
		Hazards:    []Hazard{concurrentHazard("CREATE UNIQUE INDEX CONCURRENTLY " + name)},
		Requires:   append([]model.ObjectRef{ddl.TableRef(t.QName)}, c.Deps...),
		ReqTokens:  []ddl.Token{nameRef(t.QName)},
		ProvTokens: []ddl.Token{builtRef(ix)},
	})
	kind := "UNIQUE"
	if c.Type == model.PrimaryKey {
		kind = "PRIMARY KEY"
	}
	return Statement{
		ID:        ddl.StmtID(ddl.PrioConstraint, "constraint", ddl.QNameSQL(t.QName), name),
		Priority:  ddl.PrioConstraint,
		SQL:       ddl.AlterTable(t, true) + "\n    ADD CONSTRAINT " + name + " " + kind + " USING INDEX " + name + deferral,
		Hazards:   []Hazard{lockHazard(t.QName, "ADD CONSTRAINT … USING INDEX")},
		Provides:  []model.ObjectRef{ddl.ConstraintRef(t.QName, c.Name), ix},
		Requires:  []model.ObjectRef{ddl.TableRef(t.QName)},
		ReqTokens: []ddl.Token{builtRef(ix)},
	}, true
}

// noOnlineForm says, on each hazard of an online plan that still locks a
// table for a time that grows with it, that the change has no online form
// and where the manual path is described.
func noOnlineForm(stmts []Statement) {
	for i := range stmts {
		for j := range stmts[i].Hazards {
			h := &stmts[i].Hazards[j]
			switch h.Kind {
			case HazardTableRewrite, HazardIndexBuild, HazardExclusiveLock, HazardShareRowExclusiveLock:
				if h.Severity == SeverityDanger {
					h.Message += "; this change has no online form: docs/online.md (expand and contract) describes the manual path"
				}
			}
		}
	}
}
