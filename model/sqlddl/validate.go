package sqlddl

import (
	"errors"
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"
)

// Declared schemas hold SQL fragments (a check's expression, a column's
// type, a function's CREATE statement) that retort writes into DDL as they
// are. Each must be exactly the one thing it claims to be, judged by
// PostgreSQL's own scanner and grammar: a fragment that closes the text
// around it could add statements nobody declared, and they would run on
// the dev server and, written into a revision, on the target.
//
// Fragments written inside other text (expressions, types, constraint and
// partition key definitions, index keys) may hold no comment and no
// semicolon, and open and close their own parentheses and brackets; each is
// then parsed inside a statement and the tree must hold nothing else.
// Statements (CREATE FUNCTION and the like) must parse as exactly one
// statement of the declared kind and name, and may not end in a -- comment,
// which would swallow the semicolon written after them.

// CheckExpr reports whether text is exactly one SQL expression (the
// grammar's a_expr), as a CHECK, a DEFAULT, a generated column, an index
// predicate or a policy takes it. The error says why not.
func CheckExpr(text string) error {
	if _, err := scanFragment(text); err != nil {
		return err
	}
	// In parentheses, text balanced on its own can only be an expression,
	// a row or a subquery; bare, it must be one unnamed target, which
	// rules out rows and subqueries. Only an a_expr passes both.
	for _, wrapped := range []string{"SELECT (" + text + ")", "SELECT " + text} {
		tree, err := parse(wrapped)
		if err != nil {
			return errors.New(shortenNear(err.Error()))
		}
		if _, err := onlyTarget(tree); err != nil {
			return err
		}
	}
	return nil
}

// onlyTarget returns the one unnamed target of a tree that is a bare
// SELECT of it.
func onlyTarget(tree *pg_query.ParseResult) (*pg_query.Node, error) {
	sel := onlySelect(tree)
	if sel == nil {
		return nil, errors.New("more than one expression, or an expression followed by other SQL")
	}
	if len(sel.TargetList) != 1 {
		return nil, errors.New("a list, not one expression")
	}
	rt := sel.TargetList[0].GetResTarget()
	if rt == nil || rt.Val == nil || rt.Name != "" || len(rt.Indirection) > 0 {
		return nil, errors.New("an expression followed by other SQL")
	}
	if rt.Val.GetColumnRef() != nil && len(rt.Val.GetColumnRef().Fields) > 0 &&
		rt.Val.GetColumnRef().Fields[len(rt.Val.GetColumnRef().Fields)-1].GetAStar() != nil {
		return nil, errors.New("a * list, not one expression")
	}
	if row := rt.Val.GetRowExpr(); row != nil && row.RowFormat == pg_query.CoercionForm_COERCE_IMPLICIT_CAST {
		return nil, errors.New("a list, not one expression")
	}
	return rt.Val, nil
}

// CheckType reports whether text is exactly one type name, as a column,
// a domain or a cast takes it: no COLLATE, DEFAULT, constraint or second
// column after it.
func CheckType(text string) error {
	if _, err := scanFragment(text); err != nil {
		return err
	}
	_, err := typeName(text)
	return err
}

// typeName parses text as the type of a cast and returns it.
func typeName(text string) (*pg_query.TypeName, error) {
	tree, err := safeParse("SELECT NULL::" + text + "\n")
	if err != nil {
		return nil, errors.New(shortenNear(err.Error()))
	}
	sel := onlySelect(tree)
	var tc *pg_query.TypeCast
	if sel != nil && len(sel.TargetList) == 1 {
		if rt := sel.TargetList[0].GetResTarget(); rt != nil && rt.Name == "" {
			tc = rt.Val.GetTypeCast()
		}
	}
	if tc == nil || tc.TypeName == nil || tc.Arg.GetAConst() == nil || !tc.Arg.GetAConst().Isnull {
		return nil, errors.New("not a type name, or a type name followed by other SQL")
	}
	if tc.TypeName.Setof || tc.TypeName.PctType {
		return nil, errors.New("not a column type")
	}
	return tc.TypeName, nil
}

