package render

import (
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// What differs between the PostgreSQL majors a plan can run on, where
// retort writes different statements for them.

// setExpressionInPlace reports whether ALTER COLUMN … SET EXPRESSION turns
// generated column f into t on a server of major: 17 brought it for stored
// columns, 18 has it for its virtual ones; neither changes a column's kind,
// nor makes a plain column generated. An unknown major (0) gets the form
// every server runs: drop and add.
func setExpressionInPlace(major int, f, t *model.Column) bool {
	return major >= 17 && f.Generated != "" && t.Generated != "" && f.GeneratedKind == t.GeneratedKind
}

// namedNotNull reports whether column c's NOT NULL needs 18's ADD
// CONSTRAINT … NOT NULL rather than SET NOT NULL: it has a name, is NOT
// VALID or NO INHERIT.
func namedNotNull(c *model.Column) bool {
	return c.NotNullName != "" || c.NotNullNotValid || c.NotNullNoInherit
}

// setNotNull returns the ALTER TABLE subcommand that makes column to of
// table tq NOT NULL, and its hazards: SET NOT NULL, or on 18, for a named,
// NOT VALID or NO INHERIT constraint, ADD CONSTRAINT (which, NOT VALID,
// checks no row).
func (p *planner) setNotNull(tq model.QName, to *model.Column) (string, []Hazard) {
	scan := []Hazard{{Kind: HazardExclusiveLock, Severity: SeverityDanger, Table: tq,
		Message: "SET NOT NULL scans " + ddl.QNameSQL(tq) + " under its ACCESS EXCLUSIVE lock"}}
	if p.major < 18 || !namedNotNull(to) {
		return "ALTER COLUMN " + sqlq.QuoteIdent(to.Name) + " SET NOT NULL", scan
	}
	if to.NotNullNotValid {
		scan = nil
	}
	return "ADD " + ddl.NotNullConstraint(tq.Name, to), scan
}

// notNullForms renames, validates or changes the inheritance of the NOT
// NULL constraints of columns that are NOT NULL before and after the plan,
// on PostgreSQL 18, which names them: a declared name that changes, and
// PostgreSQL's own name (TABLE_COLUMN_not_null), which a table or column
// rename does not follow, nor a partition that is detached (it keeps its
// parent's constraint's name). Columns that become NOT NULL get their form
// from [planner.setNotNull]; created ones from their definition.
func (p *planner) notNullForms(changes []diff.Change) {
	if p.major < 18 {
		return
	}
	renamedCols := map[model.QName]map[string]string{} // table → new column name → old
	for _, ch := range changes {
		if cc, ok := ch.(*diff.ColumnChange); ok && cc.Operation == diff.Rename {
			if renamedCols[cc.Table] == nil {
				renamedCols[cc.Table] = map[string]string{}
			}
			renamedCols[cc.Table][cc.To.Name] = cc.From.Name
		}
	}
	for i := range p.new.Tables {
		t := &p.new.Tables[i]
		if op, ok := p.tableOps[t.QName]; ok && op != diff.Alter && op != diff.Rename {
			continue
		}
		oq, ok := p.renamed[t.QName]
		if !ok {
			oq = t.QName
		}
		ot := p.oi.tables[oq]
		if ot == nil {
			continue
		}
		for j := range t.Columns {
			c := &t.Columns[j]
			if cc := p.columnOps[t.QName][c.Name]; cc != nil && (cc.Operation == diff.Create || cc.Operation == diff.Drop) {
				continue
			}
			oldName := c.Name
			if n, ok := renamedCols[t.QName][c.Name]; ok {
				oldName = n
			}
			oc := columnOf(ot, oldName)
			if oc == nil || !oc.NotNull || !c.NotNull || inheritsNotNull(p.ni, t, c) {
				continue
			}
			p.notNullForm(t, ot, oc, c, inheritsNotNull(p.oi, ot, oc))
		}
	}
}

// notNullForm brings the NOT NULL constraint of column c of t from oc's
// form in ot to c's. When oc's constraint came from a parent, its name is
// not in the model: it is looked up in the catalog.
func (p *planner) notNullForm(t, ot *model.Table, oc, c *model.Column, inherited bool) {
	tq := t.QName
	name := ddl.NotNullName(t.Name, c)
	waits := []ddl.Token{nameRef(tq), detachedRef(tq)}
	req := []model.ObjectRef{colRef(tq, c.Name)}
	rename := ""
	switch {
	case inherited:
		rename = "DO $retort$DECLARE n name; BEGIN\n" +
			"    SELECT conname INTO STRICT n FROM pg_catalog.pg_constraint\n" +
			"    WHERE conrelid = " + sqlq.Literal(ddl.QNameSQL(tq)) + "::pg_catalog.regclass AND contype = 'n'\n" +
			"      AND conkey[1] = (SELECT attnum FROM pg_catalog.pg_attribute\n" +
			"                       WHERE attrelid = " + sqlq.Literal(ddl.QNameSQL(tq)) + "::pg_catalog.regclass AND attname = " + sqlq.Literal(c.Name) + ");\n" +
			"    IF n <> " + sqlq.Literal(name) + " THEN\n" +
			"        EXECUTE pg_catalog.format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', " + sqlq.Literal(ddl.QNameSQL(tq)) + ", n, " + sqlq.Literal(name) + ");\n" +
			"    END IF;\n" +
			"END$retort$"
	case ddl.NotNullName(ot.Name, oc) != name:
		rename = ddl.AlterTable(t, false) + " RENAME CONSTRAINT " + sqlq.QuoteIdent(ddl.NotNullName(ot.Name, oc)) + " TO " + sqlq.QuoteIdent(name)
	}
	id := "not null " + sqlq.QuoteIdent(c.Name)
	if rename != "" {
		st := p.alterStmt(t, id+" name", rename)
		st.Requires = append(st.Requires, req...)
		st.ReqTokens = append(st.ReqTokens, waits...)
		st.ProvTokens = append(st.ProvTokens, ddl.TokenOf(ddl.TokRenamed, ddl.ConstraintRef(tq, name)))
		p.add(st)
		waits = append(waits, ddl.TokenOf(ddl.TokRenamed, ddl.ConstraintRef(tq, name)))
	}
	var subs []string
	var hz []Hazard
	if oc.NotNullNoInherit != c.NotNullNoInherit && !inherited {
		if c.NotNullNoInherit {
			subs = append(subs, "ALTER CONSTRAINT "+sqlq.QuoteIdent(name)+" NO INHERIT")
		} else {
			subs = append(subs, "ALTER CONSTRAINT "+sqlq.QuoteIdent(name)+" INHERIT")
		}
	}
	switch {
	case oc.NotNullNotValid && !c.NotNullNotValid:
		subs = append(subs, "VALIDATE CONSTRAINT "+sqlq.QuoteIdent(name))
	case !oc.NotNullNotValid && c.NotNullNotValid:
		// A constraint cannot be made NOT VALID again: it is replaced.
		subs = append(subs, "ALTER COLUMN "+sqlq.QuoteIdent(c.Name)+" DROP NOT NULL", "ADD "+ddl.NotNullConstraint(tq.Name, c))
	}
	if len(subs) == 0 {
		return
	}
	hz = append(hz, lockHazard(tq, "ALTER CONSTRAINT"))
	st := p.alterStmt(t, id+" form", ddl.AlterTable(t, false)+" "+strings.Join(subs, ",\n    "), hz...)
	st.Requires = append(st.Requires, req...)
	st.ReqTokens = append(st.ReqTokens, waits...)
	p.add(st)
}

// inheritsNotNull reports whether the NOT NULL of column c of t comes from a
// parent table in l's schema, which names it (the model holds the names of
// a table's own NOT NULL constraints only).
func inheritsNotNull(l *lookup, t *model.Table, c *model.Column) bool {
	if t.PartitionOf == nil && len(t.Inherits) == 0 {
		return false
	}
	_, pc := l.parentColumn(t, c.Name)
	return pc != nil && pc.NotNull && !pc.NotNullNoInherit
}
