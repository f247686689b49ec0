package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// A NOT NULL column without a default, added to a table that has rows or
// may have (its size is unknown), cannot be added NOT NULL: PostgreSQL
// fills the rows with NULL and the statement fails. The plan makes the
// three steps people write by hand instead, in plain and online mode
// alike: add the column nullable, fill it in (a backfill step the reviewer
// completes), then make it NOT NULL (online, through a validated CHECK).

// The comments that mark what a reviewer completes in a backfill template.
// A statement that holds one is a backfill step not yet completed, in any
// layout: the gate refuses it even where a layout's files do not keep the
// "-- retort:backfill" directive.
const (
	BackfillReviewMark = "-- TODO: review this backfill of "
	BackfillValueMark  = "-- TODO: the value of "
)

// backfillBatch is how many rows of the template's key range one batch of
// a backfill updates: each batch is a transaction of its own, so that no
// row lock is held for long and VACUUM keeps up.
const backfillBatch = 10000

// notNullNoDefault is the hazard of adding NOT NULL column c without a
// value to fill it in to table t of the source: PostgreSQL fills existing
// rows with NULL, so the ADD fails on a table that has any. How sure that is
// depends on the source's size estimate: a danger (rows, or no estimate)
// gets the backfill steps instead (plan_backfill.go), a warning (estimated
// empty) the plain ADD.
func (p *planner) notNullNoDefault(t *model.Table, c *model.Column) (Hazard, bool) {
	if !c.NotNull || c.NotNullNotValid || c.Default != "" || c.Identity != "" || c.Generated != "" ||
		t.Kind == model.TableForeign || p.oldTable(t.QName) == nil || p.tableOps[t.QName] == diff.Create || p.domainDefault(c) {
		return Hazard{}, false
	}
	col := columnText(t.QName, c.Name)
	const fix = "declare a default, or add the column nullable, backfill it, then SET NOT NULL"
	size, known := p.sizes[t.QName]
	switch {
	case known && size.Rows > 0:
		return Hazard{Kind: HazardNotNullNoDefault, Severity: SeverityDanger, Message: "adding NOT NULL column " + col +
			" without a default would fail: " + ddl.QNameSQL(t.QName) + " has " + describeSize(model.TableSize{Rows: size.Rows})}, true
	case known && size.Rows == 0:
		return Hazard{Kind: HazardNotNullNoDefault, Severity: SeverityWarning, Message: "adding NOT NULL column " + col +
			" without a default fails if " + ddl.QNameSQL(t.QName) + " has rows; the source estimates it empty as of its last VACUUM or ANALYZE; " + fix}, true
	}
	why := "its size is unknown (revision --autogenerate --url DATABASE reads it)"
	if p.sizes != nil {
		// A live source that has no estimate for the table: PostgreSQL
		// makes one at the table's first VACUUM or ANALYZE.
		why = "its size is unknown (PostgreSQL has no estimate before its first VACUUM or ANALYZE)"
	}
	return Hazard{Kind: HazardNotNullNoDefault, Severity: SeverityDanger, Message: "adding NOT NULL column " + col +
		" without a default would fail if " + ddl.QNameSQL(t.QName) + " has rows, and " + why}, true
}

// domainDefault reports whether column c's type is a domain of the target
// with a default, which fills in the rows that the column is added to.
func (p *planner) domainDefault(c *model.Column) bool {
	for _, d := range c.Deps {
		if d.Kind != model.KindType {
			continue
		}
		if dm := p.ni.domains[model.QName{Schema: d.Schema, Name: d.Name}]; dm != nil && dm.Default != "" {
			return true
		}
	}
	return false
}

// backfills reports whether adding column c, whose hazard h says it cannot
// be added NOT NULL without a value, gets the backfill steps: when the
// table has rows or its size is unknown. A table estimated empty gets the
// plain ADD COLUMN with its warning.
func backfills(h Hazard) bool { return h.Severity == SeverityDanger }

// backfillHazard is h, reworded for the steps that replace the failing
// statement. It is a warning, a step that needs a hand: nothing fails or
// locks for long once the reviewer has completed the backfill, and upgrade
// refuses the step until then.
func backfillHazard(h Hazard) Hazard {
	h.Severity = SeverityWarning
	h.Message += "; the plan adds the column nullable, fills it in with the backfill step (complete it and delete its TODO comments: upgrade refuses it until then), then sets NOT NULL"
	return h
}

// fillDefault adds the steps after the ADD COLUMN, without its volatile
// default, of c to t, in an online plan: SET DEFAULT, which new rows get
// from then on, then a backfill of the rows there were with the same
// expression, then NOT NULL when c is.
func (p *planner) fillDefault(t *model.Table, c *model.Column, pos int) {
	col := colRef(t.QName, c.Name)
	id := fmt.Sprintf("column %05d", pos)
	st := p.alterStmt(t, id+" default", ddl.AlterTable(t, false)+" ALTER COLUMN "+sqlq.QuoteIdent(c.Name)+" SET DEFAULT "+c.Default,
		lockHazard(t.QName, "SET DEFAULT"))
	st.Provides = nil
	st.Requires = append([]model.ObjectRef{col}, ddl.ColumnRequires(c, false)...)
	st.ProvTokens = []ddl.Token{ddl.TokenOf(ddl.TokDefaulted, col)}
	p.add(st)
	p.backfill(t, c, pos, c.Default)
}

