package render

import "github.com/retortdb/retort/model"

// cast creates a user-defined cast.
func (b *builder) cast(c *model.Cast) {
	pair := "(" + c.Source + " AS " + c.Target + ")"
	ref := model.ObjectRef{Kind: model.KindCast, Name: c.Key()}
	t := target{ref: ref, id: "cast " + pair, comment: "CAST " + pair}
	req := append([]model.ObjectRef{}, c.Deps...)
	req = append(req, typeAndCollationRefs(c.Source, "")...)
	req = append(req, typeAndCollationRefs(c.Target, "")...)
	sql := "CREATE CAST " + pair
	switch c.Method {
	case "f":
		if c.Function == "" {
			b.errorf(t.id, "function cast without a function")
			return
		}
		sql += " WITH FUNCTION " + c.Function
		req = append(req, b.routineRefs(c.Function)...)
	case "b":
		sql += " WITHOUT FUNCTION"
	case "i":
		sql += " WITH INOUT"
	default:
		b.errorf(t.id, "unknown cast method %q", c.Method)
		return
	}
	switch c.Context {
	case "e", "":
	case "a":
		sql += " AS ASSIGNMENT"
	case "i":
		sql += " AS IMPLICIT"
	default:
		b.errorf(t.id, "unknown cast context %q", c.Context)
		return
	}
	b.add(Statement{prio: prioCast, ID: stmtID(prioCast, t.id), SQL: sql, Provides: []model.ObjectRef{ref}, Requires: req})
	b.comment(t, c.Comment)
}
