package sqltext

import (
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
)

// Idents reads a dotted chain of identifiers at the start of s, as a user
// writes them: a part is double-quoted (doubled quotes stand for one) or
// bare, and a bare part is folded to lower case. It returns the parts and
// what follows them; ok is false when s does not start with an identifier
// or a part is empty or unterminated.
//
// A bare part is a letter, an underscore or a non-ASCII byte, then those,
// digits and dollar signs, as PostgreSQL's scanner reads identifiers. It is
// folded with [strings.ToLower], which also folds non-ASCII letters; the
// server folds only ASCII ones in a UTF-8 database.
func Idents(s string) (parts []string, rest string, ok bool) {
	return scanChain(s, func(s string) (string, int) {
		j := 0
		for j < len(s) && isIdentByte(s[j], j > 0) {
			j++
		}
		return strings.ToLower(s[:j]), j
	})
}

// PrintedIdents reads a dotted chain of identifiers at the start of s, as
// PostgreSQL prints them (quote_ident, format_type, regclass): a part is
// double-quoted, or bare in the form quote_ident leaves bare, so that Foo
// or a keyword such as user, written bare, is not a name but other text.
// It returns the unquoted parts and what follows them; ok is false when s
// does not start with such a name.
func PrintedIdents(s string) (parts []string, rest string, ok bool) {
	return scanChain(s, func(s string) (string, int) {
		j := 0
		for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= '0' && s[j] <= '9' || s[j] == '_' || s[j] == '$') {
			j++
		}
		if j == 0 || sqlq.QuoteIdent(s[:j]) != s[:j] {
			return "", 0
		}
		return s[:j], j
	})
}

// Ident reads one identifier, as [Idents] does, that makes up all of s.
func Ident(s string) (string, bool) {
	parts, rest, ok := Idents(s)
	if !ok || len(parts) != 1 || rest != "" {
		return "", false
	}
	return parts[0], true
}

// PrintedChain reads text that is exactly a chain of identifiers as
// [PrintedIdents] reads them.
func PrintedChain(s string) ([]string, bool) {
	parts, rest, ok := PrintedIdents(s)
	if !ok || rest != "" {
		return nil, false
	}
	return parts, true
}

// scanChain reads parts separated by dots; bare reads a bare part at the
// start of its argument and returns it and its length (0: none).
func scanChain(s string, bare func(string) (string, int)) (parts []string, rest string, ok bool) {
	i := 0
	for {
		var part string
		if i < len(s) && s[i] == '"' {
			p, n, ok := QuotedIdent(s[i:])
			if !ok {
				return nil, s, false
			}
			part, i = p, i+n
		} else {
			p, n := bare(s[i:])
			if n == 0 {
				return nil, s, false
			}
			part, i = p, i+n
		}
		parts = append(parts, part)
		if i < len(s) && s[i] == '.' {
			i++
			continue
		}
		return parts, s[i:], true
	}
}

// QuotedIdent reads the double-quoted identifier at the start of s and
// returns its name and the length of its text; ok is false when s does not
// start with one, it is not closed, or it is empty ("" is no name).
func QuotedIdent(s string) (name string, n int, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", 0, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '"' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		if b.Len() == 0 {
			return "", 0, false
		}
		return b.String(), i + 1, true
	}
	return "", 0, false
}

func isIdentByte(c byte, notFirst bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 ||
		notFirst && (c >= '0' && c <= '9' || c == '$')
}

// Literal reads the standard string literal ('…', quotes doubled, as
// PostgreSQL prints one with standard_conforming_strings on) at the start
// of s and returns its value and what follows. An escape string (E'…') is
// not read: its backslashes would need decoding.
func Literal(s string) (val, rest string, ok bool) {
	if !strings.HasPrefix(s, "'") {
		return "", s, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		return b.String(), s[i+1:], true
	}
	return "", s, false
}

// SplitTop splits s at each sep outside quotes, parentheses and brackets.
// The parts are not trimmed; an s without sep is one part.
func SplitTop(s string, sep byte) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\'':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				i = len(s)
				continue
			}
			i += j + 1
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		default:
			if c == sep && depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

// IndexUnquoted is the index of the first word in text outside quotes, at
// any depth of parentheses, or -1.
func IndexUnquoted(text, word string) int {
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '"' || c == '\'':
			j := strings.IndexByte(text[i+1:], c)
			if j < 0 {
				return -1
			}
			i += j + 1
		case strings.HasPrefix(text[i:], word):
			return i
		}
	}
	return -1
}
