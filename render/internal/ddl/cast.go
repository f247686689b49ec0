package ddl

import "github.com/retortdb/retort/model"

// Cast creates a user-defined cast.
func (b *Builder) Cast(c *model.Cast) {
	pair := "(" + c.Source + " AS " + c.Target + ")"
	ref := model.ObjectRef{Kind: model.KindCast, Name: c.Key()}
	t := Target{Ref: ref, ID: "cast " + pair, Comment: "CAST " + pair}
	req := append([]model.ObjectRef{}, c.Deps...)
	req = append(req, TypeAndCollationRefs(c.Source, "")...)
	req = append(req, TypeAndCollationRefs(c.Target, "")...)
	sql := "CREATE CAST " + pair
	switch c.Method {
	case "f":
		if c.Function == "" {
			b.Errorf(t.ID, "function cast without a function")
			return
		}
		sql += " WITH FUNCTION " + c.Function
		req = append(req, b.routineRefs(c.Function)...)
	case "b":
		sql += " WITHOUT FUNCTION"
	case "i":
		sql += " WITH INOUT"
	default:
		b.Errorf(t.ID, "unknown cast method %q", c.Method)
		return
	}
	switch c.Context {
	case "e", "":
	case "a":
		sql += " AS ASSIGNMENT"
	case "i":
		sql += " AS IMPLICIT"
	default:
		b.Errorf(t.ID, "unknown cast context %q", c.Context)
		return
	}
	b.add(Statement{Priority: PrioCast, ID: StmtID(PrioCast, t.ID), SQL: sql, Provides: []model.ObjectRef{ref}, Requires: req})
	b.comment(t, c.Comment)
}
