// Package source turns a SRC argument of the retort command line into a
// [model.Schema]: [Parse] classifies the string, without touching the file
// system or the network, and [Loader.Load] reads it, then applies the
// loader's --include and --exclude patterns.
//
// A SRC is one of (see DESIGN.md, "Sources"):
//
//	postgres://… or postgresql://…      a live database, introspected
//	path.sql, dir/ or file://path        declared SQL, applied to a scratch database on the dev server and read back
//	path.hcl, path.yaml or path.yml      a declared schema in HCL (Atlas's) or YAML, decoded, rendered as DDL, applied and read back
//	go://./pkg/...                       Go packages whose tagged structs declare tables, likewise
//	migrations://dir                     a migrations directory, replayed to its heads on a scratch database
//	empty                                an empty database on the dev server
//
// A directory is read as the one kind of schema file it holds; one that
// mixes kinds is refused.
//
// Declared sources are read back from PostgreSQL itself, so the schema they
// yield is in PostgreSQL's canonical text, exactly comparable with a live
// database's. They and replayed migrations are applied as a role without
// superuser rights unless the loader is trusted (--trusted); a declared
// schema that declares nothing besides schemas is refused unless empty
// ones are allowed (--allow-empty). The
// scratch database of the declared source loaded last is kept until
// [Loader.Close], so that [Loader.Reconcile] can compare expressions at
// PostgreSQL's fixpoint in the context that declares them.
//
// Without a dev server (--dev-url none), HCL, YAML and Go sources are
// returned as decoded, their SQL texts in pg_query's canonical form, with a
// warning that names the comparisons this cannot make exactly; SQL,
// migrations and empty sources need a dev server and say so.
package source
