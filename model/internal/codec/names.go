package codec

import (
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/internal/sqltext"
)

// SplitName splits a dotted name such as public.users or "my.schema".t into
// its parts. A part in double quotes may hold dots and doubled quotes; an
// unquoted part is taken as written (no case folding).
func SplitName(s string) ([]string, bool) {
	var parts []string
	for i := 0; ; {
		var part string
		if i < len(s) && s[i] == '"' {
			p, n, ok := sqltext.QuotedIdent(s[i:])
			if !ok {
				return nil, false
			}
			part, i = p, i+n
		} else {
			j := i
			for j < len(s) && s[j] != '.' && s[j] != '"' {
				j++
			}
			part, i = s[i:j], j
		}
		if part == "" {
			return nil, false
		}
		parts = append(parts, part)
		if i == len(s) {
			return parts, true
		}
		if s[i] != '.' {
			return nil, false
		}
		i++
	}
}

// JoinName writes parts as SplitName reads them, quoting a part only when
// it must be.
func JoinName(parts ...string) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('.')
		}
		if p == "" || strings.ContainsAny(p, `."()`) || strings.TrimSpace(p) != p {
			b.WriteString(sqlq.Ident(p))
		} else {
			b.WriteString(p)
		}
	}
	return b.String()
}

func quoteIdent(name string) string { return sqlq.QuoteIdent(name) }

func qualified(schema, name string) string { return sqlq.Qualified(schema, name) }

func identList(names []string) string { return sqlq.IdentList(names) }

// literal quotes s as an SQL string literal.
func literal(s string) string { return sqlq.Literal(s) }
