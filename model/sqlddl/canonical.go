package sqlddl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"
)

// Canonical returns pg_query's deparsed text of sql, which is either one or
// more statements or a single expression: two texts that differ only in
// layout, letter case of keywords, comments, redundant parentheses or
// spellings the parser folds (int and integer, CURRENT_TIMESTAMP and
// current_timestamp) give the same text.
//
// It is a best effort for comparing declared schemas without a dev server:
// unlike PostgreSQL's own pg_get_expr it resolves no names and adds no
// casts, so 'a' and 'a'::status stay different. Statements are deparsed with
// a semicolon between them and none at the end.
func Canonical(sql string) (string, error) {
	if p := badParam(sql); p != "" {
		// PostgreSQL parses these and refuses them later; pg_query
		// deparses $0 as the ? of a normalized query and a number past
		// 2^31-1 wrapped around, neither of which reads back.
		return "", fmt.Errorf("canonical %q: no parameter %s", short(sql), p)
	}
	tree, stmtErr := safeParse(sql)
	if stmtErr == nil && len(tree.GetStmts()) > 0 {
		out, err := deparse(tree)
		if err != nil {
			return "", fmt.Errorf("canonical %q: %w", short(sql), err)
		}
		return out, nil
	}
	expr, err := parseExpr(sql)
	if err != nil {
		if stmtErr == nil {
			stmtErr = errors.New("no statement")
		}
		return "", fmt.Errorf("canonical %q: neither a statement (%v) nor an expression (%v)", short(sql), stmtErr, err)
	}
	out, err := deparseTarget(&pg_query.ResTarget{Val: expr})
	if err != nil {
		return "", fmt.Errorf("canonical %q: %w", short(sql), err)
	}
	return out, nil
}

// badParam returns the first parameter of sql ($1 …) that is not a
// number from 1 to 2^31-1, or "".
func badParam(sql string) string {
	if !strings.Contains(sql, "$") {
		return ""
	}
	toks, err := scan(sql)
	if err != nil {
		return "" // Canonical's parse says why
	}
	for _, t := range toks {
		if t.tok != pg_query.Token_PARAM {
			continue
		}
		if n, err := strconv.ParseInt(sql[t.start+1:t.end], 10, 32); err != nil || n < 1 {
			return sql[t.start:t.end]
		}
	}
	return ""
}

// parseExpr parses sql as one expression: as SELECT (sql), whose tree must
// hold nothing but that expression, so that text such as "1) FROM t WHERE (x"
// cannot pass for one.
func parseExpr(sql string) (*pg_query.Node, error) {
	tree, err := safeParse("SELECT (" + sql + "\n)")
	if err != nil {
		return nil, err
	}
	sel := onlySelect(tree)
	if sel == nil || len(sel.TargetList) != 1 {
		return nil, errors.New("not a single expression")
	}
	rt := sel.TargetList[0].GetResTarget()
	if rt == nil || rt.Name != "" || rt.Val == nil {
		return nil, errors.New("not a single expression")
	}
	if row := rt.Val.GetRowExpr(); row != nil && row.RowFormat == pg_query.CoercionForm_COERCE_IMPLICIT_CAST {
		return nil, errors.New("a list, not a single expression")
	}
	return rt.Val, nil
}

// onlySelect returns the SELECT of a tree that is one SELECT with a target
// list and no other clause, or nil.
func onlySelect(tree *pg_query.ParseResult) *pg_query.SelectStmt {
	if len(tree.GetStmts()) != 1 {
		return nil
	}
	sel := tree.Stmts[0].GetStmt().GetSelectStmt()
	if sel == nil {
		return nil
	}
	bare := &pg_query.SelectStmt{TargetList: sel.TargetList, LimitOption: sel.LimitOption, Op: sel.Op}
	if !proto.Equal(sel, bare) {
		return nil
	}
	return sel
}

// deparseTarget deparses SELECT target and returns the text after SELECT.
func deparseTarget(target *pg_query.ResTarget) (string, error) {
	sel := &pg_query.SelectStmt{
		TargetList:  []*pg_query.Node{{Node: &pg_query.Node_ResTarget{ResTarget: target}}},
		LimitOption: pg_query.LimitOption_LIMIT_OPTION_DEFAULT,
		Op:          pg_query.SetOperation_SETOP_NONE,
	}
	out, err := deparse(&pg_query.ParseResult{Stmts: []*pg_query.RawStmt{{Stmt: &pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: sel}}}}})
	if err != nil {
		return "", err
	}
	return strings.TrimPrefix(out, "SELECT "), nil
}

