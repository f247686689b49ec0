package render

import (
	"reflect"
	"slices"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// commentChange sets or clears an object's comment.
func (p *planner) commentChange(t ddl.Target, from, to string) {
	if from == to || !p.opts.Comments || t.Comment == "" {
		return
	}
	value := "NULL"
	if to != "" {
		value = sqlq.Literal(to)
	}
	p.b.CommentOn(t.Ref, "comment "+t.ID, t.Comment, value)
}

// ownerChange gives an object its new owner.
func (p *planner) ownerChange(t ddl.Target, from, to string) {
	if from == to || to == "" || !p.opts.Owners || t.Alter == "" {
		return
	}
	p.b.Owner(t, to)
}

// grantChange turns an object's ACL into another: every grantee of the old
// one loses its privileges, then the new one is granted as a created
// object's is. An empty new ACL is PostgreSQL's default: the owner's
// privileges, and those that PUBLIC has by default on functions and types.
func (p *planner) grantChange(t ddl.Target, fromOwner, toOwner string, from, to []model.Grant) {
	if !p.opts.Privileges || t.Grant == "" || reflect.DeepEqual(from, to) && fromOwner == toOwner {
		return
	}
	req := []model.ObjectRef{t.Ref}
	var grantees []string
	for _, g := range from {
		if !slices.Contains(grantees, g.Grantee) {
			grantees = append(grantees, g.Grantee)
		}
	}
	for _, g := range grantees {
		p.add(Statement{Priority: ddl.PrioGrant, ID: ddl.StmtID(ddl.PrioGrant, "acl "+t.ID, "0 revoke old "+ddl.RoleSQL(g)),
			SQL: "REVOKE ALL ON " + t.Grant + " FROM " + ddl.RoleSQL(g), Requires: req})
	}
	if len(to) > 0 {
		p.b.Grants(t, toOwner, to)
		return
	}
	owner := "CURRENT_USER"
	if p.opts.Owners && toOwner != "" {
		owner = sqlq.QuoteIdent(toOwner)
	}
	p.add(Statement{Priority: ddl.PrioGrant, ID: ddl.StmtID(ddl.PrioGrant, "acl "+t.ID, "1 default owner"),
		SQL: "GRANT ALL ON " + t.Grant + " TO " + owner, Requires: req})
	var public string
	switch t.Ref.Kind {
	case model.KindFunction, model.KindAggregate: // functions, procedures, aggregates
		public = "EXECUTE"
	case model.KindType: // types and domains
		public = "USAGE"
	}
	if public != "" {
		p.add(Statement{Priority: ddl.PrioGrant, ID: ddl.StmtID(ddl.PrioGrant, "acl "+t.ID, "2 default public"),
			SQL: "GRANT " + public + " ON " + t.Grant + " TO PUBLIC", Requires: req})
	}
}

// columnGrantChange turns a column's privileges into another's.
func (p *planner) columnGrantChange(t *model.Table, col string, from, to []model.Grant) {
	if !p.opts.Privileges || reflect.DeepEqual(from, to) {
		return
	}
	tt := ddl.TableTarget(t)
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
		p.add(Statement{Priority: ddl.PrioGrant, ID: ddl.StmtID(ddl.PrioGrant, "acl "+tt.ID, "3 column "+sqlq.QuoteIdent(col)+" 0 revoke "+ddl.RoleSQL(g)),
			SQL:      "REVOKE " + strings.Join(privs, ", ") + " ON " + tt.Grant + " FROM " + ddl.RoleSQL(g),
			Requires: []model.ObjectRef{tt.Ref, colRef(t.QName, col)}})
	}
	idx := p.built(func() { p.b.ColumnGrants(tt, col, to) })
	for _, i := range idx {
		p.b.Stmt(i).Requires = append(p.b.Stmt(i).Requires, colRef(t.QName, col))
	}
}
