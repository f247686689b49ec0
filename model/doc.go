// Package model holds retort's plain description of a PostgreSQL database
// schema: the objects that PostgreSQL's catalogs describe, as value structs
// with no behaviour beyond ordering, equality and validation.
//
// Every other part of retort meets here. Introspection fills a [Schema] from
// a live database; the HCL, YAML, SQL and Go-tag readers fill one from a
// declared schema; the diff engine compares two; the renderer writes DDL for
// one. The package imports nothing of retort and no database driver.
//
// Names are stored raw (unquoted, case preserved) and quoted only when SQL is
// written. Text that PostgreSQL produces for expressions and definitions
// (format_type, pg_get_expr, pg_get_constraintdef, pg_get_indexdef,
// pg_get_viewdef, pg_get_functiondef, pg_get_triggerdef, pg_get_ruledef) is
// kept as PostgreSQL printed it with an empty search_path, so every name in it
// is schema-qualified and two schemas compare by PostgreSQL's own canonical
// text.
//
// A Schema is in canonical form after [Schema.Normalize]: every slice of
// objects sorted by its key, so that two schemas with the same objects are
// equal by [Schema.Equal] and encode to the same JSON.
package model
