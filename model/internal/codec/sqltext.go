package codec

import (
	"regexp"
	"strings"

	"github.com/retortdb/retort/internal/sqltext"
)

// Type names: PostgreSQL's canonical text (format_type) and the bare words
// that stand for it in HCL. A word not listed is taken as written.

// typeWords maps a bare HCL type word to format_type's text.
var typeWords = map[string]string{
	"int": "integer", "int4": "integer", "int2": "smallint", "int8": "bigint",
	"float4": "real", "float8": "double precision", "double_precision": "double precision",
	"decimal": "numeric", "bool": "boolean",
	"varchar": "character varying", "character_varying": "character varying",
	"char": "character", "bpchar": "bpchar",
	"timestamp": "timestamp without time zone", "timestamp_without_time_zone": "timestamp without time zone",
	"timestamptz": "timestamp with time zone", "timestamp_with_time_zone": "timestamp with time zone",
	"time": "time without time zone", "time_without_time_zone": "time without time zone",
	"timetz": "time with time zone", "time_with_time_zone": "time with time zone",
	"varbit": "bit varying", "bit_varying": "bit varying",
}

// typeCalls maps an HCL type function to format_type's text around its
// arguments: prefix(args)suffix.
var typeCalls = map[string][2]string{
	"varchar": {"character varying", ""}, "character_varying": {"character varying", ""},
	"char": {"character", ""}, "character": {"character", ""},
	"numeric": {"numeric", ""}, "decimal": {"numeric", ""},
	"timestamp": {"timestamp", " without time zone"}, "timestamptz": {"timestamp", " with time zone"},
	"time": {"time", " without time zone"}, "timetz": {"time", " with time zone"},
	"bit": {"bit", ""}, "varbit": {"bit varying", ""}, "bit_varying": {"bit varying", ""},
	"interval": {"interval", ""}, "float": {"float", ""},
}

// canonicalWords is the preferred HCL word for a format_type text.
var canonicalWords = map[string]string{
	"double precision": "double_precision", "character varying": "varchar", "character": "char",
	"timestamp without time zone": "timestamp", "timestamp with time zone": "timestamptz",
	"time without time zone": "time", "time with time zone": "timetz", "bit varying": "varbit",
}

// canonicalCalls recognizes format_type texts with modifiers.
var canonicalCalls = []struct {
	re   *regexp.Regexp
	name string
}{
	{regexp.MustCompile(`^character varying\((\d+)\)$`), "varchar"},
	{regexp.MustCompile(`^character\((\d+)\)$`), "char"},
	{regexp.MustCompile(`^numeric\((\d+),(\d+)\)$`), "numeric"},
	{regexp.MustCompile(`^timestamp\((\d+)\) without time zone$`), "timestamp"},
	{regexp.MustCompile(`^timestamp\((\d+)\) with time zone$`), "timestamptz"},
	{regexp.MustCompile(`^time\((\d+)\) without time zone$`), "time"},
	{regexp.MustCompile(`^time\((\d+)\) with time zone$`), "timetz"},
	{regexp.MustCompile(`^bit\((\d+)\)$`), "bit"},
	{regexp.MustCompile(`^bit varying\((\d+)\)$`), "varbit"},
	{regexp.MustCompile(`^interval\((\d+)\)$`), "interval"},
}

var bareWord = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

var typeCall = regexp.MustCompile(`^([a-z_]+) ?\((\d+)(?:, ?(\d+))?\)$`)

// canonicalType spells a type given as text the way format_type does when
// it is one of the short names of typeWords and typeCalls (timestamptz,
// varchar(20), int[]); other text is kept as written.
func canonicalType(s string) string {
	if base, ok := strings.CutSuffix(s, "[]"); ok {
		return canonicalType(base) + "[]"
	}
	if t, ok := typeWords[s]; ok {
		return t
	}
	if m := typeCall.FindStringSubmatch(s); m != nil {
		if f, ok := typeCalls[m[1]]; ok {
			args := m[2]
			if m[3] != "" {
				args += "," + m[3]
			}
			return f[0] + "(" + args + ")" + f[1]
		}
	}
	return s
}

