// Package hcl reads and writes a [model.Schema] as HCL, in the dialect of
// Atlas's PostgreSQL schemas for what both cover, and retort's additions
// for every other kind of object the model holds (docs/hcl.md).
//
//	schema "public" {}
//
//	table "users" {
//	  schema = schema.public
//	  column "id" {
//	    type = bigint
//	    identity { generated = ALWAYS }
//	  }
//	  column "email" {
//	    type = varchar(255)
//	  }
//	  primary_key {
//	    columns = [column.id]
//	  }
//	  index "users_email" {
//	    unique  = true
//	    columns = [column.email]
//	  }
//	}
//
// [Decode] and [DecodeFiles] check names and references as they read, and
// report each problem with file:line:col and the offending text. The types,
// defaults and expressions they produce are PostgreSQL text but not yet
// PostgreSQL's canonical text: the source package applies the schema to a
// scratch database on the dev server and reads it back before comparing.
//
// [Encode] writes what Decode reads back to the same schema.
package hcl
