package render

import (
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

func viewTarget(v *model.View) target {
	name := qnameSQL(v.QName)
	kind, ref := "VIEW", model.ObjectRef{Kind: model.KindView, Schema: v.Schema, Name: v.Name}
	if v.Materialized {
		kind, ref.Kind = "MATERIALIZED VIEW", model.KindMaterializedView
	}
	return target{ref: ref, id: strings.ToLower(kind) + " " + name, comment: kind + " " + name, alter: kind + " " + name, grant: "TABLE " + name}
}

// view creates a view or materialized view, with its column defaults,
// indexes, comments, owner and grants. A view that reads itself, or that a
// cycle runs through, is created as a placeholder with its columns first
// and replaced with its query once what it reads exists.
func (b *builder) view(v *model.View) {
	t := viewTarget(v)
	if v.Definition == "" {
		b.errorf(t.id, "no definition")
		return
	}
	switch {
	case v.Materialized:
		b.add(b.matviewCreate(v, t))
	case selfReferencing(v):
		for _, st := range b.viewPlaceholder(v, t) {
			b.add(st)
		}
	default:
		st := b.viewCreate(v, t, false)
		b.add(st)
		b.breakers[st.ID] = func(func(model.ObjectRef) bool) []Statement { return b.viewPlaceholder(v, t) }
	}
	for _, c := range v.Columns {
		if c.Default == "" || v.Materialized {
			continue
		}
		col := sqlq.QuoteIdent(c.Name)
		b.add(Statement{
			ID:       stmtID(prioDefault, "default", t.id, col),
			prio:     prioDefault,
			SQL:      "ALTER VIEW " + qnameSQL(v.QName) + " ALTER COLUMN " + col + " SET DEFAULT " + c.Default,
			Requires: append([]model.ObjectRef{t.ref}, sequenceRefs(c.Default)...),
		})
	}
	for i := range v.Indexes {
		b.index(v.QName, t.ref, false, &v.Indexes[i])
	}
	b.comment(t, v.Comment)
	for _, c := range v.Columns {
		if b.opts.Comments && c.Comment != "" {
			b.commentOn(t.ref, "comment "+t.id+" column "+sqlq.QuoteIdent(c.Name),
				"COLUMN "+qnameSQL(v.QName)+"."+sqlq.QuoteIdent(c.Name), sqlq.Literal(c.Comment))
		}
	}
	b.owner(t, v.Owner)
	b.grants(t, v.Owner, v.Grants)
	for _, c := range v.Columns {
		b.columnGrants(t, c.Name, c.Grants)
	}
}

// viewBody is the view's query without the semicolon pg_get_viewdef ends
// it with, so that clauses can follow.
func viewBody(v *model.View) string {
	return strings.TrimRight(v.Definition, "; \t\r\n")
}

// viewOptions splits check_option out of a view's reloptions: it is
// written as WITH … CHECK OPTION.
func viewOptions(v *model.View) (opts []string, check string) {
	check = v.CheckOption
	for _, o := range v.Options {
		if k, val, _ := strings.Cut(o, "="); k == "check_option" {
			if check == "" {
				check = val
			}
			continue
		}
		opts = append(opts, o)
	}
	return opts, check
}

// viewCreate is CREATE VIEW, or with replace the CREATE OR REPLACE VIEW
// that gives a placeholder its query.
func (b *builder) viewCreate(v *model.View, t target, replace bool) Statement {
	opts, check := viewOptions(v)
	var sb strings.Builder
	sb.WriteString("CREATE ")
	if replace {
		sb.WriteString("OR REPLACE ")
	}
	sb.WriteString("VIEW " + qnameSQL(v.QName))
	if len(opts) > 0 {
		list, err := optionList(opts, "=")
		if err != nil {
			b.errorf(t.id, "%v", err)
		}
		sb.WriteString(" WITH (" + list + ")")
	}
	sb.WriteString(" AS\n" + viewBody(v))
	switch strings.ToLower(check) {
	case "":
	case "local":
		sb.WriteString("\n  WITH LOCAL CHECK OPTION")
	case "cascaded":
		sb.WriteString("\n  WITH CASCADED CHECK OPTION")
	default:
		b.errorf(t.id, "unknown check option %q", check)
	}
	st := Statement{
		ID:       stmtID(prioView, t.id),
		prio:     prioView,
		SQL:      sb.String(),
		Provides: []model.ObjectRef{t.ref},
		Requires: append([]model.ObjectRef{nsRef(v.Schema)}, v.Deps...),
	}
	if replace {
		// The placeholder provides the view; the replacement only needs it.
		st.ID = stmtID(prioView, t.id, "query")
		st.Provides = nil
		st.Requires = append(st.Requires, t.ref)
	}
	return st
}

// viewPlaceholder is pg_dump's way out of a cycle through a view: a view
// with the same columns and no dependencies but their types, then the real
// query.
func (b *builder) viewPlaceholder(v *model.View, t target) []Statement {
	sql, req := placeholderQuery(v)
	return []Statement{
		{
			ID:       stmtID(prioView, t.id),
			prio:     prioView,
			SQL:      "CREATE VIEW " + qnameSQL(v.QName) + " AS\n" + sql,
			Provides: []model.ObjectRef{t.ref},
			Requires: append([]model.ObjectRef{nsRef(v.Schema)}, req...),
		},
		b.viewCreate(v, t, true),
	}
}

// placeholderQuery is a query with the columns of view v that reads
// nothing, and the types and collations it needs.
func placeholderQuery(v *model.View) (string, []model.ObjectRef) {
	var req []model.ObjectRef
	var cols []string
	for _, c := range v.Columns {
		col := "NULL::" + c.Type
		if c.Collation != "" {
			col += " COLLATE " + nameText(c.Collation)
		}
		cols = append(cols, col+" AS "+sqlq.QuoteIdent(c.Name))
		req = append(req, typeAndCollationRefs(c.Type, c.Collation)...)
	}
	return " SELECT " + strings.Join(cols, ",\n    "), req
}

// selfReferencing reports whether a view's query names the view itself,
// which its dependencies do not say (a view does not depend on itself in
// pg_depend's eyes). A false positive only costs a placeholder.
func selfReferencing(v *model.View) bool {
	name := qnameSQL(v.QName)
	def := v.Definition
	for i := strings.Index(def, name); i >= 0; {
		end := i + len(name)
		before := i == 0 || !identByte(def[i-1]) && def[i-1] != '.' && def[i-1] != '"'
		after := end == len(def) || !identByte(def[end]) && def[end] != '"'
		if before && after {
			return true
		}
		j := strings.Index(def[i+1:], name)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

func identByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c >= 0x80
}

// matviewCreate is CREATE MATERIALIZED VIEW, populated or not as the
// model says.
func (b *builder) matviewCreate(v *model.View, t target) Statement {
	var sb strings.Builder
	sb.WriteString("CREATE MATERIALIZED VIEW " + qnameSQL(v.QName))
	if len(v.Options) > 0 {
		list, err := optionList(v.Options, "=")
		if err != nil {
			b.errorf(t.id, "%v", err)
		}
		sb.WriteString(" WITH (" + list + ")")
	}
	if v.Tablespace != "" {
		sb.WriteString(" TABLESPACE " + sqlq.QuoteIdent(v.Tablespace))
	}
	sb.WriteString(" AS\n" + viewBody(v))
	if v.WithNoData {
		sb.WriteString("\n  WITH NO DATA")
	} else {
		sb.WriteString("\n  WITH DATA")
	}
	return Statement{
		ID:       stmtID(prioMatView, t.id),
		prio:     prioMatView,
		SQL:      sb.String(),
		Provides: []model.ObjectRef{t.ref},
		Requires: append([]model.ObjectRef{nsRef(v.Schema)}, v.Deps...),
	}
}

func viewRefOf(v *model.View) model.ObjectRef {
	k := model.KindView
	if v.Materialized {
		k = model.KindMaterializedView
	}
	return model.ObjectRef{Kind: k, Schema: v.Schema, Name: v.Name}
}
