package ddl

import (
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// defaultPrivilegesObjects names pg_default_acl's object types as ALTER
// DEFAULT PRIVILEGES writes them.
var defaultPrivilegesObjects = map[string]string{"r": "TABLES", "S": "SEQUENCES", "f": "FUNCTIONS", "T": "TYPES", "n": "SCHEMAS"}

func DefaultPrivilegesRef(d *model.DefaultPrivileges) model.ObjectRef {
	return model.ObjectRef{Kind: model.KindDefaultPrivileges, Schema: d.Schema, Name: d.Role, Args: d.ObjectType}
}

// defaultPrivilegesPrefix is ALTER DEFAULT PRIVILEGES for d's role and
// schema.
func defaultPrivilegesPrefix(d *model.DefaultPrivileges) string {
	s := "ALTER DEFAULT PRIVILEGES FOR ROLE " + sqlq.QuoteIdent(d.Role)
	if d.Schema != "" {
		s += " IN SCHEMA " + sqlq.QuoteIdent(d.Schema)
	}
	return s
}

// builtinDefault is what PostgreSQL grants on new objects of a type with no
// default privileges set: everything to the owner, and to PUBLIC EXECUTE on
// functions and USAGE on types.
func builtinDefault(objType string) (public string) {
	switch objType {
	case "f":
		return "EXECUTE"
	case "T":
		return "USAGE"
	}
	return ""
}

// DefaultPrivilegesSet returns the statements that give d's role exactly
// d's default privileges, from PostgreSQL's built-in default (for every
// schema, whose entry replaces it) or from none (for one schema, whose
// entry adds to it).
func DefaultPrivilegesSet(d *model.DefaultPrivileges) []string {
	objs, prefix := defaultPrivilegesObjects[d.ObjectType], defaultPrivilegesPrefix(d)
	var out []string
	if d.Schema == "" {
		out = append(out, prefix+" REVOKE ALL ON "+objs+" FROM "+sqlq.QuoteIdent(d.Role))
		if builtinDefault(d.ObjectType) != "" {
			out = append(out, prefix+" REVOKE ALL ON "+objs+" FROM PUBLIC")
		}
	}
	for _, g := range groupGrants(d.Grants) {
		sql := prefix + " GRANT " + strings.Join(g.privs, ", ") + " ON " + objs + " TO " + RoleSQL(g.grantee)
		if g.grantable {
			sql += " WITH GRANT OPTION"
		}
		out = append(out, sql)
	}
	return out
}

// DefaultPrivilegesReset returns the statements that undo d: PostgreSQL's
// built-in default again for every schema, nothing added for one schema.
func DefaultPrivilegesReset(d *model.DefaultPrivileges) []string {
	objs, prefix := defaultPrivilegesObjects[d.ObjectType], defaultPrivilegesPrefix(d)
	seen := map[string]bool{}
	var out []string
	for _, g := range d.Grants {
		if seen[g.Grantee] {
			continue
		}
		seen[g.Grantee] = true
		out = append(out, prefix+" REVOKE ALL ON "+objs+" FROM "+RoleSQL(g.Grantee))
	}
	if d.Schema == "" {
		out = append(out, prefix+" GRANT ALL ON "+objs+" TO "+sqlq.QuoteIdent(d.Role))
		if p := builtinDefault(d.ObjectType); p != "" {
			out = append(out, prefix+" GRANT "+p+" ON "+objs+" TO PUBLIC")
		}
	}
	return out
}

// defaultPrivileges sets a role's default privileges, when privileges are
// rendered.
func (b *Builder) defaultPrivileges(d *model.DefaultPrivileges) {
	if !b.opts.Privileges {
		return
	}
	if defaultPrivilegesObjects[d.ObjectType] == "" {
		b.Errorf("default privileges", "unknown object type %q", d.ObjectType)
		return
	}
	ref := DefaultPrivilegesRef(d)
	var req []model.ObjectRef
	if d.Schema != "" {
		req = append(req, NamespaceRef(d.Schema))
	}
	for i, sql := range DefaultPrivilegesSet(d) {
		b.add(Statement{Priority: PrioGrant, ID: StmtID(PrioGrant, "default privileges", d.Role, d.Schema, d.ObjectType, string(rune('a'+i))),
			SQL: sql, Provides: []model.ObjectRef{ref}, Requires: req})
	}
}
