package render

import (
	"reflect"
	"slices"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// commentChange sets or clears an object's comment.
func (p *planner) commentChange(t target, from, to string) {
	if from == to || !p.opts.Comments || t.comment == "" {
		return
	}
	value := "NULL"
	if to != "" {
		value = sqlq.Literal(to)
	}
	p.b.commentOn(t.ref, "comment "+t.id, t.comment, value)
}

// ownerChange gives an object its new owner.
func (p *planner) ownerChange(t target, from, to string) {
	if from == to || to == "" || !p.opts.Owners || t.alter == "" {
		return
	}
	p.b.owner(t, to)
}

// grantChange turns an object's ACL into another: every grantee of the old
// one loses its privileges, then the new one is granted as a created
// object's is. An empty new ACL is PostgreSQL's default: the owner's
// privileges, and those that PUBLIC has by default on functions and types.
func (p *planner) grantChange(t target, fromOwner, toOwner string, from, to []model.Grant) {
	if !p.opts.Privileges || t.grant == "" || reflect.DeepEqual(from, to) && fromOwner == toOwner {
		return
	}
	req := []model.ObjectRef{t.ref}
	var grantees []string
	for _, g := range from {
		if !slices.Contains(grantees, g.Grantee) {
			grantees = append(grantees, g.Grantee)
		}
	}
	for _, g := range grantees {
		p.add(Statement{prio: prioGrant, ID: stmtID(prioGrant, "acl "+t.id, "0 revoke old "+roleSQL(g)),
			SQL: "REVOKE ALL ON " + t.grant + " FROM " + roleSQL(g), Requires: req})
	}
	if len(to) > 0 {
		p.b.grants(t, toOwner, to)
		return
	}
	owner := "CURRENT_USER"
	if p.opts.Owners && toOwner != "" {
		owner = sqlq.QuoteIdent(toOwner)
	}
	p.add(Statement{prio: prioGrant, ID: stmtID(prioGrant, "acl "+t.id, "1 default owner"),
		SQL: "GRANT ALL ON " + t.grant + " TO " + owner, Requires: req})
	var public string
	switch t.ref.Kind {
	case model.KindFunction, model.KindAggregate: // functions, procedures, aggregates
		public = "EXECUTE"
	case model.KindType: // types and domains
		public = "USAGE"
	}
	if public != "" {
		p.add(Statement{prio: prioGrant, ID: stmtID(prioGrant, "acl "+t.id, "2 default public"),
			SQL: "GRANT " + public + " ON " + t.grant + " TO PUBLIC", Requires: req})
	}
}

// columnGrantChange turns a column's privileges into another's.
func (p *planner) columnGrantChange(t *model.Table, col string, from, to []model.Grant) {
	if !p.opts.Privileges || reflect.DeepEqual(from, to) {
		return
	}
	tt := tableTarget(t)
	var grantees []string
	for _, g := range from {
		if !slices.Contains(grantees, g.Grantee) {
			grantees = append(grantees, g.Grantee)
		}
	}
	for _, g := range grantees {
		var privs []string
		for _, gr := range from {
			if gr.Grantee == g && !slices.Contains(privs, gr.Privilege+" ("+sqlq.QuoteIdent(col)+")") {
				privs = append(privs, gr.Privilege+" ("+sqlq.QuoteIdent(col)+")")
			}
		}
		p.add(Statement{prio: prioGrant, ID: stmtID(prioGrant, "acl "+tt.id, "3 column "+sqlq.QuoteIdent(col)+" 0 revoke "+roleSQL(g)),
			SQL:      "REVOKE " + strings.Join(privs, ", ") + " ON " + tt.grant + " FROM " + roleSQL(g),
			Requires: []model.ObjectRef{tt.ref, colRef(t.QName, col)}})
	}
	idx := p.built(func() { p.b.columnGrants(tt, col, to) })
	for _, i := range idx {
		p.b.stmts[i].Requires = append(p.b.stmts[i].Requires, colRef(t.QName, col))
	}
}
