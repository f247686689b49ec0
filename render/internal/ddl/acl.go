package ddl

import (
	"cmp"
	"slices"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// Target names one object for the statements that every kind shares:
// comments, owners and grants.
type Target struct {
	// Ref is the object, which those statements require.
	Ref model.ObjectRef
	// ID names the object in statement IDs, e.g. "table public.film".
	ID string
	// Comment is the object as COMMENT ON names it, e.g. "TABLE public.film".
	Comment string
	// Alter is the object as ALTER … OWNER TO names it; empty for kinds
	// that have no owner.
	Alter string
	// Grant is the object as GRANT … ON names it; empty for kinds without
	// privileges.
	Grant string
}

// comment adds COMMENT ON for an object that has a comment.
func (b *Builder) comment(t Target, text string) {
	if !b.opts.Comments || text == "" {
		return
	}
	b.CommentOn(t.Ref, "comment "+t.ID, t.Comment, sqlq.Literal(text))
}

// CommentOn adds one COMMENT ON statement with value as its literal (or
// NULL).
func (b *Builder) CommentOn(ref model.ObjectRef, id, object, value string) {
	b.add(Statement{
		ID:       StmtID(PrioComment, id),
		Priority: PrioComment,
		SQL:      "COMMENT ON " + object + " IS " + value,
		Requires: []model.ObjectRef{ref},
	})
}

// Owner adds ALTER … OWNER TO.
func (b *Builder) Owner(t Target, role string) {
	if !b.opts.Owners || role == "" || t.Alter == "" {
		return
	}
	b.add(Statement{
		ID:       StmtID(prioOwner, "owner "+t.ID),
		Priority: prioOwner,
		SQL:      "ALTER " + t.Alter + " OWNER TO " + sqlq.QuoteIdent(role),
		Requires: []model.ObjectRef{t.Ref},
	})
}

// privileges are the words GRANT accepts, as aclexplode spells them.
var privileges = map[string]bool{
	"SELECT": true, "INSERT": true, "UPDATE": true, "DELETE": true, "TRUNCATE": true,
	"REFERENCES": true, "TRIGGER": true, "USAGE": true, "CREATE": true, "CONNECT": true,
	"TEMPORARY": true, "TEMP": true, "EXECUTE": true, "MAINTAIN": true, "SET": true, "ALTER SYSTEM": true,
}

// Grants adds the ACL of an object that has one: the model holds only ACLs
// that differ from PostgreSQL's default, so the default is revoked first and
// each grantee's privileges granted, as pg_dump does.
func (b *Builder) Grants(t Target, owner string, gs []model.Grant) {
	if !b.opts.Privileges || len(gs) == 0 || t.Grant == "" {
		return
	}
	if !b.checkPrivileges(t.ID, gs) {
		return
	}
	// Without owners the objects belong to whoever runs the script.
	ownerSQL := "CURRENT_USER"
	if b.opts.Owners && owner != "" {
		ownerSQL = sqlq.QuoteIdent(owner)
	}
	req := []model.ObjectRef{t.Ref}
	b.add(Statement{Priority: PrioGrant, ID: StmtID(PrioGrant, "acl "+t.ID, "0 revoke public"),
		SQL: "REVOKE ALL ON " + t.Grant + " FROM PUBLIC", Requires: req})
	b.add(Statement{Priority: PrioGrant, ID: StmtID(PrioGrant, "acl "+t.ID, "1 revoke owner"),
		SQL: "REVOKE ALL ON " + t.Grant + " FROM " + ownerSQL, Requires: req})
	for _, g := range groupGrants(gs) {
		sql := "GRANT " + strings.Join(g.privs, ", ") + " ON " + t.Grant + " TO " + RoleSQL(g.grantee)
		if g.grantable {
			sql += " WITH GRANT OPTION"
		}
		b.add(Statement{Priority: PrioGrant, ID: StmtID(PrioGrant, "acl "+t.ID, "2 grant "+g.key()), SQL: sql, Requires: req})
	}
}

// ColumnGrants adds the column privileges of a table or view. PostgreSQL
// grants no column privileges by default, so there is nothing to revoke.
func (b *Builder) ColumnGrants(t Target, column string, gs []model.Grant) {
	if !b.opts.Privileges || len(gs) == 0 {
		return
	}
	if !b.checkPrivileges(t.ID+" column "+column, gs) {
		return
	}
	for _, g := range groupGrants(gs) {
		var privs []string
		for _, p := range g.privs {
			privs = append(privs, p+" ("+sqlq.QuoteIdent(column)+")")
		}
		sql := "GRANT " + strings.Join(privs, ", ") + " ON " + t.Grant + " TO " + RoleSQL(g.grantee)
		if g.grantable {
			sql += " WITH GRANT OPTION"
		}
		b.add(Statement{Priority: PrioGrant, ID: StmtID(PrioGrant, "acl "+t.ID, "3 column "+sqlq.QuoteIdent(column)+" grant "+g.key()),
			SQL: sql, Requires: []model.ObjectRef{t.Ref}})
	}
}

func (b *Builder) checkPrivileges(object string, gs []model.Grant) bool {
	ok := true
	for _, g := range gs {
		if !privileges[g.Privilege] {
			b.Errorf(object, "unknown privilege %q", g.Privilege)
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
	k := RoleSQL(g.grantee)
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
