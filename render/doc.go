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
// [CreateStatements] returns the statements that create a whole
// [model.Schema] on a freshly created database, breaking the cycles
// PostgreSQL allows the way pg_dump does (views through placeholders,
// defaults and checks through later ALTER statements, foreign keys always
// after both tables). [SchemaSQL] orders them and writes them with [Script]
// as the script that `retort inspect --format sql` prints.
//
// Names are quoted with internal/sqlq; expressions, types and definitions
// are PostgreSQL's own text from the model, which is schema-qualified, so
// the SQL means the same under any search_path.
package render
