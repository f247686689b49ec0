package codec

import (
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
)

// SplitName splits a dotted name such as public.users or "my.schema".t into
// its parts. A part in double quotes may hold dots and doubled quotes; an
// unquoted part is taken as written (no case folding).
func SplitName(s string) ([]string, bool) {
	var parts []string
	for i := 0; ; {
		var part strings.Builder
		if i < len(s) && s[i] == '"' {
			i++
			closed := false
			for i < len(s) {
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						part.WriteByte('"')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				part.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, false
			}
		} else {
			j := i
			for j < len(s) && s[j] != '.' && s[j] != '"' {
				j++
			}
			part.WriteString(s[i:j])
			i = j
		}
		if part.Len() == 0 {
			return nil, false
		}
		parts = append(parts, part.String())
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
			b.WriteString(`"` + strings.ReplaceAll(p, `"`, `""`) + `"`)
		} else {
			b.WriteString(p)
		}
	}
	return b.String()
}

func quoteIdent(name string) string { return sqlq.QuoteIdent(name) }

func qualified(schema, name string) string { return sqlq.Qualified(schema, name) }

func identList(names []string) string { return sqlq.IdentList(names) }

// unquoteIdent reads one SQL identifier, quoted or not, that makes up all of
// s. A bare identifier is folded to lower case, as PostgreSQL does.
func unquoteIdent(s string) (string, bool) {
	parts, rest, ok := scanIdents(s)
	if !ok || len(parts) != 1 || rest != "" {
		return "", false
	}
	return parts[0], true
}

// scanIdents reads a dotted chain of SQL identifiers at the start of s and
// returns the names and what follows. Bare identifiers are folded to lower
// case.
func scanIdents(s string) (parts []string, rest string, ok bool) {
	i := 0
	for {
		if i < len(s) && s[i] == '"' {
			var b strings.Builder
			i++
			closed := false
			for i < len(s) {
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						b.WriteByte('"')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed || b.Len() == 0 {
				return nil, s, false
			}
			parts = append(parts, b.String())
		} else {
			j := i
			for j < len(s) && isIdentByte(s[j], j > i) {
				j++
			}
			if j == i {
				return nil, s, false
			}
			parts = append(parts, strings.ToLower(s[i:j]))
			i = j
		}
		if i < len(s) && s[i] == '.' {
			i++
			continue
		}
		return parts, s[i:], true
	}
}

func isIdentByte(c byte, notFirst bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 ||
		notFirst && (c >= '0' && c <= '9' || c == '$')
}

// literal quotes s as an SQL string literal.
func literal(s string) string { return sqlq.Literal(s) }

// unliteral reads a standard SQL string literal ('…', quotes doubled) that
// makes up the start of s, and returns its value and what follows.
func unliteral(s string) (val, rest string, ok bool) {
	if !strings.HasPrefix(s, "'") {
		return "", s, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] == '\'' {
			if i+1 < len(s) && s[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			return b.String(), s[i+1:], true
		}
		b.WriteByte(s[i])
	}
	return "", s, false
}
