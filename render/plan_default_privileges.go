package render

import (
	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/model"
)

// defaultPrivilegesChange undoes the old default privileges and sets the
// new ones. The undoing releases them, so that a schema they name is
// dropped only after; the setting waits for the undoing.
func (p *planner) defaultPrivilegesChange(c *diff.ObjectChange[model.DefaultPrivileges]) {
	d := c.To
	if d == nil {
		d = c.From
	}
	ref := defaultPrivilegesRef(d)
	id := func(step string, i int) string {
		return stmtID(prioGrant, "default privileges", d.Role, d.Schema, d.ObjectType, step, string(rune('a'+i)))
	}
	if c.From != nil {
		for i, sql := range defaultPrivilegesReset(c.From) {
			p.add(Statement{prio: prioGrant, ID: id("0 reset", i), SQL: sql, provTokens: []token{released(ref), freed(ref)}})
		}
	}
	if c.To != nil {
		var req []model.ObjectRef
		if d.Schema != "" {
			req = append(req, nsRef(d.Schema))
		}
		for i, sql := range defaultPrivilegesSet(c.To) {
			p.add(Statement{prio: prioGrant, ID: id("1 set", i), SQL: sql, Provides: []model.ObjectRef{ref}, Requires: req,
				reqTokens: []token{freed(ref)}})
		}
	}
}
