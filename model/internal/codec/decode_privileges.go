package codec

import (
	"fmt"

	"github.com/retortdb/retort/model"
)

// defaultPrivilegesOn maps the words of ALTER DEFAULT PRIVILEGES … ON to
// pg_default_acl's object types. ROUTINES is PostgreSQL's other word for
// FUNCTIONS, so a file may use either.
var defaultPrivilegesOn = map[string]string{
	"TABLES": "r", "SEQUENCES": "S", "FUNCTIONS": "f", "ROUTINES": "f", "TYPES": "T", "SCHEMAS": "n",
}

// defaultPrivilegesAllowed lists, per object type, the privileges that
// ALTER DEFAULT PRIVILEGES can grant on it (MAINTAIN on tables is
// PostgreSQL 17's).
var defaultPrivilegesAllowed = map[string][]string{
	"r": {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"},
	"S": {"USAGE", "SELECT", "UPDATE"},
	"f": {"EXECUTE"},
	"T": {"USAGE"},
	"n": {"USAGE", "CREATE"},
}

// defaultPrivilegesWord is the word the encoder writes for each object
// type: the one PostgreSQL's own documentation uses.
var defaultPrivilegesWord = map[string]string{"r": "TABLES", "S": "SEQUENCES", "f": "FUNCTIONS", "T": "TYPES", "n": "SCHEMAS"}

// defaultPrivileges reads a default_privileges block:
//
//	default_privileges {
//	  role   = "owner"
//	  schema = schema.app
//	  on     = TABLES
//	  grant { to = "reader", privileges = [SELECT] }
//	}
//
// The role is an attribute, not a label, because one role has an entry per
// schema and object type: a label would not name one block.
func (d *decoder) defaultPrivileges(r *reader, dc *decl) {
	var p model.DefaultPrivileges
	b := dc.block
	switch a := r.attr("role"); {
	case a == nil:
		d.errs.add(b.Pos, b.Text, "default_privileges needs role (the role whose new objects get them)")
	case a.Value.Kind == String && a.Value.Str != "":
		p.Role = a.Value.Str
	default:
		r.wrong(a, "a role name (a non-empty string)")
	}
	schema := r.attr("schema")
	if schema != nil {
		if s, ok := d.schemaRef(schema.Value); !ok {
			r.wrong(schema, "a reference to a schema (schema.NAME) or its name")
		} else {
			d.checkSchemaDeclared(schema.Value, s)
			p.Schema = s
		}
	}
	if a := r.attr("on"); a == nil {
		d.errs.add(b.Pos, b.Text, "default_privileges needs on (TABLES, SEQUENCES, FUNCTIONS, TYPES or SCHEMAS)")
	} else if t, ok := r.keywordValue(a, a.Value, defaultPrivilegesOn); ok {
		p.ObjectType = t
	}
	if p.ObjectType == "n" && schema != nil {
		// PostgreSQL refuses IN SCHEMA with ON SCHEMAS: a schema is not
		// created inside another.
		d.errs.add(schema.Pos, schema.Text, "default privileges on SCHEMAS are for every schema: leave schema out")
	}
	if allowed, ok := defaultPrivilegesAllowed[p.ObjectType]; ok {
		p.Grants = r.grantsOf(allowed, defaultPrivilegesWord[p.ObjectType])
	} else {
		p.Grants = r.grants()
	}
	if p.Schema != "" && len(p.Grants) == 0 {
		// Per schema, grants are added to the built-in default; with none,
		// PostgreSQL keeps no entry, and the block would never match a
		// database.
		d.errs.add(b.Pos, b.Text, "default_privileges in schema %s grants nothing: give grant blocks, or leave the block out", p.Schema)
	}
	if p.Role == "" || p.ObjectType == "" {
		return
	}
	key := "default_privileges " + p.Role + "\x00" + p.Schema + "\x00" + p.ObjectType
	for _, prev := range d.decls[key] {
		d.errs.add(b.Pos, b.Text, "%s are declared twice (first at %s)", describeDefaultPrivileges(&p), prev.block.Pos)
	}
	d.decls[key] = append(d.decls[key], dc)
	d.s.DefaultPrivileges = append(d.s.DefaultPrivileges, p)
}

// describeDefaultPrivileges names an entry for messages.
func describeDefaultPrivileges(p *model.DefaultPrivileges) string {
	where := "in every schema"
	if p.Schema != "" {
		where = "in schema " + p.Schema
	}
	return fmt.Sprintf("default privileges of role %s on %s %s", p.Role, defaultPrivilegesWord[p.ObjectType], where)
}
