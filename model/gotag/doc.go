// Package gotag reads a database schema declared by tagged Go structs, and
// writes one as such structs.
//
// [Load] parses Go packages statically, with go/parser: the user's module is
// not compiled and its dependencies need not be downloaded. Every struct of
// the packages that declares a table is found, without a registration list:
//
//   - a struct with a marker field, _ struct{} `retort:"table:users"`, is read
//     with retort's own tag grammar;
//   - a struct that embeds gorm.Model, has a gorm tag or a TableName method is
//     read as GORM's AutoMigrate would create its table (gorm.io/gorm with its
//     PostgreSQL driver), together with the models it associates with;
//   - a struct that embeds bun.BaseModel is read as bun's CreateTable (with
//     WithForeignKeys) would create its table.
//
// A field's retort tag names the column and gives its options:
//
//	type Order struct {
//		_          struct{}  `retort:"table:orders,check:orders_total_ok((total >= 0))"`
//		ID         int64     `retort:",pk,identity"`
//		CustomerID int64     `retort:",references:customers(id),on_delete:cascade,index"`
//		Status     Status    `retort:",default:'new'"` // a string type with constants: an enum
//		Total      int64
//		Note       *string   // pointers, sql.Null* and pgtype types are nullable
//		PlacedAt   time.Time `retort:",index:orders_recent(desc,where:(status <> 'done'))"`
//	}
//
// The grammar, the Go-to-PostgreSQL type mapping and what is understood of
// GORM and bun are documented in docs/gotags.md of the retort repository.
// On GORM and bun models a retort tag adds what those libraries cannot
// declare (bun has no index tags, neither has check constraints of its own
// kind) or overrides what they say.
//
// Problems are reported with their file:line:col and the offending tag, as
// [*Error] values joined together: a tag that does not parse, an unknown
// option, a reference to a table or column that is not declared, a name
// declared twice.
//
// The schema Load returns holds types and expressions as the source spells
// them (varchar(255), now()); the source package applies it to a scratch
// database and reads it back so that it compares with a live database in
// PostgreSQL's canonical text.
//
// [Write] is the other direction: it renders a [model.Schema] as Go source
// that Load reads back, for adopting an existing database.
package gotag
