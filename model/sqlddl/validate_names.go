package sqlddl

import (
	"errors"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// Declared schemas also name things inside the DDL retort writes: a
// collation, an operator class, an aggregate's support functions, a cast's
// function, a sort operator. These read such a name by PostgreSQL's grammar
// (in a DROP statement, which takes nothing but the name) and return its
// parts as the server reads them, bare parts folded to lower case, so that
// the caller can write them through sqlq: a name that closed the text around
// it could add statements nobody declared.

// ParseName reads text as one name, NAME or SCHEMA.NAME, such as a
// collation or an operator class, and returns its parts.
func ParseName(text string) ([]string, error) {
	if _, err := scanFragment(text); err != nil {
		return nil, err
	}
	stmt, err := oneStatement("DROP COLLATION " + text)
	if err != nil {
		return nil, err
	}
	ds := plainDrop(stmt)
	if ds == nil {
		return nil, errors.New("not one name")
	}
	return nameParts(ds.Objects[0].GetList().GetItems())
}

// ParseRoutineName reads text as a function named by a declared schema,
// NAME or SCHEMA.NAME: followed by its argument types in parentheses when
// args is true (regprocedure's form, such as public.to_json(public.t)), and
// by nothing otherwise (regproc's form). It returns the name's parts; the
// argument list, when there is one, it checks and leaves to the caller.
func ParseRoutineName(text string, args bool) ([]string, error) {
	if _, err := scanFragment(text); err != nil {
		return nil, err
	}
	stmt, err := oneStatement("DROP FUNCTION " + text)
	if err != nil {
		return nil, err
	}
	ds := plainDrop(stmt)
	if ds == nil {
		return nil, errors.New("not one function name")
	}
	fn := ds.Objects[0].GetObjectWithArgs()
	switch {
	case fn == nil:
		return nil, errors.New("not one function name")
	case args && fn.ArgsUnspecified:
		return nil, errors.New("no argument types: want NAME(TYPE, …)")
	case !args && !fn.ArgsUnspecified:
		return nil, errors.New("a name followed by arguments: want the name alone")
	}
	return nameParts(fn.Objname)
}

// ParseOperatorName reads text as a binary operator, bare or
// schema-qualified, with or without its argument types (regoperator's
// form, such as >(integer,integer) or public.>>>(integer,integer)), and
// returns its parts: the schema, if given, and the operator.
func ParseOperatorName(text string) ([]string, error) {
	if _, err := scanFragment(text); err != nil {
		return nil, err
	}
	sql := "DROP OPERATOR " + text
	if !strings.Contains(text, "(") {
		sql += " (integer, integer)"
	}
	stmt, err := oneStatement(sql)
	if err != nil {
		return nil, err
	}
	ds := plainDrop(stmt)
	if ds == nil {
		return nil, errors.New("not one operator")
	}
	op := ds.Objects[0].GetObjectWithArgs()
	if op == nil || len(op.Objargs) != 2 || op.Objargs[0].GetTypeName() == nil || op.Objargs[1].GetTypeName() == nil {
		return nil, errors.New("not one binary operator")
	}
	return nameParts(op.Objname)
}

// plainDrop returns stmt when it is a DROP of exactly one object with
// nothing else: no IF EXISTS, CASCADE or CONCURRENTLY, which a name that
// carried them would have added.
func plainDrop(stmt *pg_query.Node) *pg_query.DropStmt {
	ds := stmt.GetDropStmt()
	if ds == nil || len(ds.Objects) != 1 || ds.MissingOk || ds.Concurrent ||
		ds.Behavior != pg_query.DropBehavior_DROP_RESTRICT {
		return nil
	}
	return ds
}

// nameParts returns the strings of a parsed name of one or two parts.
func nameParts(nodes []*pg_query.Node) ([]string, error) {
	if len(nodes) == 0 || len(nodes) > 2 {
		return nil, errors.New("not NAME or SCHEMA.NAME")
	}
	parts := make([]string, len(nodes))
	for i, n := range nodes {
		s := n.GetString_()
		if s == nil || s.Sval == "" {
			return nil, errors.New("not NAME or SCHEMA.NAME")
		}
		parts[i] = s.Sval
	}
	return parts, nil
}

// CheckReturns reports whether text is exactly what RETURNS takes in a
// CREATE FUNCTION, as pg_get_function_result prints it: a type, SETOF a
// type, or TABLE (…) with its columns; no LANGUAGE, AS or other clause
// after it.
func CheckReturns(text string) error {
	if _, err := scanFragment(text); err != nil {
		return err
	}
	stmt, err := oneStatement("CREATE FUNCTION f() RETURNS " + text)
	if err != nil {
		return err
	}
	cf := stmt.GetCreateFunctionStmt()
	if cf == nil || cf.ReturnType == nil || len(cf.Funcname) != 1 {
		return errors.New("not one result type")
	}
	if len(cf.Options) > 0 || cf.SqlBody != nil {
		return errors.New("a result type followed by other SQL")
	}
	for _, p := range cf.Parameters {
		if fp := p.GetFunctionParameter(); fp == nil || fp.Mode != pg_query.FunctionParameterMode_FUNC_PARAM_TABLE {
			return errors.New("a result type followed by other SQL")
		}
	}
	return nil
}
