package codec

import (
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/sqlddl"
)

// Declared SQL texts are written into DDL as they are, so each must be
// exactly what its attribute says, judged by PostgreSQL's grammar (see
// sqlddl.CheckExpr): text that closes what is around it would add
// statements nobody declared.

// sqlText reads a string attribute holding SQL that check must accept;
// what is what it must be, for the message ("exactly one SQL expression").
// An attribute that is there but wrong is reported at its place and still
// returned with ok true, so that the caller does not report it missing too.
func (r *reader) sqlText(name, what string, check func(string) error) (string, bool) {
	a := r.attr(name)
	if a == nil {
		return "", false
	}
	if a.Value.Kind != String {
		r.wrong(a, what+" (a string)")
		return "", false
	}
	r.d.checkSQL(a.Value, name, what, a.Value.Str, check)
	return a.Value.Str, true
}

// checkSQL reports text, the SQL of v, at v's place unless check accepts it.
func (d *decoder) checkSQL(v *Value, name, what, text string, check func(string) error) bool {
	return d.checkSQLAt(v.Pos, v.Text, name, what, text, check)
}

// checkSQLAt reports text at pos, whose source is src, unless check
// accepts it.
func (d *decoder) checkSQLAt(pos Pos, src, name, what, text string, check func(string) error) bool {
	if err := check(text); err != nil {
		d.errs.add(pos, src, "%s must be %s: %v", name, what, err)
		return false
	}
	return true
}

// checkBuilt checks a statement built from a block's parts (Atlas's
// functions and triggers), at the attribute called name when the block has
// it, else at the block.
func (d *decoder) checkBuilt(r *reader, b *Block, name, what, text string, check func(string) error) {
	pos, src := b.Pos, b.Text
	for _, a := range r.body.Attrs {
		if a.Name == name {
			pos, src = a.Value.Pos, a.Value.Text
		}
	}
	d.checkSQLAt(pos, src, name, what, text, check)
}

// Messages: what each kind of text must be.
const (
	oneExpr  = "exactly one SQL expression"
	oneType  = "exactly one type name"
	oneQuery = "exactly one query (SELECT, VALUES or WITH … SELECT)"
	// oneConstraint is a table constraint as pg_get_constraintdef prints it.
	oneConstraint = "exactly one constraint (CHECK, UNIQUE, PRIMARY KEY, FOREIGN KEY or EXCLUDE)"
)

// oneArgs says what a signature's argument list must be.
const oneArgs = "an argument list that stays inside its parentheses"

// argsCheck accepts an argument list that cannot leave its parentheses.
func argsCheck(text string) error { return sqlddl.CheckArgs(text) }

// partitionKeyCheck accepts exactly one partition key (RANGE (…) and
// the like).
func partitionKeyCheck(text string) error { return sqlddl.CheckPartitionKey(text) }

// queryCheck accepts exactly one query.
func queryCheck(text string) error { return sqlddl.CheckQuery(text) }

// exprCheck accepts exactly one SQL expression.
func exprCheck(text string) error { return sqlddl.CheckExpr(text) }

// typeCheck accepts exactly one type name.
func typeCheck(text string) error { return sqlddl.CheckType(text) }

// constraintCheck accepts exactly one table constraint definition.
func constraintCheck(text string) error { return sqlddl.CheckConstraint(text, false) }

// domainCheck accepts exactly one domain constraint definition.
func domainCheck(text string) error { return sqlddl.CheckConstraint(text, true) }

// definitionCheck accepts exactly one CREATE statement of kind that
// creates the declared object.
func definitionCheck(kind sqlddl.DefKind, want sqlddl.Declared) func(string) error {
	return func(text string) error { return sqlddl.CheckDefinition(text, kind, want) }
}

// oneCreate says what a definition of kind must be.
func oneCreate(kind sqlddl.DefKind) string {
	return "exactly one CREATE " + string(kind) + " statement"
}

// onTable names an object of a table for sqlddl.CheckDefinition.
func onTable(table model.QName, name string) sqlddl.Declared {
	return sqlddl.Declared{Schema: table.Schema, Table: table.Name, Name: name}
}

// routineKind is the kind of CREATE statement a function's definition is.
func routineKind(f *model.Function) sqlddl.DefKind {
	if f.Kind == model.KindProcedure {
		return sqlddl.DefProcedure
	}
	return sqlddl.DefFunction
}