// CheckIndexKey reports whether text is exactly one key of an index: a
// column or an expression, with its collation, operator class and order.
func CheckIndexKey(text string) error {
	if _, err := scanFragment(text); err != nil {
		return err
	}
	stmt, err := oneStatement("CREATE INDEX ON x (" + text + ")")
	if err != nil {
		return err
	}
	ix := stmt.GetIndexStmt()
	if ix == nil || len(ix.IndexParams) != 1 {
		return errors.New("not one index key")
	}
	bare := &pg_query.IndexStmt{Relation: ix.Relation, AccessMethod: ix.AccessMethod, IndexParams: ix.IndexParams}
	if !proto.Equal(ix, bare) {
		return errors.New("an index key followed by other SQL")
	}
	return nil
}

// CheckConstraint reports whether text is exactly one table constraint as
// pg_get_constraintdef prints it (CHECK (…), UNIQUE (…), FOREIGN KEY …,
// EXCLUDE …, with NOT VALID, DEFERRABLE and the like), or, when domain is
// true, one constraint that ALTER DOMAIN … ADD takes (CHECK (…)).
func CheckConstraint(text string, domain bool) error {
	if _, err := scanFragment(text); err != nil {
		return err
	}
	if domain {
		stmt, err := oneStatement("ALTER DOMAIN x ADD CONSTRAINT c " + text)
		if err != nil {
			return err
		}
		if ad := stmt.GetAlterDomainStmt(); ad == nil || ad.Subtype != "C" || ad.Def.GetConstraint() == nil {
			return errors.New("not one domain constraint")
		}
		return nil
	}
	stmt, err := oneStatement("ALTER TABLE x ADD CONSTRAINT c " + text)
	if err != nil {
		return err
	}
	at := stmt.GetAlterTableStmt()
	if at == nil || len(at.Cmds) != 1 {
		return errors.New("not one table constraint")
	}
	cmd := at.Cmds[0].GetAlterTableCmd()
	if cmd == nil || cmd.Subtype != pg_query.AlterTableType_AT_AddConstraint || cmd.Def.GetConstraint() == nil {
		return errors.New("not one table constraint")
	}
	return nil
}

// CheckPartitionKey reports whether text is exactly one partition key as
// pg_get_partkeydef prints it, such as RANGE (a, lower(b)).
func CheckPartitionKey(text string) error {
	if _, err := scanFragment(text); err != nil {
		return err
	}
	stmt, err := oneStatement("CREATE TABLE x () PARTITION BY " + text)
	if err != nil {
		return err
	}
	cs := stmt.GetCreateStmt()
	if cs == nil || cs.Partspec == nil {
		return errors.New("not one partition key")
	}
	bare := &pg_query.CreateStmt{Relation: cs.Relation, Partspec: cs.Partspec, Oncommit: cs.Oncommit}
	if cs.Oncommit != pg_query.OnCommitAction_ONCOMMIT_NOOP || !proto.Equal(cs, bare) {
		return errors.New("a partition key followed by other SQL")
	}
	return nil
}

// CheckQuery reports whether text is exactly one query (SELECT, VALUES,
// WITH … SELECT), as a view's definition; a semicolon may end it.
func CheckQuery(text string) error {
	stmt, err := oneDeclaredStatement(text)
	if err != nil {
		return err
	}
	sel := stmt.GetSelectStmt()
	if sel == nil {
		return fmt.Errorf("a %s statement, not a query", statementName(stmt))
	}
	if sel.IntoClause != nil {
		return errors.New("SELECT INTO creates a table: not a query")
	}
	return nil
}

// DefKind is the kind of statement a declared definition must be.
type DefKind string

// The kinds of definition CheckDefinition knows.
const (
	DefFunction  DefKind = "FUNCTION"
	DefProcedure DefKind = "PROCEDURE"
	DefTrigger   DefKind = "TRIGGER"
	DefRule      DefKind = "RULE"
	DefIndex     DefKind = "INDEX"
	// DefStatistics is CREATE STATISTICS: Schema and Name are the
	// statistics object's, TableSchema and Table its table's.
	DefStatistics DefKind = "STATISTICS"
)

