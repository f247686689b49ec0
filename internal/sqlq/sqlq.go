// Package sqlq quotes SQL identifiers and literals for PostgreSQL.
//
// It is the one place where retort turns a name or a value into SQL text, so
// that no other package builds SQL by concatenating untrusted strings. It
// imports nothing of retort.
package sqlq

import (
	"strconv"
	"strings"
)

// Ident returns name as a double-quoted identifier, with embedded double
// quotes doubled. The result is always safe to splice into SQL text.
func Ident(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// QuoteIdent returns name as PostgreSQL's quote_ident would: bare when it is a
// lower-case identifier that is not a keyword needing quotes, double-quoted
// otherwise. Rendered DDL uses it so that the text reads like pg_dump's.
func QuoteIdent(name string) string {
	if isSafeIdent(name) {
		return name
	}
	return Ident(name)
}

// Qualified returns schema.name with each part quoted where needed. An empty
// schema yields the bare name (used for objects that are not in a schema).
func Qualified(schema, name string) string {
	if schema == "" {
		return QuoteIdent(name)
	}
	return QuoteIdent(schema) + "." + QuoteIdent(name)
}

// Literal returns s as a single-quoted string literal. Strings holding a
// backslash use the escape-string form (E'…') so that the value does not depend on
// standard_conforming_strings.
func Literal(s string) string {
	if strings.Contains(s, `\`) {
		s = strings.ReplaceAll(s, `\`, `\\`)
		return "E'" + strings.ReplaceAll(s, `'`, `''`) + "'"
	}
	return "'" + strings.ReplaceAll(s, `'`, `''`) + "'"
}

// IdentList quotes each name with QuoteIdent and joins them with ", ".
func IdentList(names []string) string {
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(QuoteIdent(n))
	}
	return b.String()
}

func isSafeIdent(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_':
		case (c >= '0' && c <= '9') || c == '$':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	_, kw := quotedKeywords[name]
	return !kw
}

// quotedKeywords holds the keywords that are not "unreserved" in any
// PostgreSQL release retort supports (13 to 18): reserved, column-name and
// type-or-function-name keywords, which quote_ident always quotes. The PG 15
// list is pg_get_keywords() where catcode <> 'U'; later releases add the
// JSON and MERGE keywords at the end.
var quotedKeywords = func() map[string]struct{} {
	words := strings.Fields(`all analyse analyze and any array as asc asymmetric authorization between
	bigint binary bit boolean both case cast char character check coalesce collate collation column
	concurrently constraint create cross current_catalog current_date current_role current_schema
	current_time current_timestamp current_user dec decimal default deferrable desc distinct do else
	end except exists extract false fetch float for foreign freeze from full grant greatest group
	grouping having ilike in initially inner inout int integer intersect interval into is isnull join
	lateral leading least left like limit localtime localtimestamp national natural nchar none
	normalize not notnull null nullif numeric offset on only or order out outer overlaps overlay
	placing position precision primary real references returning right row select session_user setof
	similar smallint some substring symmetric table tablesample then time timestamp to trailing treat
	trim true union unique user using values varchar variadic verbose when where window with
	xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot
	xmlserialize xmltable
	system_user json json_array json_arrayagg json_object json_objectagg json_scalar json_serialize
	json_exists json_query json_table json_value merge_action`)
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		m[w] = struct{}{}
	}
	return m
}()

// DollarQuote returns body as a dollar-quoted string constant, $tag$…$tag$,
// with tag, or tag followed by a number, chosen so that the body (which may
// hold quoted names of any text) cannot end the constant early. tag must be
// a plain lower-case word; an empty one is taken as "q", as a tag cannot
// start with the digit that would tell tags apart.
func DollarQuote(tag, body string) string {
	if tag == "" {
		tag = "q"
	}
	t := tag
	for i := 1; strings.Contains(body, "$"+t+"$") || strings.HasSuffix(body, "$"+t); i++ {
		t = tag + strconv.Itoa(i)
	}
	return "$" + t + "$" + body + "$" + t + "$"
}
