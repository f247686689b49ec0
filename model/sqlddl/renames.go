package sqlddl

import (
	"fmt"
	"regexp"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// RenameDirective is the comment that marks a rename in a SQL schema file,
// on the line above a CREATE TABLE or above a column of one:
//
//	-- retort:renamed_from old_name
const RenameDirective = "retort:renamed_from"

var renameComment = regexp.MustCompile(`^--\s*retort:renamed_from(?:\s+(.*?))?\s*$`)

// A RenameHint is one rename directive of a SQL schema file: the table (or
// the column of a table) it stands above and the name it had before. The
// names are as PostgreSQL reads them: unquoted ones folded to lower case.
type RenameHint struct {
	Schema string // the table's schema as written; "" when unqualified
	Table  string
	Column string // "" when the hint is on the table itself
	From   string
	File   string
	Line   int
	Col    int
}

// RenameHints returns the rename directives of a schema file whose
// statements Split returned. A directive that stands anywhere but right
// above a CREATE TABLE or one of its column definitions, or that names no
// identifier, is an error at its position: a hint that silently did nothing
// would turn a rename into a drop and a create.
func RenameHints(file string, src []byte, stmts []Statement) ([]RenameHint, error) {
	text := string(src)
	if !strings.Contains(text, RenameDirective) {
		return nil, nil
	}
	toks, err := scan(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	cur := newCursor(text)
	var out []RenameHint
	si := 0 // the first statement that does not end before the token
	for i, t := range toks {
		if t.tok != pg_query.Token_SQL_COMMENT {
			continue
		}
		m := renameComment.FindStringSubmatch(text[t.start:t.end])
		if m == nil || !ownLine(text, t.start) {
			continue
		}
		line, col := cur.seek(t.start)
		fail := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d:%d: -- %s: %s", file, line, col, RenameDirective, fmt.Sprintf(format, args...))
		}
		from, ok := identifier(m[1])
		if !ok {
			return nil, fail("want the former name, one identifier, after it")
		}
		for si < len(stmts) && stmts[si].Offset+len(stmts[si].Text) <= t.start {
			si++
		}
		if si == len(stmts) || stmts[si].Kind != "CreateStmt" {
			return nil, fail("must stand on the line above a CREATE TABLE or one of its column definitions")
		}
		st := stmts[si]
		schema, table, err := createdTable(st.Text)
		if err != nil {
			return nil, fail("%v", err)
		}
		h := RenameHint{Schema: schema, Table: table, From: from, File: file, Line: line, Col: col}
		if t.start >= st.Offset {
			name, ok := columnAfter(text, toks, i, st)
			if !ok {
				return nil, fail("inside CREATE TABLE it must stand above a column definition")
			}
			h.Column = name
		}
		out = append(out, h)
	}
	return out, nil
}

// ownLine reports whether only blanks stand before offset on its line: a
// directive is a line of its own, never the tail of a line of code.
func ownLine(text string, offset int) bool {
	start := strings.LastIndexAny(text[:offset], "\n\r") + 1
	return strings.TrimLeft(text[start:offset], " \t") == ""
}

// identifier reads s as one SQL identifier, quoted or not.
func identifier(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	toks, err := scan(s)
	if err != nil || len(toks) != 1 || toks[0].start != 0 || toks[0].end != len(s) {
		return "", false
	}
	return identText(s, toks[0])
}

// identText returns the name a token spells when it is an identifier or a
// keyword that may serve as a column name.
func identText(text string, t token) (string, bool) {
	raw := text[t.start:t.end]
	switch {
	case t.tok == pg_query.Token_IDENT && strings.HasPrefix(raw, `"`):
		return strings.ReplaceAll(raw[1:len(raw)-1], `""`, `"`), true
	case t.tok == pg_query.Token_IDENT, t.keyword && !reservedColumnStart[strings.ToUpper(raw)]:
		return asciiLower(raw), true
	}
	return "", false
}

// reservedColumnStart are the words that start a table constraint or a
// LIKE clause where a column definition could stand.
var reservedColumnStart = map[string]bool{
	"CONSTRAINT": true, "PRIMARY": true, "UNIQUE": true, "CHECK": true, "FOREIGN": true,
	"EXCLUDE": true, "LIKE": true,
}

// columnAfter returns the name of the column definition that the comment
// toks[i], inside statement st, stands above: the next token must be the
// first of an element of the column list, at its top level.
func columnAfter(text string, toks []token, i int, st Statement) (string, bool) {
	depth := 0
	afterElement := false // the last significant token opened the list or was a comma in it
	for _, t := range toks {
		if t.start < st.Offset {
			continue
		}
		if t.start >= toks[i].start {
			break
		}
		switch t.tok {
		case pg_query.Token_SQL_COMMENT, pg_query.Token_C_COMMENT:
			continue
		case pg_query.Token_ASCII_40: // (
			depth++
			afterElement = depth == 1
			continue
		case pg_query.Token_ASCII_41: // )
			depth--
		case pg_query.Token_ASCII_44: // ,
			afterElement = depth == 1
			continue
		}
		afterElement = false
	}
	if depth != 1 || !afterElement {
		return "", false
	}
	for _, t := range toks[i+1:] {
		if t.tok == pg_query.Token_SQL_COMMENT || t.tok == pg_query.Token_C_COMMENT {
			continue
		}
		return identText(text, t)
	}
	return "", false
}

// createdTable returns the schema ("" when unqualified) and name of the
// table a CREATE TABLE statement creates.
func createdTable(stmt string) (schema, name string, err error) {
	tree, err := parse(stmt)
	if err != nil {
		return "", "", err
	}
	if len(tree.Stmts) != 1 {
		return "", "", fmt.Errorf("not one CREATE TABLE")
	}
	cs := tree.Stmts[0].Stmt.GetCreateStmt()
	if cs == nil || cs.Relation == nil {
		return "", "", fmt.Errorf("not a CREATE TABLE")
	}
	return cs.Relation.Schemaname, cs.Relation.Relname, nil
}
