package ddl

import (
	"fmt"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/internal/sqltext"
	"github.com/retortdb/retort/model"
)

// NameText returns the SQL for a name that the model may hold either as
// PostgreSQL printed it (already quoted and maybe qualified, e.g.
// pg_catalog."C") or raw (e.g. C): text that parses as a chain of
// identifiers is kept, anything else is quoted as one identifier.
func NameText(text string) string {
	if _, ok := sqltext.PrintedChain(text); ok {
		return text
	}
	return sqlq.QuoteIdent(text)
}

// qualifiedIn is like nameText, but a raw or one-part name is qualified
// with schema.
func qualifiedIn(schema, text string) string {
	if parts, ok := sqltext.PrintedChain(text); ok {
		if len(parts) == 1 {
			return sqlq.Qualified(schema, parts[0])
		}
		return text
	}
	return sqlq.Qualified(schema, text)
}

// QNameSQL quotes a model name as schema.name.
func QNameSQL(q model.QName) string { return sqlq.Qualified(q.Schema, q.Name) }

// QNameRef returns the schema-qualified name a text such as
// `public."My Type"[]`, `public.t(10)` or `"s".f(integer)` starts with,
// if it starts with one.
func QNameRef(text string) (model.QName, bool) {
	parts, rest, ok := sqltext.PrintedIdents(strings.TrimSpace(text))
	if !ok || len(parts) != 2 {
		return model.QName{}, false
	}
	if rest != "" && !strings.HasPrefix(rest, "(") && !strings.HasPrefix(rest, "[") {
		return model.QName{}, false
	}
	return model.QName{Schema: parts[0], Name: parts[1]}, true
}

// TypeRef is the dependency that a format_type text names, if the type is
// schema-qualified (PostgreSQL qualifies every type outside pg_catalog when
// search_path is empty).
func TypeRef(text string) (model.ObjectRef, bool) {
	q, ok := QNameRef(text)
	if !ok || q.Schema == "pg_catalog" {
		return model.ObjectRef{}, false
	}
	return model.ObjectRef{Kind: model.KindType, Schema: q.Schema, Name: q.Name}, true
}

// CollationRef is the dependency a collation text names, if qualified.
func CollationRef(text string) (model.ObjectRef, bool) {
	parts, ok := sqltext.PrintedChain(text)
	if !ok || len(parts) != 2 || parts[0] == "pg_catalog" {
		return model.ObjectRef{}, false
	}
	return model.ObjectRef{Kind: model.KindCollation, Schema: parts[0], Name: parts[1]}, true
}

// SequenceRefs finds the sequences that nextval('…'::regclass) calls in a
// default expression name, for models whose columns carry no Deps.
func SequenceRefs(expr string) []model.ObjectRef {
	var refs []model.ObjectRef
	const call = "nextval('"
	for {
		i := strings.Index(expr, call)
		if i < 0 {
			return refs
		}
		lit, rest, ok := sqltext.Literal(expr[i+len(call)-1:])
		if !ok {
			return refs
		}
		expr = rest
		if q, ok := QNameRef(lit); ok {
			refs = append(refs, model.ObjectRef{Kind: model.KindSequence, Schema: q.Schema, Name: q.Name})
		}
	}
}

// OptionList renders "key=value" option strings, as PostgreSQL stores
// reloptions and FDW options, as `key 'value', …` (sep " ") or
// `key='value', …` (sep "="). A key may be dotted (toast.fillfactor).
func OptionList(opts []string, sep string) (string, error) {
	parts := make([]string, 0, len(opts))
	for _, o := range opts {
		k, v, ok := strings.Cut(o, "=")
		if !ok || k == "" {
			return "", fmt.Errorf("option %q is not key=value", o)
		}
		parts = append(parts, sqltext.OptionKey(k)+sep+sqlq.Literal(v))
	}
	return strings.Join(parts, ", "), nil
}

// RoleSQL quotes a role name; "" and "public" are PUBLIC.
func RoleSQL(role string) string {
	if role == "" || role == "public" {
		return "PUBLIC"
	}
	return sqlq.QuoteIdent(role)
}

// splitTopLevel splits text on commas outside parentheses, brackets and
// quotes, and trims the parts; blank text has none.
func splitTopLevel(text string) []string {
	parts := sqltext.SplitTop(text, ',')
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	if len(parts) == 1 && parts[0] == "" {
		return nil
	}
	return parts
}

// IndexTopLevel is the index of the first occurrence of word in text outside
// quotes, or -1.
func IndexTopLevel(text, word string) int { return sqltext.IndexUnquoted(text, word) }
