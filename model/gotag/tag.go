package gotag

import (
	"fmt"
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// tagInfo is a struct field's tag and where it is written.
type tagInfo struct {
	raw string // the tag, unquoted: `retort:"x" gorm:"y"`
	pos token.Position
	// exact is set when columns in raw map one to one to columns in the
	// file (a back-quoted tag on one line), so that an option can be
	// pointed at.
	exact bool
}

func (l *loader) tagOf(f *ast.Field) tagInfo {
	if f.Tag == nil {
		return tagInfo{pos: l.pos(f)}
	}
	raw, err := strconv.Unquote(f.Tag.Value)
	if err != nil {
		raw = ""
	}
	return tagInfo{raw: raw, pos: l.pos(f.Tag),
		exact: strings.HasPrefix(f.Tag.Value, "`") && !strings.Contains(f.Tag.Value, "\n")}
}

// tagValue is one key's value in a struct tag.
type tagValue struct {
	tag tagInfo
	val string
	off int // offset of val in tag.raw, or -1 when escapes hide it
}

// lookup finds key's value in the tag, following reflect.StructTag's
// syntax. A value that is not a valid quoted string is an error.
func (t tagInfo) lookup(key string) (tagValue, bool, error) {
	s := t.raw
	i := 0
	for i < len(s) {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i >= len(s) {
			break
		}
		start := i
		for i < len(s) && s[i] > ' ' && s[i] != ':' && s[i] != '"' && s[i] != 0x7f {
			i++
		}
		if i == start || i+1 >= len(s) || s[i] != ':' || s[i+1] != '"' {
			return tagValue{}, false, fmt.Errorf("struct tag is not in the conventional key:\"value\" form at %q", s[start:])
		}
		name := s[start:i]
		i++
		qstart := i
		i++
		for i < len(s) && s[i] != '"' {
			if s[i] == '\\' {
				i++
			}
			i++
		}
		if i >= len(s) {
			return tagValue{}, false, fmt.Errorf("struct tag value of %s is not terminated", name)
		}
		qv := s[qstart : i+1]
		i++
		if name != key {
			continue
		}
		v, err := strconv.Unquote(qv)
		if err != nil {
			return tagValue{}, false, fmt.Errorf("struct tag value of %s is not a valid Go string: %v", name, err)
		}
		off := qstart + 1
		if strings.Contains(qv, `\`) {
			off = -1
		}
		return tagValue{tag: t, val: v, off: off}, true, nil
	}
	return tagValue{}, false, nil
}

// posAt is the position of the byte at offset off of the value, or of the
// tag when it cannot be located exactly.
func (v tagValue) posAt(off int) token.Position {
	p := v.tag.pos
	if v.tag.exact && v.off >= 0 && off >= 0 {
		p.Column += 1 + v.off + off
		p.Offset += 1 + v.off + off
	}
	return p
}

// item is one comma-separated element of a tag value: key[:value].
type item struct {
	raw    string // the element, trimmed
	key    string
	val    string
	hasVal bool
	off    int // offset of raw in the tag value
	valOff int // offset of val
}

// syntaxError is a tag value that does not split into items.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return e.msg }

// splitItems splits a tag value at its top-level commas: commas within
// parentheses, brackets, 'single-quoted' SQL strings and "double-quoted"
// identifiers do not split. Each item is cut at its first top-level colon into key and
// value, both trimmed.
func splitItems(s string) ([]item, error) {
	var items []item
	start := 0
	flush := func(end int) {
		raw, lead := trimOff(s[start:end])
		it := item{raw: raw, off: start + lead}
		if k := topIndex(raw, ':'); k >= 0 {
			key, _ := trimOff(raw[:k])
			val, vlead := trimOff(raw[k+1:])
			it.key, it.val, it.hasVal, it.valOff = key, val, true, it.off+k+1+vlead
		} else {
			it.key = raw
		}
		items = append(items, it)
	}
	var opens []int
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '"':
			j := closeQuote(s, i)
			if j < 0 {
				return nil, &syntaxError{i, fmt.Sprintf("unterminated %c…%c at %q", c, c, clip(s[i:]))}
			}
			i = j
		case '(', '[':
			opens = append(opens, i)
		case ')', ']':
			open := byte('(')
			if c == ']' {
				open = '['
			}
			if len(opens) == 0 || s[opens[len(opens)-1]] != open {
				return nil, &syntaxError{i, fmt.Sprintf("unbalanced %c in %q", c, clip(s[start:]))}
			}
			opens = opens[:len(opens)-1]
		case ',':
			if len(opens) == 0 {
				flush(i)
				start = i + 1
			}
		}
	}
	if len(opens) > 0 {
		o := opens[0]
		return nil, &syntaxError{o, fmt.Sprintf("unclosed %c at %q", s[o], clip(s[o:]))}
	}
	flush(len(s))
	return items, nil
}

// closeQuote returns the index of the quote that closes the one at i, a
// doubled quote standing for itself, or -1.
func closeQuote(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j
		}
	}
	return -1
}

// topIndex is the index of the first c outside quotes and parentheses, or
// -1.
func topIndex(s string, c byte) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'', '"':
			j := closeQuote(s, i)
			if j < 0 {
				return -1
			}
			i = j
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		default:
			if s[i] == c && depth == 0 {
				return i
			}
		}
	}
	return -1
}

// trimOff trims spaces and reports how many leading bytes went.
func trimOff(s string) (string, int) {
	t := strings.TrimLeft(s, " \t\n\r")
	lead := len(s) - len(t)
	return strings.TrimRight(t, " \t\n\r"), lead
}

// clip shortens text for a message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// callForm splits NAME(INNER): a value that ends with the parenthesis
// that closes its first top-level one. name may be empty.
func callForm(s string) (name, inner string, ok bool) {
	if !strings.HasSuffix(s, ")") {
		return "", "", false
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'', '"':
			j := closeQuote(s, i)
			if j < 0 {
				return "", "", false
			}
			i = j
		case '(':
			if depth == 0 {
				if closeParen(s, i) != len(s)-1 {
					return "", "", false
				}
				return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1 : len(s)-1]), true
			}
			depth++
		case ')':
			depth--
		}
	}
	return "", "", false
}

// closeParen is the index of the parenthesis closing the one at i, or -1.
func closeParen(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '\'', '"':
			k := closeQuote(s, j)
			if k < 0 {
				return -1
			}
			j = k
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// ident reads a possibly double-quoted identifier: "Mixed ""Case""" is
// Mixed "Case", a bare word is itself.
func ident(s string) (string, bool) {
	if strings.HasPrefix(s, `"`) {
		if j := closeQuote(s, 0); j == len(s)-1 {
			return strings.ReplaceAll(s[1:j], `""`, `"`), true
		}
		return "", false
	}
	if s == "" || strings.ContainsAny(s, `"'(),: `) {
		return "", false
	}
	return s, true
}

// qualified reads [schema.]name, each part an identifier.
func qualified(s string) (schema, name string, ok bool) {
	if k := topDot(s); k >= 0 {
		sch, ok1 := ident(s[:k])
		n, ok2 := ident(s[k+1:])
		return sch, n, ok1 && ok2
	}
	n, ok := ident(s)
	return "", n, ok
}

// topDot is the index of the first dot outside double quotes, or -1.
func topDot(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			j := closeQuote(s, i)
			if j < 0 {
				return -1
			}
			i = j
		case '.':
			return i
		}
	}
	return -1
}

// identList reads a comma-separated list of identifiers.
func identList(s string) ([]string, bool) {
	items, err := splitItems(s)
	if err != nil {
		return nil, false
	}
	var out []string
	for _, it := range items {
		n, ok := ident(it.raw)
		if !ok {
			return nil, false
		}
		out = append(out, n)
	}
	return out, len(out) > 0
}

// text reads free text: a 'single-quoted' SQL string with ” for a quote,
// or the bare text as it is.
func text(s string) string {
	if strings.HasPrefix(s, "'") && closeQuote(s, 0) == len(s)-1 {
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
	}
	return s
}

// parenExpr reads an expression given in parentheses, or bare: (a > 0) is
// a > 0.
func parenExpr(s string) string {
	if strings.HasPrefix(s, "(") && closeParen(s, 0) == len(s)-1 {
		return strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}