// backfill adds the steps after the nullable ADD COLUMN of c to t: the
// backfill of value (a template marked TODO when value is ""), then NOT
// NULL when c is.
func (p *planner) backfill(t *model.Table, c *model.Column, pos int, value string, hz ...Hazard) {
	col := colRef(t.QName, c.Name)
	id := fmt.Sprintf("column %05d", pos)
	fill := p.alterStmt(t, id+" backfill", backfillSQL(t, c, value), hz...)
	fill.Provides = nil
	fill.Requires = []model.ObjectRef{col}
	fill.ReqTokens = append(fill.ReqTokens, ddl.TokenOf(ddl.TokDefaulted, col))
	fill.ProvTokens = []ddl.Token{backfilledRef(col)}
	fill.Backfill = true
	p.addStmt(fill) // each batch commits: outside the plan's transaction blocks
	if !c.NotNull {
		return
	}
	after := []ddl.Token{backfilledRef(col)}
	sub, hz, waits, prov := p.makeNotNull(t, c, false, after)
	st := p.alterStmt(t, id+" not null", ddl.AlterTable(t, false)+" "+sub, append(hz, lockHazard(t.QName, "SET NOT NULL"))...)
	st.ReqTokens = append(st.ReqTokens, waits...)
	st.ProvTokens = prov
	st.Provides = nil
	st.Requires = []model.ObjectRef{col}
	p.add(st)
}

// backfilledRef marks a column that its backfill step has filled in.
func backfilledRef(col model.ObjectRef) ddl.Token { return ddl.TokenOf(ddl.TokBackfilled, col) }

// backfillSQL is the step that fills in column c of t with value on the
// rows t has; with no value, a template marked TODO where the reviewer
// decides: the value, and whether the template suits the table. With a single-column integer
// primary key it updates one range of keys per transaction (a DO block that
// commits, which runs outside a transaction block); without one, every row
// in one statement.
func backfillSQL(t *model.Table, c *model.Column, value string) string {
	table, column := ddl.QNameSQL(t.QName), sqlq.QuoteIdent(c.Name)
	named := sqlq.CommentText(columnText(t.QName, c.Name))
	var b strings.Builder
	if value == "" {
		value = "NULL " + BackfillValueMark + sqlq.CommentText(column)
		b.WriteString(BackfillReviewMark + named + ": put the value for the rows that\n")
		b.WriteString("-- " + sqlq.CommentText(table) + " has in place of the NULL marked TODO, then delete both TODO comments.\n")
	} else {
		b.WriteString("-- The backfill of " + named + " with its default, on the rows " + sqlq.CommentText(table) + " has.\n")
	}
	key := integerKey(t)
	if key == "" {
		b.WriteString("-- " + sqlq.CommentText(table) + " has no single-column integer primary key to batch by: this\n")
		b.WriteString("-- updates every row in one transaction; batch it by hand if the table is large.\n")
		b.WriteString("UPDATE " + table + " SET " + column + " =\n    " + value + "\nWHERE " + column + " IS NULL")
		return b.String()
	}
	k := sqlq.QuoteIdent(key)
	fmt.Fprintf(&b, "-- It fills in %d rows at a time by primary key, each batch in a transaction of\n", backfillBatch)
	b.WriteString("-- its own, so that no row stays locked for long.\n")
	body := fmt.Sprintf(`
DECLARE
    lo bigint;
    top bigint;
BEGIN
    SELECT min(%[1]s), max(%[1]s) INTO lo, top FROM %[2]s;
    WHILE lo <= top LOOP
        UPDATE %[2]s SET %[3]s =
            %[4]s
        WHERE %[1]s >= lo AND %[1]s < lo + %[5]d AND %[3]s IS NULL;
        COMMIT;
        lo := lo + %[5]d;
    END LOOP;
END
`, k, table, column, value, backfillBatch)
	b.WriteString("DO " + sqlq.DollarQuote("retort", body))
	return b.String()
}

// integerKey returns the column of t's primary key when it is one column
// of an integer type; "" otherwise.
func integerKey(t *model.Table) string {
	i := slices.IndexFunc(t.Constraints, func(c model.Constraint) bool { return c.Type == model.PrimaryKey })
	if i < 0 || len(t.Constraints[i].Columns) != 1 {
		return ""
	}
	name := t.Constraints[i].Columns[0]
	c := columnOf(t, name)
	if c == nil {
		return ""
	}
	switch c.Type {
	case "smallint", "integer", "bigint":
		return name
	}
	return ""
}