// CanonicalType returns a type name as PostgreSQL's format_type prints it
// for the built-in types and their SQL-standard spellings: int and int4 give
// integer, varchar(20) gives character varying(20), timestamptz(3) gives
// timestamp(3) with time zone, int[][] gives integer[]. Other names come
// back as pg_query deparses them, with the schema if one was written.
func CanonicalType(typ string) (string, error) {
	tn, err := typeName(typ)
	if err != nil {
		return "", fmt.Errorf("canonical type %q: %w", short(typ), err)
	}
	for _, m := range tn.Typmods {
		// PostgreSQL refuses other type modifiers, and pg_query deparses
		// some of them (an operator expression) as nothing.
		if m.GetAConst() == nil && len(m.GetColumnRef().GetFields()) != 1 {
			return "", fmt.Errorf("canonical type %q: type modifiers must be simple constants or identifiers", short(typ))
		}
	}
	if s, ok := formatBuiltin(tn); ok {
		return s, nil
	}
	tc := &pg_query.TypeCast{Arg: &pg_query.Node{Node: &pg_query.Node_AConst{AConst: &pg_query.A_Const{Isnull: true}}}, TypeName: tn}
	out, err := deparseTarget(&pg_query.ResTarget{Val: &pg_query.Node{Node: &pg_query.Node_TypeCast{TypeCast: tc}}})
	if err != nil {
		return "", fmt.Errorf("canonical type %q: %w", short(typ), err)
	}
	return strings.TrimPrefix(out, "NULL::"), nil
}

// builtinTypes maps the internal names of built-in types, as the parser
// leaves them, to format_type's names. "char" and "character" are not among
// them: the parser turns char and character into bpchar, so a name "char"
// was quoted or qualified, which is PostgreSQL's one-byte "char" type, and
// format_type prints it so; a name "character" is no type, and spelling it
// unquoted would make it character(1).
var builtinTypes = map[string]string{
	"bool": "boolean", "boolean": "boolean",
	"int2": "smallint", "smallint": "smallint",
	"int4": "integer", "int": "integer", "integer": "integer",
	"int8": "bigint", "bigint": "bigint",
	"float4": "real", "real": "real",
	"float8":  "double precision",
	"numeric": "numeric", "decimal": "numeric",
	"bpchar":  "character",
	"varchar": "character varying",
	"bit":     "bit", "varbit": "bit varying",
	"timestamp": "timestamp without time zone", "timestamptz": "timestamp with time zone",
	"time": "time without time zone", "timetz": "time with time zone",
	"text": "text", "bytea": "bytea", "date": "date", "uuid": "uuid", "json": "json", "jsonb": "jsonb",
	"inet": "inet", "cidr": "cidr", "macaddr": "macaddr", "money": "money", "xml": "xml",
	"tsvector": "tsvector", "tsquery": "tsquery", "oid": "oid", "name": "name", "interval": "interval",
}

// formatBuiltin formats a built-in type as format_type does; ok is false
// for other types and for typmods it cannot print (interval fields).
func formatBuiltin(tn *pg_query.TypeName) (string, bool) {
	var names []string
	for _, n := range tn.Names {
		names = append(names, n.GetString_().GetSval())
	}
	if len(names) == 2 && names[0] == "pg_catalog" {
		names = names[1:]
	}
	if len(names) != 1 {
		return "", false
	}
	name, ok := builtinTypes[names[0]]
	if !ok || name == "interval" && len(tn.Typmods) > 0 {
		return "", false
	}
	var mods []string
	for _, m := range tn.Typmods {
		c := m.GetAConst()
		if c == nil || c.GetIval() == nil {
			return "", false
		}
		mods = append(mods, strconv.Itoa(int(c.GetIval().Ival)))
	}
	if len(mods) == 0 {
		// The parser gives char and bit without a length the length 1;
		// bpchar and "bit" written as such have none, and format_type
		// says so in the one spelling that does not read back as length 1.
		switch names[0] {
		case "bpchar":
			name = "bpchar"
		case "bit":
			name = `"bit"`
		}
	}
	mod := ""
	if len(mods) > 0 {
		mod = "(" + strings.Join(mods, ",") + ")"
	}
	s := name + mod
	if rest, ok := strings.CutPrefix(name, "timestamp "); ok {
		s = "timestamp" + mod + " " + rest
	} else if rest, ok := strings.CutPrefix(name, "time "); ok {
		s = "time" + mod + " " + rest
	}
	if len(tn.ArrayBounds) > 0 {
		s += "[]"
	}
	return s, true
}

// short cuts text for a message.
func short(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
