// Package yaml reads and writes a [model.Schema] as YAML with the structure
// and names of retort's HCL (docs/yaml.md): a map of object kinds to lists
// of objects, each with its name.
//
//	tables:
//	  - name: users
//	    schema: public
//	    columns:
//	      - {name: id, type: bigint, identity: {generated: ALWAYS}}
//	      - {name: email, type: varchar(255)}
//	    primary_key: {columns: [id]}
//	    indexes:
//	      - {name: users_email, unique: true, columns: [email]}
//
// Where HCL has a reference (column.id, table.users, enum.status) YAML has
// the plain name (id, users, public.status), and where HCL has sql("…")
// YAML has {sql: …}.
//
// [Decode] and [DecodeFiles] report each problem with file:line:col and the
// offending text; [Encode] writes what Decode reads back to the same
// schema.
package yaml
