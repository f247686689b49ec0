package ddl

import (
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

func ViewTarget(v *model.View) Target {
	name := QNameSQL(v.QName)
	kind, ref := "VIEW", model.ObjectRef{Kind: model.KindView, Schema: v.Schema, Name: v.Name}
	if v.Materialized {
		kind, ref.Kind = "MATERIALIZED VIEW", model.KindMaterializedView
	}
	return Target{Ref: ref, ID: strings.ToLower(kind) + " " + name, Comment: kind + " " + name, Alter: kind + " " + name, Grant: "TABLE " + name}
}

// View creates a view or materialized view, with its column defaults,
// indexes, comments, owner and grants. A view that reads itself, or that a
// cycle runs through, is created as a placeholder with its columns first
// and replaced with its query once what it reads exists.
func (b *Builder) View(v *model.View) {
	t := ViewTarget(v)
	if v.Definition == "" {
		b.Errorf(t.ID, "no definition")
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
		st := b.ViewCreate(v, t, false)
		b.add(st)
		b.breakers[st.ID] = func(func(model.ObjectRef) bool) []Statement { return b.viewPlaceholder(v, t) }
	}
	for _, c := range v.Columns {
		if c.Default == "" || v.Materialized {
			continue
		}
		col := sqlq.QuoteIdent(c.Name)
		b.add(Statement{
			ID:       StmtID(PrioDefault, "default", t.ID, col),
			Priority: PrioDefault,
			SQL:      "ALTER VIEW " + QNameSQL(v.QName) + " ALTER COLUMN " + col + " SET DEFAULT " + c.Default,
			Requires: append([]model.ObjectRef{t.Ref}, SequenceRefs(c.Default)...),
		})
	}
	for i := range v.Indexes {
		b.Index(v.QName, t.Ref, false, &v.Indexes[i])
	}
	b.comment(t, v.Comment)
	for _, c := range v.Columns {
		if b.opts.Comments && c.Comment != "" {
			b.CommentOn(t.Ref, "comment "+t.ID+" column "+sqlq.QuoteIdent(c.Name),
				"COLUMN "+QNameSQL(v.QName)+"."+sqlq.QuoteIdent(c.Name), sqlq.Literal(c.Comment))
		}
	}
	b.Owner(t, v.Owner)
	b.Grants(t, v.Owner, v.Grants)
	for _, c := range v.Columns {
		b.ColumnGrants(t, c.Name, c.Grants)
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

// ViewCreate is CREATE VIEW, or with replace the CREATE OR REPLACE VIEW
// that gives a placeholder its query.
func (b *Builder) ViewCreate(v *model.View, t Target, replace bool) Statement {
	opts, check := viewOptions(v)
	var sb strings.Builder
	sb.WriteString("CREATE ")
	if replace {
		sb.WriteString("OR REPLACE ")
	}
	sb.WriteString("VIEW " + QNameSQL(v.QName))
	if len(opts) > 0 {
		list, err := OptionList(opts, "=")
		if err != nil {
			b.Errorf(t.ID, "%v", err)
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
		b.Errorf(t.ID, "unknown check option %q", check)
	}
	st := Statement{
		ID:       StmtID(PrioView, t.ID),
		Priority: PrioView,
		SQL:      sb.String(),
		Provides: []model.ObjectRef{t.Ref},
		Requires: append([]model.ObjectRef{NamespaceRef(v.Schema)}, v.Deps...),
	}
	if replace {
		// The placeholder provides the view; the replacement only needs it.
		st.ID = StmtID(PrioView, t.ID, "query")
		st.Provides = nil
		st.Requires = append(st.Requires, t.Ref)
	}
	return st
}

// viewPlaceholder is pg_dump's way out of a cycle through a view: a view
// with the same columns and no dependencies but their types, then the real
// query.
func (b *Builder) viewPlaceholder(v *model.View, t Target) []Statement {
	sql, req := PlaceholderQuery(v)
	return []Statement{
		{
			ID:       StmtID(PrioView, t.ID),
			Priority: PrioView,
			SQL:      "CREATE VIEW " + QNameSQL(v.QName) + " AS\n" + sql,
			Provides: []model.ObjectRef{t.Ref},
			Requires: append([]model.ObjectRef{NamespaceRef(v.Schema)}, req...),
		},
		b.ViewCreate(v, t, true),
	}
}

// PlaceholderQuery is a query with the columns of view v that reads
// nothing, and the types and collations it needs.
func PlaceholderQuery(v *model.View) (string, []model.ObjectRef) {
	var req []model.ObjectRef
	var cols []string
	for _, c := range v.Columns {
		col := "NULL::" + c.Type
		if c.Collation != "" {
			col += " COLLATE " + NameText(c.Collation)
		}
		cols = append(cols, col+" AS "+sqlq.QuoteIdent(c.Name))
		req = append(req, TypeAndCollationRefs(c.Type, c.Collation)...)
	}
	return " SELECT " + strings.Join(cols, ",\n    "), req
}

// selfReferencing reports whether a view's query names the view itself,
// which its dependencies do not say (a view does not depend on itself in
// pg_depend's eyes). A false positive only costs a placeholder.
func selfReferencing(v *model.View) bool {
	name := QNameSQL(v.QName)
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
func (b *Builder) matviewCreate(v *model.View, t Target) Statement {
	var sb strings.Builder
	sb.WriteString("CREATE MATERIALIZED VIEW " + QNameSQL(v.QName))
	if len(v.Options) > 0 {
		list, err := OptionList(v.Options, "=")
		if err != nil {
			b.Errorf(t.ID, "%v", err)
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
		ID:       StmtID(PrioMatView, t.ID),
		Priority: PrioMatView,
		SQL:      sb.String(),
		Provides: []model.ObjectRef{t.Ref},
		Requires: append([]model.ObjectRef{NamespaceRef(v.Schema)}, v.Deps...),
	}
}

func ViewRefOf(v *model.View) model.ObjectRef {
	k := model.KindView
	if v.Materialized {
		k = model.KindMaterializedView
	}
	return model.ObjectRef{Kind: k, Schema: v.Schema, Name: v.Name}
}
