// Package render turns schemas into SQL: it is the only place retort builds
// schema DDL.
//
// Every statement is a [Statement] value that says what it provides and what
// it requires, as [model.ObjectRef] values. [Order] sorts any set of
// statements by one deterministic topological sort over those references,
// ties broken by a kind priority (the order pg_dump uses) and then by the
// statement's ID, and reports a cycle as a [*CycleError] that names the
// objects in it. Nothing is ordered by hand outside that graph: a table
// whose column default calls a function comes after the function, a
// function with an SQL-standard body comes after the tables it reads.
//
// The package has two parts. The object DDL (render/internal/ddl) knows
// each kind's CREATE, ALTER and COMMENT text, the statements' ordering
// fields and [Order]; its Builder writes a whole schema's statements and
// exposes to the planner what it needs (Append, Stmt, Lookup, SetBreaker,
// DropRemoved), never its fields. The planner (plan*.go here) turns changes
// into statements on a Builder over the schema the plan yields. The names of
// the first part that belong to this API are re-exported in public.go.
//
// [CreateStatements] returns the statements that create a whole
// [model.Schema] on a freshly created database, breaking the cycles
// PostgreSQL allows the way pg_dump does (views through placeholders,
// defaults and checks through later ALTER statements, foreign keys always
// after both tables). [SchemaSQL] orders them and writes them with [Script]
// as the script that `retort inspect --format sql` prints.
//
// [NewPlan] turns one schema into another: it compares them with
// [diff.Compare] and renders both directions of the migration as ordered
// statements, Up from the changes and Down from their inverses
// ([diff.Invert]), each a plan of its own. Created objects are written by
// the same code as a whole schema's; drops come after whatever depends on
// them; what PostgreSQL cannot alter in place is dropped and created, and
// the views, triggers, policies, foreign keys and defaults that depend on
// such an object (or on a column whose type changes) are dropped before and
// created after. Enums gain labels with ALTER TYPE … ADD VALUE, outside the
// transaction, and are rebuilt under a temporary name when they lose or
// reorder labels; so is a collation whose definition changes while columns
// use it, the columns moved onto the new one, and so are the domains and
// composite types over a rebuilt enum or collation. Every statement that
// may lose data, rewrite or lock a table, build an index or not run in a transaction says so in its
// [Hazard] list; [Plan.UpSQL] and [Plan.DownSQL] write the scripts.
//
// Names are quoted with internal/sqlq; expressions, types and definitions
// are PostgreSQL's own text from the model, which is schema-qualified, so
// the SQL means the same under any search_path.
package render