// Declared names the object a definition must create: Schema and Name for
// a function or procedure; Schema and Table, the table it belongs to, and
// Name for a trigger, rule or index. A name written unqualified in the
// definition matches any schema; an empty Table (one the caller could not
// resolve, and reports itself) matches any table.
type Declared struct {
	Schema, Table, Name string
	// TableSchema is the table's schema for extended statistics, which
	// need not live in their table's schema.
	TableSchema string
}

// CheckDefinition reports whether text is exactly one CREATE statement of
// kind that creates the declared object; a semicolon may end it.
func CheckDefinition(text string, kind DefKind, want Declared) error {
	stmt, err := oneDeclaredStatement(text)
	if err != nil {
		return err
	}
	got := statementName(stmt)
	wrongKind := fmt.Errorf("a %s statement, not CREATE %s", got, kind)
	switch kind {
	case DefFunction, DefProcedure:
		f := stmt.GetCreateFunctionStmt()
		if f == nil || f.IsProcedure != (kind == DefProcedure) {
			return wrongKind
		}
		var parts []string
		for _, n := range f.Funcname {
			parts = append(parts, n.GetString_().GetSval())
		}
		return sameName(kind, parts, nil, want)
	case DefTrigger:
		tr := stmt.GetCreateTrigStmt()
		if tr == nil {
			return wrongKind
		}
		return sameName(kind, []string{tr.Trigname}, tr.Relation, want)
	case DefRule:
		r := stmt.GetRuleStmt()
		if r == nil {
			return wrongKind
		}
		return sameName(kind, []string{r.Rulename}, r.Relation, want)
	case DefIndex:
		ix := stmt.GetIndexStmt()
		if ix == nil {
			return wrongKind
		}
		return sameName(kind, []string{ix.Idxname}, ix.Relation, want)
	case DefStatistics:
		st := stmt.GetCreateStatsStmt()
		if st == nil || len(st.Relations) != 1 || st.Relations[0].GetRangeVar() == nil {
			return wrongKind
		}
		var parts []string
		for _, n := range st.Defnames {
			parts = append(parts, n.GetString_().GetSval())
		}
		if err := sameName(kind, parts, nil, Declared{Schema: want.Schema, Name: want.Name}); err != nil {
			return err
		}
		return sameName(kind, parts[len(parts)-1:], st.Relations[0].GetRangeVar(),
			Declared{Schema: want.TableSchema, Table: want.Table, Name: want.Name})
	}
	return fmt.Errorf("unknown kind of definition %q", kind)
}

// sameName checks the name a definition creates (schema and name, or the
// name and the table it is on) against the declared one.
func sameName(kind DefKind, name []string, rel *pg_query.RangeVar, want Declared) error {
	wantName := want.Name
	if rel == nil && want.Schema != "" {
		wantName = want.Schema + "." + want.Name
	}
	switch {
	case len(name) == 0 || name[len(name)-1] != want.Name,
		rel == nil && (len(name) > 2 || len(name) == 2 && name[0] != want.Schema):
		return fmt.Errorf("creates %s %s, not the declared %s", kind, strings.Join(name, "."), wantName)
	case rel == nil || want.Table == "":
		return nil
	case rel.Catalogname != "" || rel.Relname != want.Table || rel.Schemaname != "" && rel.Schemaname != want.Schema:
		on := rel.Relname
		if rel.Schemaname != "" {
			on = rel.Schemaname + "." + on
		}
		return fmt.Errorf("creates %s %s on %s, not on the declared %s.%s", kind, name[0], on, want.Schema, want.Table)
	}
	return nil
}

