package codec

import (
	"errors"
	"strings"

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

// Names written into DDL (collations, operator classes, support functions,
// operators) are read by PostgreSQL's grammar too, and a routine's name is
// kept quoted through sqlq, as regproc prints it.

// oneName says what a collation or operator class must be.
const oneName = "a name (NAME or SCHEMA.NAME)"

// nameCheck accepts exactly one name of one or two parts.
func nameCheck(text string) error {
	_, err := sqlddl.ParseName(text)
	return err
}

// oneReturns says what a function's result must be.
const oneReturns = "exactly one result type (a type, SETOF a type or TABLE (…))"

// returnsCheck accepts exactly what RETURNS takes.
func returnsCheck(text string) error { return sqlddl.CheckReturns(text) }

// indexKeyCheck accepts exactly one index key.
func indexKeyCheck(text string) error { return sqlddl.CheckIndexKey(text) }

// collation reads a collation: a bare name is taken as written and quoted
// (collate = "C"); a quoted or qualified one must be a name as SQL writes
// it (public.german, "de-x-icu"), and is kept as written.
func (r *reader) collation(name string) (string, bool) {
	a := r.attr(name)
	if a == nil {
		return "", false
	}
	if a.Value.Kind != String {
		r.wrong(a, "a collation name (a string)")
		return "", false
	}
	s := a.Value.Str
	if !strings.ContainsAny(s, `".`) {
		return collationText(s), true
	}
	if !r.d.checkSQL(a.Value, name, oneName, s, nameCheck) {
		return "", false
	}
	return s, true
}

// opClass reads an operator class: a word, or a name as SQL writes it.
func (r *reader) opClass(name string) (string, bool) {
	a := r.attr(name)
	if a == nil {
		return "", false
	}
	var s string
	switch {
	case a.Value.Kind == Ref && len(a.Value.Parts) == 1:
		s = a.Value.Parts[0]
	case a.Value.Kind == String && a.Value.Str != "":
		s = a.Value.Str
	default:
		r.wrong(a, "an operator class")
		return "", false
	}
	if !r.d.checkSQL(a.Value, name, oneName, s, nameCheck) {
		return "", false
	}
	return s, true
}

// funcName reads a support function named by a string, NAME or
// SCHEMA.NAME as regproc prints it, and returns it quoted as regproc would.
// "-", which pg_aggregate's text gives for none, is kept.
func (r *reader) funcName(name string) (string, bool) {
	a := r.attr(name)
	if a == nil {
		return "", false
	}
	if a.Value.Kind != String {
		r.wrong(a, "a function name (a string)")
		return "", false
	}
	if s := a.Value.Str; s == "" || s == "-" {
		return s, true
	}
	return r.d.routineText(a.Value, name, a.Value.Str)
}

// routineText checks s, the function that v names, and returns it quoted.
func (d *decoder) routineText(v *Value, name, s string) (string, bool) {
	var parts []string
	check := func(text string) error {
		var err error
		parts, err = sqlddl.ParseRoutineName(text, false)
		return err
	}
	if !d.checkSQL(v, name, "a function name (NAME or SCHEMA.NAME)", s, check) {
		return "", false
	}
	if len(parts) == 1 {
		return quoteIdent(parts[0]), true
	}
	return qualified(parts[0], parts[1]), true
}

// funcSignature reads a function named with its argument types, as
// regprocedure prints it (public.to_json(public.t)).
func (r *reader) funcSignature(name string) (string, bool) {
	check := func(text string) error {
		_, err := sqlddl.ParseRoutineName(text, true)
		return err
	}
	s, ok := r.sqlText(name, "a function with its argument types (NAME(TYPE, …))", check)
	return strings.TrimSpace(s), ok
}

// operatorCheck accepts one binary operator, as regoperator prints it.
func operatorCheck(text string) error {
	_, err := sqlddl.ParseOperatorName(text)
	return err
}

// oneOperator says what a sort operator must be.
const oneOperator = "an operator (OP, SCHEMA.OP, or either with its argument types)"

// sqlStrs reads a list of strings, each of which check must accept; each
// that it does not is reported at its place.
func (r *reader) sqlStrs(name, what string, check func(string) error) ([]string, bool) {
	a, items := r.items(name)
	if a == nil {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		if it.Kind != String {
			r.d.errs.add(it.Pos, it.Text, "%s: want a string, got %s", name, it.Describe())
			return nil, false
		}
		if r.d.checkSQL(it, name, what, it.Str, check) {
			out = append(out, it.Str)
		}
	}
	return out, true
}

// oneOption says what a storage or foreign-data option must be.
const oneOption = "key=value (the value is written as a string literal)"

// optionCheck accepts an option as PostgreSQL stores it, key=value, with
// a key of one or more dotted words (toast.fillfactor). The key and the
// value are quoted where they are written.
func optionCheck(text string) error {
	k, _, ok := strings.Cut(text, "=")
	if !ok {
		return errors.New("no =")
	}
	for _, w := range strings.Split(k, ".") {
		if w == "" {
			return errors.New("an empty key")
		}
	}
	return nil
}

// options reads a list of key=value options.
func (r *reader) options(name string) []string {
	opts, _ := r.sqlStrs(name, oneOption, optionCheck)
	return opts
}
