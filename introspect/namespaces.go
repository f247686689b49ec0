package introspect

import (
	"context"
	"fmt"
	"slices"

	"github.com/retortdb/retort/model"
)

// members reads the objects that no query reports as objects of their own:
// those that belong to an extension, and the functions and casts PostgreSQL
// makes along with another object.
func (in *inspector) members(ctx context.Context) error {
	var r struct {
		catalog, oid     uint32
		deptype          string
		ext              text
		ownerCat, holder uint32
	}
	in.extMembers = map[uint32]map[uint32]string{}
	in.internal = map[objectID]objectID{}
	in.leftOut = map[uint32][]uint32{}
	in.allLeftOut = []uint32{}
	return in.each(ctx, "members", nil,
		[]any{&r.catalog, &r.oid, &r.deptype, &r.ext, &r.ownerCat, &r.holder},
		func() error {
			if r.deptype == "e" {
				m := in.extMembers[r.catalog]
				if m == nil {
					m = map[uint32]string{}
					in.extMembers[r.catalog] = m
				}
				m[r.oid] = r.ext.String
			} else {
				in.internal[objectID{r.catalog, r.oid}] = objectID{r.ownerCat, r.holder}
			}
			in.leftOut[r.catalog] = append(in.leftOut[r.catalog], r.oid)
			in.allLeftOut = append(in.allLeftOut, r.oid)
			return nil
		})
}

// leftOutOf returns the oids of catalog's objects that members found, never
// nil: a NULL array would make "oid <> ALL($2)" NULL and filter out every row.
func (in *inspector) leftOutOf(catalog uint32) []uint32 {
	if m := in.leftOut[catalog]; m != nil {
		return m
	}
	return []uint32{}
}

// namespaces reads the schemas and decides which are inspected.
func (in *inspector) namespaces(ctx context.Context) error {
	var (
		r struct {
			oid       uint32
			name      string
			owner     string
			comment   text
			grants    grantList
			system    bool
			extension bool
		}
		exists   = map[string]bool{}
		excluded = map[string]bool{}
	)
	for _, e := range in.opts.Exclude {
		excluded[e] = true
	}
	err := in.each(ctx, "namespaces", nil,
		[]any{&r.oid, &r.name, &r.owner, &r.comment, &r.grants, &r.system, &r.extension},
		func() error {
			exists[r.name] = true
			if r.system || r.extension || excluded[r.name] ||
				len(in.opts.Schemas) > 0 && !slices.Contains(in.opts.Schemas, r.name) {
				return nil
			}
			in.nsps = append(in.nsps, r.oid)
			in.s.Namespaces = append(in.s.Namespaces, model.Namespace{
				Name: r.name, Owner: r.owner, Comment: r.comment.String, Grants: r.grants,
			})
			return nil
		})
	if err != nil {
		return err
	}
	for _, name := range in.opts.Schemas {
		if !exists[name] {
			return fmt.Errorf("introspect: schema %q does not exist", name)
		}
	}
	if in.nsps == nil {
		// An empty array, not NULL: "<> ALL(NULL)" would be NULL, "= ANY('{}')" is false.
		in.nsps = []uint32{}
	}
	return nil
}

// extensions reads the installed extensions, plpgsql aside.
func (in *inspector) extensions(ctx context.Context) error {
	var r struct {
		name, schema, version string
		comment               text
	}
	return in.each(ctx, "extensions", []any{in.nsps},
		[]any{&r.name, &r.schema, &r.version, &r.comment},
		func() error {
			in.s.Extensions = append(in.s.Extensions, model.Extension{
				Name: r.name, Schema: r.schema, Version: r.version, Comment: r.comment.String,
			})
			return nil
		})
}

// collations reads user-defined collations.
func (in *inspector) collations(ctx context.Context) error {
	var r struct {
		oid                    uint32
		schema, name, provider string
		locale, collate, ctype text
		deterministic          bool
		owner                  string
		comment                text
	}
	in.collIdx = map[uint32]int{}
	return in.each(ctx, "collations", []any{in.nsps, in.leftOutOf(pgCollation)},
		[]any{&r.oid, &r.schema, &r.name, &r.provider, &r.locale, &r.collate, &r.ctype, &r.deterministic, &r.owner, &r.comment},
		func() error {
			in.collIdx[r.oid] = len(in.s.Collations)
			in.s.Collations = append(in.s.Collations, model.Collation{
				QName:         model.QName{Schema: r.schema, Name: r.name},
				Provider:      r.provider,
				Locale:        r.locale.String,
				LcCollate:     r.collate.String,
				LcCtype:       r.ctype.String,
				Deterministic: r.deterministic,
				Owner:         r.owner,
				Comment:       r.comment.String,
			})
			return nil
		})
}
