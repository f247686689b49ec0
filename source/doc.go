// Package source turns a SRC argument of the retort command line into a
// [model.Schema].
//
// A SRC is one of (see DESIGN.md, "Sources"):
//
//	postgres://… or postgresql://…   a live database, introspected
//	path.sql, dir/, file://path        declared DDL, applied to a scratch database on the dev server and read back
//	empty                              an empty database on the dev server
//
// Declared sources are always read back from PostgreSQL itself, so the schema
// they yield is in PostgreSQL's canonical text, exactly comparable with a live
// database's. HCL, YAML, Go and migrations sources are recognised and refused
// with a clear message until their readers exist.
package source