// castType is the type a default's literal is cast to, as PostgreSQL
// prints it: the column type without its modifiers.
func castType(typ string) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(typ); i++ {
		c := typ[i]
		if c == '"' {
			j := strings.IndexByte(typ[i+1:], '"')
			if j < 0 {
				return typ
			}
			if depth == 0 {
				b.WriteString(typ[i : i+j+2])
			}
			i += j + 1
			continue
		}
		switch {
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

var numberText = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$`)

// fields splits s at top-level whitespace.
func fields(s string) []string {
	var out []string
	for _, f := range sqltext.SplitTop(strings.Join(strings.Fields(s), " "), ' ') {
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// wrapped reports whether s is entirely inside one pair of parentheses.
func wrapped(s string) bool {
	if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
		return false
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\'':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return false
			}
			i += j + 1
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 && i != len(s)-1 {
				return false
			}
		}
	}
	return depth == 0
}

// isCall reports whether s is one function call, such as lower(name) or
// public.f(a, b).
func isCall(s string) bool {
	parts, rest, ok := sqltext.Idents(s)
	return ok && len(parts) > 0 && wrapped(rest)
}

// exprText is an index or partition key expression as written in DDL: a
// function call or a parenthesized expression as is, anything else in
// parentheses.
func exprText(e string) string {
	e = strings.TrimSpace(e)
	if isCall(e) || wrapped(e) {
		return e
	}
	return "(" + e + ")"
}

// predicateText is an index predicate as pg_get_indexdef prints it: a
// column, a function call or a parenthesized expression as is, anything
// else in parentheses.
func predicateText(e string) string {
	e = strings.TrimSpace(e)
	if parts, rest, ok := sqltext.Idents(e); ok && rest == "" && len(parts) > 0 || isCall(e) || wrapped(e) {
		return e
	}
	return "(" + e + ")"
}

// unparenthesized strips one pair of outer parentheses from a predicate,
// when predicateText gives it back.
func unparenthesized(e string) string {
	if wrapped(e) {
		inner := e[1 : len(e)-1]
		if predicateText(inner) == e {
			return inner
		}
	}
	return e
}

// keyPart is one key of an index or a partition key, taken apart.
type keyPart struct {
	Column  string // a column name, raw
	Expr    string // or an expression
	Collate string
	OpClass string
	Desc    bool
	Nulls   string // FIRST or LAST, when written
}

// text writes the key as pg_get_indexdef does.
func (k keyPart) text() string {
	var b strings.Builder
	if k.Expr != "" {
		b.WriteString(exprText(k.Expr))
	} else {
		b.WriteString(quoteIdent(k.Column))
	}
	if k.Collate != "" {
		b.WriteString(" COLLATE " + k.Collate)
	}
	if k.OpClass != "" {
		b.WriteString(" " + k.OpClass)
	}
	if k.Desc {
		b.WriteString(" DESC")
	}
	if k.Nulls != "" {
		b.WriteString(" NULLS " + k.Nulls)
	}
	return b.String()
}

// parseKey takes apart a key as pg_get_indexdef prints it. It reports
// false when the parts would not give the same text back.
func parseKey(s string) (keyPart, bool) {
	f := fields(s)
	if len(f) == 0 {
		return keyPart{}, false
	}
	var k keyPart
	if name, ok := sqltext.Ident(f[0]); ok && quoteIdent(name) == f[0] {
		k.Column = name
	} else if isCall(f[0]) || wrapped(f[0]) {
		k.Expr = f[0]
	} else {
		return keyPart{}, false
	}
	f = f[1:]
	if len(f) >= 2 && f[0] == "COLLATE" {
		k.Collate = f[1]
		f = f[2:]
	}
	if len(f) > 0 && f[0] != "DESC" && f[0] != "ASC" && f[0] != "NULLS" {
		k.OpClass = f[0]
		f = f[1:]
	}
	if len(f) > 0 && f[0] == "DESC" {
		k.Desc = true
		f = f[1:]
	}
	if len(f) == 2 && f[0] == "NULLS" && (f[1] == "FIRST" || f[1] == "LAST") {
		k.Nulls = f[1]
		f = f[2:]
	}
	if len(f) > 0 || k.text() != s {
		return keyPart{}, false
	}
	return k, true
}

// collationText is a collation as the model holds it (quoted, qualified
// unless in pg_catalog) from what a file says: "C" or a qualified name is
// taken as is, a bare name is quoted.
func collationText(s string) string {
	if strings.HasPrefix(s, `"`) || strings.Contains(s, ".") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// collationWord is the inverse of collationText where it can be: the bare
// name inside a quoted one-part collation.
func collationWord(s string) string {
	if parts, rest, ok := sqltext.Idents(s); ok && rest == "" && len(parts) == 1 && strings.HasPrefix(s, `"`) {
		if collationText(parts[0]) == s {
			return parts[0]
		}
	}
	return s
}

// Sequence defaults, as CREATE SEQUENCE chooses them.

func typeRange(typ string) (lo, hi int64) {
	switch typ {
	case "smallint":
		return -32768, 32767
	case "integer":
		return -2147483648, 2147483647
	}
	return -9223372036854775808, 9223372036854775807
}

// seqDefaults returns the minimum, maximum and start a sequence of type typ
// gets when they are not given; start depends on the actual min and max.
func seqDefaultMinMax(typ string, increment int64) (lo, hi int64) {
	tlo, thi := typeRange(typ)
	if increment < 0 {
		return tlo, -1
	}
	return 1, thi
}

func seqDefaultStart(increment, lo, hi int64) int64 {
	if increment < 0 {
		return hi
	}
	return lo
}

// functionFromTrigger finds the function that a CREATE TRIGGER text
// executes, as regprocedure prints it (schema.name()).
func functionFromTrigger(def string) string {
	i := strings.LastIndex(def, " EXECUTE FUNCTION ")
	n := len(" EXECUTE FUNCTION ")
	if j := strings.LastIndex(def, " EXECUTE PROCEDURE "); j > i {
		i, n = j, len(" EXECUTE PROCEDURE ")
	}
	if i < 0 {
		return ""
	}
	rest := def[i+n:]
	_, after, ok := sqltext.Idents(rest)
	if !ok || !strings.HasPrefix(after, "(") {
		return ""
	}
	return rest[:len(rest)-len(after)] + "()"
}

// maxIdent is PostgreSQL's NAMEDATALEN - 1.
const maxIdent = 63

// defaultKeyName is the name PostgreSQL gives a table's key constraint:
// TABLE_SUFFIX, the table name cut so that the whole fits in 63 bytes.
func defaultKeyName(table, suffix string) string { return makeObjectName(table, "", suffix) }

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
