package render

import (
	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// defaultPrivilegesChange undoes the old default privileges and sets the
// new ones. The undoing releases them, so that a schema they name is
// dropped only after; the setting waits for the undoing.
func (p *planner) defaultPrivilegesChange(c *diff.ObjectChange[model.DefaultPrivileges]) {
	d := c.To
	if d == nil {
		d = c.From
	}
	ref := ddl.DefaultPrivilegesRef(d)
	id := func(step string, i int) string {
		return ddl.StmtID(ddl.PrioGrant, "default privileges", d.Role, d.Schema, d.ObjectType, step, string(rune('a'+i)))
	}
	if c.From != nil {
		for i, sql := range ddl.DefaultPrivilegesReset(c.From) {
			p.add(Statement{Priority: ddl.PrioGrant, ID: id("0 reset", i), SQL: sql, ProvTokens: []ddl.Token{released(ref), freed(ref)}})
		}
	}
	if c.To != nil {
		var req []model.ObjectRef
		if d.Schema != "" {
			req = append(req, ddl.NamespaceRef(d.Schema))
		}
		for i, sql := range ddl.DefaultPrivilegesSet(c.To) {
			p.add(Statement{Priority: ddl.PrioGrant, ID: id("1 set", i), SQL: sql, Provides: []model.ObjectRef{ref}, Requires: req,
				ReqTokens: []ddl.Token{freed(ref)}})
		}
	}
}

// defaultPrivilegesKind returns the rules of model.DefaultPrivileges: default
// privileges change in place.
func defaultPrivilegesKind() objectKind[model.DefaultPrivileges] {
	return objectKind[model.DefaultPrivileges]{
		change: (*planner).defaultPrivilegesChange,
	}
}
