package introspect

import (
	"context"
	"fmt"
	"strings"

	"github.com/retortdb/retort/model"
)

// indexes reads the indexes that no constraint owns, of tables and of
// materialized views.
func (in *inspector) indexes(ctx context.Context) error {
	var r struct {
		oid, rel                 uint32
		name, definition         string
		pretty                   text
		keys                     []string
		unique                   bool
		method                   string
		nkeys                    int16
		indkey                   []int16
		predicate                text
		nullsNotDistinct         bool
		options                  []string
		tablespace               text
		parentSchema, parentName text
		invalid                  bool
		comment                  text
	}
	in.indexIdx = map[uint32]childRef{}
	return in.each(ctx, "indexes", []any{in.nsps},
		[]any{&r.oid, &r.rel, &r.name, &r.definition, &r.pretty, &r.keys, &r.unique, &r.method, &r.nkeys,
			&r.indkey, &r.predicate, &r.nullsNotDistinct, &r.options, &r.tablespace, &r.parentSchema,
			&r.parentName, &r.invalid, &r.comment},
		func() error {
			var list *[]model.Index
			ref := childRef{}
			if ti, ok := in.tableIdx[r.rel]; ok {
				list, ref.rel = &in.s.Tables[ti].Indexes, ti
			} else if vi, ok := in.viewIdx[r.rel]; ok {
				list, ref.rel, ref.view = &in.s.Views[vi].Indexes, vi, true
			} else {
				return nil
			}
			ix := model.Index{
				Name:             r.name,
				Definition:       r.definition,
				Unique:           r.unique,
				Method:           r.method,
				Keys:             in.indexKeys(r.rel, r.definition, r.pretty, r.keys, r.indkey[:r.nkeys]),
				Predicate:        r.predicate.String,
				NullsNotDistinct: r.nullsNotDistinct,
				Options:          r.options,
				Tablespace:       r.tablespace.String,
				Invalid:          r.invalid,
				Comment:          r.comment.String,
			}
			if int(r.nkeys) < len(r.indkey) {
				for _, k := range r.indkey[r.nkeys:] {
					n, ok := in.colName(r.rel, k)
					if !ok {
						return fmt.Errorf("index %s: no included column %d", r.name, k)
					}
					ix.Include = append(ix.Include, n)
				}
			}
			if r.parentName.Valid {
				ix.ParentIndex = &model.QName{Schema: r.parentSchema.String, Name: r.parentName.String}
			}
			ref.i = len(*list)
			in.indexIdx[r.oid] = ref
			*list = append(*list, ix)
			return nil
		})
}

// indexKeys returns the keys of an index as pg_get_indexdef prints each, with
// its collation, operator class and ordering. A plain column index prints
// the same in the pretty and the plain form, so its keys are cut from the
// definition; an index on expressions has its pretty forms in pretty and keys.
// Should the text not read as expected, the bare keys (column names for a
// plain index) are kept rather than failing the inspection.
func (in *inspector) indexKeys(rel uint32, def string, pretty text, keys []string, attnums []int16) []string {
	if pretty.Valid {
		return keysWithOptions(pretty.String, keys)
	}
	if list, ok := keyList(def); ok && len(list) == len(attnums) {
		return list
	}
	out := make([]string, len(attnums))
	for i, k := range attnums {
		out[i], _ = in.colName(rel, k)
	}
	return out
}

// keyList splits the key list of an index definition at its top-level
// commas.
func keyList(def string) ([]string, bool) {
	rest, ok := afterKeyListOpen(def)
	if !ok {
		return nil, false
	}
	var keys []string
	for {
		n, ok := itemLen(rest)
		if !ok {
			return nil, false
		}
		keys = append(keys, rest[:n])
		switch {
		case strings.HasPrefix(rest[n:], ", "):
			rest = rest[n+2:]
		case strings.HasPrefix(rest[n:], ")"):
			return keys, true
		default:
			return nil, false
		}
	}
}

// keysWithOptions adds to each key, as pg_get_indexdef(oid, k, true) prints it
// bare, what the whole definition prints after it: COLLATE, the operator
// class and its options, ASC/DESC and NULLS FIRST/LAST. pretty is
// pg_get_indexdef(oid, 0, true), which prints every key exactly as the
// per-key form does, so each key is found verbatim and only the text up to
// the next top-level comma or the closing parenthesis needs scanning. If the
// definition does not read as expected, the bare keys are returned.
func keysWithOptions(pretty string, keys []string) []string {
	rest, ok := afterKeyListOpen(pretty)
	if !ok {
		return keys
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		if !strings.HasPrefix(rest, k) {
			return keys
		}
		rest = rest[len(k):]
		n, ok := itemLen(rest)
		if !ok {
			return keys
		}
		out[i] = k + rest[:n]
		rest = rest[n:]
		switch {
		case i < len(keys)-1 && strings.HasPrefix(rest, ", "):
			rest = rest[2:]
		case i == len(keys)-1 && strings.HasPrefix(rest, ")"):
		default:
			return keys
		}
	}
	return out
}

// afterKeyListOpen returns what follows the "(" that opens the key list: the
// first parenthesis outside double quotes, since the index and table names
// before it are quoted whenever they hold one.
func afterKeyListOpen(def string) (string, bool) {
	quoted := false
	for i := 0; i < len(def); i++ {
		switch def[i] {
		case '"':
			quoted = !quoted
		case '(':
			if !quoted {
				return def[i+1:], true
			}
		}
	}
	return "", false
}

// itemLen returns the length of the list item at the start of s: up to the
// first comma or closing parenthesis outside quoted names, string literals,
// parentheses and brackets.
func itemLen(s string) (int, bool) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\'':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return 0, false
			}
			// A doubled quote is an escaped one and continues the token; the
			// loop meets its second half as the start of a new one.
			i += j + 1
		case '(', '[':
			depth++
		case ']':
			depth--
		case ')':
			if depth == 0 {
				return i, true
			}
			depth--
		case ',':
			if depth == 0 {
				return i, true
			}
		}
	}
	return 0, false
}