// statementName names a statement's kind for a message, such as "COPY"
// or "CREATE TABLE".
func statementName(stmt *pg_query.Node) string {
	k := strings.TrimSuffix(nodeKind(stmt), "Stmt")
	switch k {
	case "CreateFunction":
		if stmt.GetCreateFunctionStmt().IsProcedure {
			return "CREATE PROCEDURE"
		}
		return "CREATE FUNCTION"
	case "CreateTrig":
		return "CREATE TRIGGER"
	case "Rule":
		return "CREATE RULE"
	case "Index":
		return "CREATE INDEX"
	case "CreateStats":
		return "CREATE STATISTICS"
	case "Create":
		return "CREATE TABLE"
	case "Select":
		return "SELECT"
	}
	var b strings.Builder
	for i, r := range k {
		if i > 0 && 'A' <= r && r <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}

// oneDeclaredStatement parses a declared statement, which must be exactly
// one statement and must not end in a -- comment.
func oneDeclaredStatement(text string) (*pg_query.Node, error) {
	toks, err := scanText(text)
	if err != nil {
		return nil, err
	}
	if toks[len(toks)-1].tok == pg_query.Token_SQL_COMMENT {
		return nil, errors.New("ends in a -- comment, which would swallow what follows it")
	}
	tree, err := parse(text)
	if err != nil {
		return nil, errors.New(shortenNear(err.Error()))
	}
	return only(tree)
}

// oneStatement parses a fragment wrapped in a statement, already scanned.
func oneStatement(text string) (*pg_query.Node, error) {
	tree, err := parse(text)
	if err != nil {
		return nil, errors.New(shortenNear(err.Error()))
	}
	return only(tree)
}

// only returns the one statement of a tree.
func only(tree *pg_query.ParseResult) (*pg_query.Node, error) {
	if n := len(tree.GetStmts()); n != 1 {
		return nil, fmt.Errorf("%d statements, not one", n)
	}
	return tree.Stmts[0].GetStmt(), nil
}

// scanText scans a declared text: not empty, no NUL byte or invalid UTF-8,
// every quote and comment closed, and not nested deeper than libpg_query
// can parse safely.
func scanText(text string) ([]token, error) {
	if err := checkText(text); err != nil {
		return nil, err
	}
	if strings.Trim(text, scannerSpace) == "" {
		return nil, errors.New("empty")
	}
	toks, err := scan(text)
	if err != nil {
		return nil, errors.New(shortenNear(err.Error()))
	}
	if len(toks) == 0 {
		return nil, errors.New("empty")
	}
	if nesting(toks) > maxNesting {
		return nil, errTooComplex
	}
	return toks, nil
}

// scanFragment scans a fragment that retort writes inside other SQL: it
// may hold no comment and no semicolon, and must close every parenthesis
// and bracket it opens and none that it did not, so that it cannot end the
// text around it.
func scanFragment(text string) ([]token, error) {
	toks, err := scanText(text)
	if err != nil {
		return nil, err
	}
	depth := 0
	for _, t := range toks {
		switch t.tok {
		case pg_query.Token_SQL_COMMENT, pg_query.Token_C_COMMENT:
			return nil, errors.New("holds a comment")
		case pg_query.Token_ASCII_59:
			return nil, errors.New("holds a ; (a second statement)")
		case pg_query.Token_ASCII_40, pg_query.Token_ASCII_91:
			depth++
		case pg_query.Token_ASCII_41, pg_query.Token_ASCII_93:
			if depth--; depth < 0 {
				return nil, errors.New("closes a parenthesis it did not open")
			}
		}
	}
	if depth != 0 {
		return nil, errors.New("leaves a parenthesis open")
	}
	return toks, nil
}

// CheckArgs reports whether text can stand inside the parentheses of a
// function's or aggregate's signature (pg_get_function_arguments' text,
// such as "a integer DEFAULT 1, VARIADIC b text[]" or "ORDER BY integer")
// without leaving them: no comment, no semicolon, and every parenthesis
// and bracket it opens closed. The server judges the rest. An empty text
// is no arguments.
func CheckArgs(text string) error {
	if strings.Trim(text, scannerSpace) == "" {
		return nil
	}
	_, err := scanFragment(text)
	return err
}
