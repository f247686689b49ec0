package render

import (
	"fmt"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// scanIdentChain reads a dotted chain of identifiers at the start of text,
// each either double-quoted or bare in the form quote_ident leaves bare
// (so "Foo" unquoted is no identifier: PostgreSQL would fold it). It
// returns the unquoted parts and the rest of text; ok is false when text
// does not start with an identifier.
func scanIdentChain(text string) (parts []string, rest string, ok bool) {
	s := text
	for {
		var part string
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i := 1
			closed := false
			for i < len(s) {
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						b.WriteByte('"')
						i += 2
						continue
					}
					closed = true
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed || b.Len() == 0 {
				return nil, text, false
			}
			part, s = b.String(), s[i:]
		} else {
			i := 0
			for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9' || s[i] == '_' || s[i] == '$') {
				i++
			}
			if i == 0 || sqlq.QuoteIdent(s[:i]) != s[:i] {
				return nil, text, false
			}
			part, s = s[:i], s[i:]
		}
		parts = append(parts, part)
		if !strings.HasPrefix(s, ".") {
			return parts, s, true
		}
		s = s[1:]
	}
}

// identChain parses text that must be exactly a chain of identifiers.
func identChain(text string) ([]string, bool) {
	parts, rest, ok := scanIdentChain(text)
	if !ok || rest != "" {
		return nil, false
	}
	return parts, true
}

// nameText returns the SQL for a name that the model may hold either as
// PostgreSQL printed it (already quoted and maybe qualified, e.g.
// pg_catalog."C") or raw (e.g. C): text that parses as a chain of
// identifiers is kept, anything else is quoted as one identifier.
func nameText(text string) string {
	if _, ok := identChain(text); ok {
		return text
	}
	return sqlq.QuoteIdent(text)
}

// qualifiedIn is like nameText, but a raw or one-part name is qualified
// with schema.
func qualifiedIn(schema, text string) string {
	if parts, ok := identChain(text); ok {
		if len(parts) == 1 {
			return sqlq.Qualified(schema, parts[0])
		}
		return text
	}
	return sqlq.Qualified(schema, text)
}

// qnameSQL quotes a model name as schema.name.
func qnameSQL(q model.QName) string { return sqlq.Qualified(q.Schema, q.Name) }

// qnameRef returns the schema-qualified name a text such as
// `public."My Type"[]`, `public.t(10)` or `"s".f(integer)` starts with,
// if it starts with one.
func qnameRef(text string) (model.QName, bool) {
	parts, rest, ok := scanIdentChain(strings.TrimSpace(text))
	if !ok || len(parts) != 2 {
		return model.QName{}, false
	}
	if rest != "" && !strings.HasPrefix(rest, "(") && !strings.HasPrefix(rest, "[") {
		return model.QName{}, false
	}
	return model.QName{Schema: parts[0], Name: parts[1]}, true
}

// typeRef is the dependency that a format_type text names, if the type is
// schema-qualified (PostgreSQL qualifies every type outside pg_catalog when
// search_path is empty).
func typeRef(text string) (model.ObjectRef, bool) {
	q, ok := qnameRef(text)
	if !ok || q.Schema == "pg_catalog" {
		return model.ObjectRef{}, false
	}
	return model.ObjectRef{Kind: model.KindType, Schema: q.Schema, Name: q.Name}, true
}

// collationRef is the dependency a collation text names, if qualified.
func collationRef(text string) (model.ObjectRef, bool) {
	parts, ok := identChain(text)
	if !ok || len(parts) != 2 || parts[0] == "pg_catalog" {
		return model.ObjectRef{}, false
	}
	return model.ObjectRef{Kind: model.KindCollation, Schema: parts[0], Name: parts[1]}, true
}

// sequenceRefs finds the sequences that nextval('…'::regclass) calls in a
// default expression name, for models whose columns carry no Deps.
func sequenceRefs(expr string) []model.ObjectRef {
	var refs []model.ObjectRef
	const call = "nextval('"
	for {
		i := strings.Index(expr, call)
		if i < 0 {
			return refs
		}
		expr = expr[i+len(call):]
		lit, rest, ok := cutLiteral(expr)
		if !ok {
			return refs
		}
		expr = rest
		if q, ok := qnameRef(lit); ok {
			refs = append(refs, model.ObjectRef{Kind: model.KindSequence, Schema: q.Schema, Name: q.Name})
		}
	}
}

// cutLiteral reads the body of a single-quoted literal whose opening quote
// has been consumed.
func cutLiteral(s string) (lit, rest string, ok bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
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

// optionList renders "key=value" option strings, as PostgreSQL stores
// reloptions and FDW options, as `key 'value', …` (sep " ") or
// `key='value', …` (sep "="). A key may be dotted (toast.fillfactor).
func optionList(opts []string, sep string) (string, error) {
	parts := make([]string, 0, len(opts))
	for _, o := range opts {
		k, v, ok := strings.Cut(o, "=")
		if !ok || k == "" {
			return "", fmt.Errorf("option %q is not key=value", o)
		}
		var key []string
		for _, w := range strings.Split(k, ".") {
			key = append(key, sqlq.QuoteIdent(w))
		}
		parts = append(parts, strings.Join(key, ".")+sep+sqlq.Literal(v))
	}
	return strings.Join(parts, ", "), nil
}

// roleSQL quotes a role name; "" and "public" are PUBLIC.
func roleSQL(role string) string {
	if role == "" || role == "public" {
		return "PUBLIC"
	}
	return sqlq.QuoteIdent(role)
}

// splitTopLevel splits text on commas outside parentheses, brackets and
// quotes.
func splitTopLevel(text string) []string {
	var parts []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			depth--
		case c == ',' && depth == 0:
			parts = append(parts, strings.TrimSpace(text[start:i]))
			start = i + 1
		}
	}
	if s := strings.TrimSpace(text[start:]); s != "" || len(parts) > 0 {
		parts = append(parts, s)
	}
	return parts
}

// indexTopLevel is the index of the first occurrence of word in text outside
// quotes, or -1.
func indexTopLevel(text, word string) int {
	var quote byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case strings.HasPrefix(text[i:], word):
			return i
		}
	}
	return -1
}
