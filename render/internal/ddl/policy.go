package ddl

import (
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

var policyCommands = map[string]bool{"ALL": true, "SELECT": true, "INSERT": true, "UPDATE": true, "DELETE": true}

// Policy creates a row-level security policy. The table's ENABLE and FORCE
// ROW LEVEL SECURITY come with the table.
func (b *Builder) Policy(p *model.Policy) {
	table := QNameSQL(p.Table)
	name := sqlq.QuoteIdent(p.Name)
	ref := model.ObjectRef{Kind: model.KindPolicy, Schema: p.Table.Schema, Table: p.Table.Name, Name: p.Name}
	id := "policy " + table + " " + name
	var sb strings.Builder
	sb.WriteString("CREATE POLICY " + name + " ON " + table)
	if p.Permissive {
		sb.WriteString("\n    AS PERMISSIVE")
	} else {
		sb.WriteString("\n    AS RESTRICTIVE")
	}
	cmd := strings.ToUpper(p.Command)
	if cmd == "" {
		cmd = "ALL"
	}
	if !policyCommands[cmd] {
		b.Errorf(id, "unknown command %q", p.Command)
		return
	}
	sb.WriteString("\n    FOR " + cmd)
	if len(p.Roles) > 0 {
		var roles []string
		for _, r := range p.Roles {
			roles = append(roles, RoleSQL(r))
		}
		sb.WriteString("\n    TO " + strings.Join(roles, ", "))
	}
	if p.Using != "" {
		sb.WriteString("\n    USING (" + p.Using + ")")
	}
	if p.WithCheck != "" {
		sb.WriteString("\n    WITH CHECK (" + p.WithCheck + ")")
	}
	b.add(Statement{
		ID:       StmtID(PrioPolicy, id),
		Priority: PrioPolicy,
		SQL:      sb.String(),
		Provides: []model.ObjectRef{ref},
		Requires: append([]model.ObjectRef{TableRef(p.Table)}, p.Deps...),
	})
	if b.opts.Comments && p.Comment != "" {
		b.CommentOn(ref, "comment "+id, "POLICY "+name+" ON "+table, sqlq.Literal(p.Comment))
	}
}
