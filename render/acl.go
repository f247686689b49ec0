package render

import (
	"cmp"
	"slices"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// target names one object for the statements that every kind shares:
// comments, owners and grants.
type target struct {
	// ref is the object, which those statements require.
	ref model.ObjectRef
	// id names the object in statement IDs, e.g. "table public.film".
	id string
	// comment is the object as COMMENT ON names it, e.g. "TABLE public.film".
	comment string
	// alter is the object as ALTER … OWNER TO names it; empty for kinds
	// that have no owner.
	alter string
	// grant is the object as GRANT … ON names it; empty for kinds without
	// privileges.
	grant string
}

// comment adds COMMENT ON for an object that has a comment.
func (b *builder) comment(t target, text string) {
	if !b.opts.Comments || text == "" {
		return
	}
	b.commentOn(t.ref, "comment "+t.id, t.comment, sqlq.Literal(text))
}

// commentOn adds one COMMENT ON statement with value as its literal (or
// NULL).
func (b *builder) commentOn(ref model.ObjectRef, id, object, value string) {
	b.add(Statement{
		ID:       stmtID(prioComment, id),
		prio:     prioComment,
		SQL:      "COMMENT ON " + object + " IS " + value,
		Requires: []model.ObjectRef{ref},
	})
}

// owner adds ALTER … OWNER TO.
func (b *builder) owner(t target, role string) {
	if !b.opts.Owners || role == "" || t.alter == "" {
		return
	}
	b.add(Statement{
		ID:       stmtID(prioOwner, "owner "+t.id),
		prio:     prioOwner,
		SQL:      "ALTER " + t.alter + " OWNER TO " + sqlq.QuoteIdent(role),
		Requires: []model.ObjectRef{t.ref},
	})
}

// privileges are the words GRANT accepts, as aclexplode spells them.
var privileges = map[string]bool{
	"SELECT": true, "INSERT": true, "UPDATE": true, "DELETE": true, "TRUNCATE": true,
	"REFERENCES": true, "TRIGGER": true, "USAGE": true, "CREATE": true, "CONNECT": true,
	"TEMPORARY": true, "TEMP": true, "EXECUTE": true, "MAINTAIN": true, "SET": true, "ALTER SYSTEM": true,
}

// grants adds the ACL of an object that has one: the model holds only ACLs
// that differ from PostgreSQL's default, so the default is revoked first and
// each grantee's privileges granted, as pg_dump does.
func (b *builder) grants(t target, owner string, gs []model.Grant) {
	if !b.opts.Privileges || len(gs) == 0 || t.grant == "" {
		return
	}
	if !b.checkPrivileges(t.id, gs) {
		return
	}
	// Without owners the objects belong to whoever runs the script.
	ownerSQL := "CURRENT_USER"
	if b.opts.Owners && owner != "" {
		ownerSQL = sqlq.QuoteIdent(owner)
	}
	req := []model.ObjectRef{t.ref}
	b.add(Statement{prio: prioGrant, ID: stmtID(prioGrant, "acl "+t.id, "0 revoke public"),
		SQL: "REVOKE ALL ON " + t.grant + " FROM PUBLIC", Requires: req})
	b.add(Statement{prio: prioGrant, ID: stmtID(prioGrant, "acl "+t.id, "1 revoke owner"),
		SQL: "REVOKE ALL ON " + t.grant + " FROM " + ownerSQL, Requires: req})
	for _, g := range groupGrants(gs) {
		sql := "GRANT " + strings.Join(g.privs, ", ") + " ON " + t.grant + " TO " + roleSQL(g.grantee)
		if g.grantable {
			sql += " WITH GRANT OPTION"
		}
		b.add(Statement{prio: prioGrant, ID: stmtID(prioGrant, "acl "+t.id, "2 grant "+g.key()), SQL: sql, Requires: req})
	}
}

// columnGrants adds the column privileges of a table or view. PostgreSQL
// grants no column privileges by default, so there is nothing to revoke.
func (b *builder) columnGrants(t target, column string, gs []model.Grant) {
	if !b.opts.Privileges || len(gs) == 0 {
		return
	}
	if !b.checkPrivileges(t.id+" column "+column, gs) {
		return
	}
	for _, g := range groupGrants(gs) {
		var privs []string
		for _, p := range g.privs {
			privs = append(privs, p+" ("+sqlq.QuoteIdent(column)+")")
		}
		sql := "GRANT " + strings.Join(privs, ", ") + " ON " + t.grant + " TO " + roleSQL(g.grantee)
		if g.grantable {
			sql += " WITH GRANT OPTION"
		}
		b.add(Statement{prio: prioGrant, ID: stmtID(prioGrant, "acl "+t.id, "3 column "+sqlq.QuoteIdent(column)+" grant "+g.key()),
			SQL: sql, Requires: []model.ObjectRef{t.ref}})
	}
}

func (b *builder) checkPrivileges(object string, gs []model.Grant) bool {
	ok := true
	for _, g := range gs {
		if !privileges[g.Privilege] {
			b.errorf(object, "unknown privilege %q", g.Privilege)
			ok = false
		}
	}
	return ok
}

// grantGroup is one ACL entry: a grantee's privileges, with or without
// grant option.
type grantGroup struct {
	grantee   string
	grantable bool
	privs     []string
}

func (g grantGroup) key() string {
	k := roleSQL(g.grantee)
	if g.grantable {
		k += " with grant option"
	}
	return k
}

// groupGrants merges grants per grantee and grant option, in a stable order.
func groupGrants(gs []model.Grant) []grantGroup {
	var out []grantGroup
	for _, g := range gs {
		i := slices.IndexFunc(out, func(o grantGroup) bool {
			return o.grantee == g.Grantee && o.grantable == g.Grantable
		})
		if i < 0 {
			out = append(out, grantGroup{grantee: g.Grantee, grantable: g.Grantable})
			i = len(out) - 1
		}
		if !slices.Contains(out[i].privs, g.Privilege) {
			out[i].privs = append(out[i].privs, g.Privilege)
		}
	}
	for i := range out {
		slices.Sort(out[i].privs)
	}
	slices.SortFunc(out, func(a, b grantGroup) int {
		if c := strings.Compare(a.grantee, b.grantee); c != 0 {
			return c
		}
		if a.grantable == b.grantable {
			return 0
		}
		return cmp.Compare(boolInt(a.grantable), boolInt(b.grantable))
	})
	return out
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}
