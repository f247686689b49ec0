// Package introspect reads a live PostgreSQL database into a [model.Schema].
//
// [Inspect] issues one catalog query per kind of object (schemas, types,
// tables, columns, constraints, indexes, views, functions, triggers, …, and
// one for all dependencies), never one per table, so the number of round trips
// does not grow with the database; rows are assembled into the model in Go
// with maps, in linear time. The queries live in sql/*.sql, embedded, and
// branch on the server version where the catalogs of PostgreSQL 13 to 18
// differ.
//
// Everything is read in one REPEATABLE READ READ ONLY transaction, for a
// consistent snapshot, with an empty search_path, as pg_dump does: every text
// PostgreSQL prints (format_type, pg_get_expr, pg_get_indexdef,
// pg_get_viewdef, pg_get_functiondef, …) then names objects schema-qualified,
// unless they live in pg_catalog, and is stored exactly as printed. Two
// schemas, one declared and applied to a scratch database and one live,
// therefore compare by PostgreSQL's own canonical text.
//
// What is left out: system schemas; objects that belong to an extension
// (the extension stands for them, in [model.Schema.Extensions] and as a
// [model.KindExtension] dependency); the plpgsql extension, present in every
// database; objects that exist only as a side effect of another (array and
// row types, multirange types, identity sequences, internal and cloned
// triggers, cloned foreign keys, inherited CHECK constraints, NOT NULL
// constraints, indexes that implement a constraint, views' _RETURN rules); and
// the tables named in [Options.IgnoreTables]. Objects that the model cannot
// represent yet (operators, text search configurations, conversions,
// publications, base types, …) are counted per kind in
// [model.Schema.Unsupported], never dropped silently.
//
// Dependencies (the Deps of views, functions, types, columns, constraints,
// indexes, triggers, rules, policies and casts) come from pg_depend in one
// query. They name what the model holds: an array type stands for its
// element type, a row type for its table, an index that implements a
// constraint for the constraint, and an extension's object for the
// extension. Objects PostgreSQL creates at initdb, the schema an object lives
// in (its name says that), the object itself, and objects outside the
// inspected schemas are not listed.
//
// [InspectURL] (and [Inspect] given [Options.Connect]) reads the three
// heaviest queries, columns, constraints and indexes, over three backends at
// once, as pg_dump -j does: two more connections each read one range of
// relation oids, in transactions that import the inspecting transaction's
// snapshot, while the inspecting connection reads the other catalogs and a
// last range itself. The model is exactly what one transaction would read.
//
// The catalog functions that print expressions and definitions open the
// relations they print, taking ACCESS SHARE locks that last until the
// inspection ends, as pg_dump's do; a database with more tables than
// max_locks_per_transaction allows for needs that setting raised for either.
//
// A minimal use:
//
//	s, err := introspect.InspectURL(ctx, "postgres://localhost/app", introspect.Options{
//		Exclude:      []string{"audit"},
//		IgnoreTables: []model.QName{{Schema: "public", Name: "retort_version"}},
//	})
//	if err != nil {
//		return err
//	}
//	for _, t := range s.Tables {
//		fmt.Println(t.QName, len(t.Columns))
//	}
package introspect
