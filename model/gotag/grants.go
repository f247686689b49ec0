package gotag

import (
	"slices"
	"strings"

	"github.com/retortdb/retort/model"
)

// privilegeOrder lists the privileges a table can be granted in the order
// GRANT's documentation gives them, which is how they are written: people
// read "SELECT, INSERT, UPDATE" more easily than the alphabetical order the
// model keeps. MAINTAIN is PostgreSQL 17's; older servers refuse it.
var privilegeOrder = []string{"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"}

// columnPrivileges are the privileges PostgreSQL grants on a column.
var columnPrivileges = []string{"SELECT", "INSERT", "UPDATE", "REFERENCES"}

// grantOptionWord is the option, inside a grant's parentheses, that makes
// its privileges grantable. It is spelled after SQL's WITH GRANT OPTION so
// that it reads as the statement it becomes.
const grantOptionWord = "with_grant_option"

// readGrant reads grant:ROLE(PRIV, …[, with_grant_option]) on a marker (a
// table's privileges) or on a field (the column's). The grantee is a role,
// or PUBLIC unquoted in any case; a quoted "PUBLIC" is a role of that name.
func (l *loader) readGrant(tv tagValue, it item, column bool) []model.Grant {
	form := "grant:ROLE(SELECT, …) or grant:PUBLIC(SELECT, …)"
	name, inner, ok := callForm(it.val)
	if !ok || name == "" {
		l.e.add(tv.posAt(it.off), tv.tag.raw, "grant needs a role and privileges: %s", form)
		return nil
	}
	grantee, ok := ident(name)
	if !ok {
		l.e.add(tv.posAt(it.valOff), tv.tag.raw, "grant: %q is not a role name (quote it as \\\"%s\\\")", name, name)
		return nil
	}
	if (!strings.HasPrefix(name, `"`) && strings.EqualFold(name, "public")) || grantee == "public" {
		grantee = "" // PUBLIC; PostgreSQL reserves the role name public
	}
	if inner == "" {
		l.e.add(tv.posAt(it.off), tv.tag.raw, "grant needs privileges: %s", form)
		return nil
	}
	innerOff := it.valOff
	if k := strings.LastIndex(it.val[:len(it.val)-1], inner); k >= 0 {
		innerOff += k
	}
	subs, err := splitItems(inner)
	if err != nil {
		at := tv.posAt(it.off)
		if se, ok := err.(*syntaxError); ok {
			at = tv.posAt(innerOff + se.off)
		}
		l.e.add(at, tv.tag.raw, "grant: %v", err)
		return nil
	}
	allowed, what := privilegeOrder, "a table"
	if column {
		allowed, what = columnPrivileges, "a column"
	}
	var privs []string
	grantable := false
	bad := false
	for _, s := range subs {
		at := tv.posAt(innerOff + s.off)
		word := strings.Join(strings.Fields(s.raw), " ")
		switch upper := strings.ToUpper(word); {
		case strings.EqualFold(strings.ReplaceAll(word, " ", "_"), grantOptionWord):
			grantable = true
		case s.raw == "":
			l.e.add(at, tv.tag.raw, "grant: empty privilege (two commas in a row?)")
			bad = true
		case slices.Contains(allowed, upper):
			if !slices.Contains(privs, upper) {
				privs = append(privs, upper)
			}
		case upper == "ALL" || upper == "ALL PRIVILEGES":
			// ALL means different privileges on different servers
			// (MAINTAIN joined it in PostgreSQL 17): naming them keeps the
			// declaration the same wherever it is applied.
			l.e.add(at, tv.tag.raw, "grant: name the privileges instead of %s (%s can be granted %s)", word, what, strings.Join(allowed, ", "))
			bad = true
		case column && slices.Contains(privilegeOrder, upper):
			l.e.add(at, tv.tag.raw, "grant: %s cannot be granted on a column (only %s); grant it on the table's marker", upper, strings.Join(allowed, ", "))
			bad = true
		default:
			l.e.add(at, tv.tag.raw, "grant: unknown privilege %q (%s can be granted %s, and %s)", s.raw, what, strings.Join(allowed, ", "), grantOptionWord)
			bad = true
		}
	}
	if bad {
		return nil
	}
	if len(privs) == 0 {
		l.e.add(tv.posAt(it.off), tv.tag.raw, "grant needs privileges: %s", form)
		return nil
	}
	out := make([]model.Grant, len(privs))
	for i, p := range privs {
		out[i] = model.Grant{Grantee: grantee, Privilege: p, Grantable: grantable}
	}
	return out
}

// grantOpts writes grants as grant options: one per grantee and grant
// option, PUBLIC first as the model sorts it.
func grantOpts(gs []model.Grant) []string {
	type group struct {
		grantee   string
		grantable bool
		privs     []string
	}
	var groups []*group
	for _, g := range gs {
		i := slices.IndexFunc(groups, func(o *group) bool { return o.grantee == g.Grantee && o.grantable == g.Grantable })
		if i < 0 {
			groups = append(groups, &group{grantee: g.Grantee, grantable: g.Grantable})
			i = len(groups) - 1
		}
		if !slices.Contains(groups[i].privs, g.Privilege) {
			groups[i].privs = append(groups[i].privs, g.Privilege)
		}
	}
	var out []string
	for _, g := range groups {
		slices.SortStableFunc(g.privs, func(a, b string) int { return privilegeRank(a) - privilegeRank(b) })
		role := "PUBLIC"
		switch {
		case g.grantee == "" || g.grantee == "public":
		case strings.EqualFold(g.grantee, "public"):
			role = `"` + g.grantee + `"` // a role named PUBLIC, not everyone
		default:
			role = tagName(g.grantee)
		}
		inner := strings.Join(g.privs, ",")
		if g.grantable {
			inner += "," + grantOptionWord
		}
		out = append(out, "grant:"+role+"("+inner+")")
	}
	return out
}

// privilegeRank places a privilege in privilegeOrder; one the grammar does
// not know goes last, so that writing never loses it (reading it back then
// reports it).
func privilegeRank(p string) int {
	if i := slices.Index(privilegeOrder, p); i >= 0 {
		return i
	}
	return len(privilegeOrder)
}
