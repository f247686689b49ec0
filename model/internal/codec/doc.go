// Package codec is the engine shared by retort's HCL and YAML codecs
// ([github.com/retortdb/retort/model/hcl] and
// [github.com/retortdb/retort/model/yaml]): a small syntax tree that both
// formats are read into and written from, the decoder that turns such trees
// into a [model.Schema], and the encoder that turns a schema back into a
// tree.
//
// The two formats have one structure (docs/hcl.md, docs/yaml.md). An HCL
// block type is a YAML key (its plural for blocks with a name: table →
// tables), a label is YAML's name entry, a reference such as column.id or
// table.users.column.id is a plain name in YAML, a bare keyword (CASCADE)
// is a string, and sql("…") is {sql: …}. A format reader only builds the
// tree; the decoder takes attributes whose value is an object, or a list of
// objects, as the nested blocks it expects, so that both formats are
// checked by the same code and report the same errors.
//
// The decoder reports every problem it finds, each with file:line:col and
// the text it is about: unknown attributes and blocks, references to
// objects or columns that do not exist, duplicate names, foreign keys whose
// referenced columns are not a key, values of the wrong kind, types and
// expressions that do not parse. What PostgreSQL alone can judge (a type it
// does not know, a query that does not plan) is left to the dev server.
//
// The encoder writes structured parts (columns, keys, indexes with their
// columns and expressions, foreign keys with their actions) where the
// definition PostgreSQL printed is exactly what the parts give back, and
// the definition text where it is not, so that decoding what it wrote gives
// the schema back.
package codec

import "github.com/retortdb/retort/model"

var _ model.Schema
