package sqlddl

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// Locate finds where the statement first names name, an identifier as
// PostgreSQL prints it in messages (folded to lower case unless it was
// quoted; for a qualified name, its last part): in an unquoted word or a
// quoted identifier, never in a string or a comment. It is for errors the
// server reports without a position, such as `column "x" does not exist` in
// CREATE INDEX. ok is false when the statement does not name it.
func (s Statement) Locate(name string) (line, col int, ok bool) {
	if i := strings.LastIndexByte(name, '.'); i >= 0 && !strings.Contains(name, `"`) {
		name = name[i+1:]
	}
	if name == "" || checkText(s.Text) != nil {
		return 0, 0, false
	}
	toks, err := scan(s.Text)
	if err != nil {
		return 0, 0, false
	}
	for _, t := range toks {
		if t.start < 0 || t.end > len(s.Text) || t.end <= t.start {
			continue
		}
		word := s.Text[t.start:t.end]
		var folded string
		switch {
		case t.tok == pg_query.Token_IDENT && strings.HasPrefix(word, `"`):
			folded = strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(word, `"`), `"`), `""`, `"`)
		case t.tok == pg_query.Token_IDENT || t.keyword:
			folded = asciiLower(word)
		default:
			continue
		}
		if folded == name {
			line, col = s.Position(len([]rune(s.Text[:t.start])) + 1)
			return line, col, true
		}
	}
	return 0, 0, false
}

// asciiLower folds ASCII letters to lower case, as PostgreSQL folds
// unquoted names.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
