package source

import (
	"fmt"
	"sort"
	"strings"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/sqlddl"
)

// offline is what a declared schema becomes without a dev server
// (--dev-url none): its SQL texts rewritten in pg_query_go's canonical form
// (types as format_type prints the built-in ones, expressions and
// statements as pg_query deparses them), so that layout, keyword case and
// the parser's own spellings (int and integer, varchar and character
// varying) no longer differ. What PostgreSQL would add, resolve or rewrite
// (implicit casts such as 'a'::text, qualified names, view text) cannot be
// made exact this way; the warning counts those comparisons by kind.
func offline(s *model.Schema) (inexact map[string]int) {
	inexact = map[string]int{}
	typ := func(t *string, kind string) {
		if *t == "" {
			return
		}
		if c, err := sqlddl.CanonicalType(*t); err == nil {
			*t = c
			if !strings.Contains(c, ".") {
				return // a built-in type, now spelled as PostgreSQL spells it
			}
		}
		inexact[kind]++
	}
	expr := func(e *string, kind string) {
		if *e == "" {
			return
		}
		if c, err := sqlddl.Canonical(*e); err == nil {
			*e = c
		}
		inexact[kind]++
	}
	for i := range s.Tables {
		t := &s.Tables[i]
		for j := range t.Columns {
			c := &t.Columns[j]
			typ(&c.Type, "column types of user-defined types")
			expr(&c.Default, "column defaults")
			expr(&c.Generated, "generated columns")
		}
		for j := range t.Constraints {
			c := &t.Constraints[j]
			if c.Type != model.Check {
				continue
			}
			if inner, ok := strings.CutPrefix(c.Definition, "CHECK ("); ok && strings.HasSuffix(inner, ")") {
				inner = strings.TrimSuffix(inner, ")")
				if canon, err := sqlddl.Canonical(inner); err == nil {
					c.Definition = "CHECK (" + canon + ")"
				}
			}
			inexact["check constraints"]++
		}
		for j := range t.Indexes {
			ix := &t.Indexes[j]
			if canon, err := sqlddl.Canonical(ix.Definition); err == nil {
				ix.Definition = canon
			}
			expression := ix.Predicate != ""
			for _, k := range ix.Keys {
				expression = expression || strings.ContainsAny(k, "(:")
			}
			if expression {
				inexact["index expressions and predicates"]++
			}
		}
	}
	for i := range s.Domains {
		d := &s.Domains[i]
		typ(&d.Type, "domain base types")
		expr(&d.Default, "domain defaults")
	}
	for i := range s.Views {
		if c, err := sqlddl.Canonical(s.Views[i].Definition); err == nil {
			s.Views[i].Definition = c
		}
		inexact["view definitions"]++
	}
	if len(s.Functions) > 0 {
		inexact["function definitions"] += len(s.Functions)
	}
	return inexact
}

// describeInexact lists the counts of comparisons that were not made
// exactly, largest first.
func describeInexact(inexact map[string]int) string {
	type kv struct {
		k string
		n int
	}
	var kvs []kv
	for k, n := range inexact {
		if n > 0 {
			kvs = append(kvs, kv{k, n})
		}
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].n > kvs[j].n || kvs[i].n == kvs[j].n && kvs[i].k < kvs[j].k })
	var parts []string
	for _, e := range kvs {
		parts = append(parts, fmt.Sprintf("%d %s", e.n, e.k))
	}
	return strings.Join(parts, ", ")
}
