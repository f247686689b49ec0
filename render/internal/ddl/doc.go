// Package ddl is render's object DDL: the statements that create, alter,
// comment on, own and grant each object kind, the [Statement] and [Hazard]
// values they are, and [Order], the one sort that puts any set of them in an
// order that runs.
//
// A [Builder] over a schema writes every object of it ([CreateStatements]).
// The planner in package render adds the statements of a migration to a
// Builder over the schema the migration yields, through the methods of
// builder.go, so that created objects are written by the same code as a
// whole schema's and one [Order] sorts the plan.
//
// A statement's place in an order comes from its fields: Provides and
// Requires (objects), ProvTokens and ReqTokens (steps that are not objects,
// see [TokenKind]), Priority (the kind's place in pg_dump's order; drops
// have [DropPrio]) and ID, which only makes the order total. Nothing is
// parsed out of a string.
//
// Package render re-exports the names that belong to its API; this package
// is internal so that the rest may change with the planner.
package ddl
