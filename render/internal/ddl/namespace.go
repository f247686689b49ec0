package ddl

import (
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// namespaces creates the schemas. A fresh database already has public, so
// public gets only its comment, owner and grants; its comment is set even
// when the model has none, as a fresh public carries "standard public
// schema" and the source did not.
func (b *Builder) namespaces() {
	for _, n := range b.s.Namespaces {
		b.Namespace(n, n.Name == "public")
	}
}

func NamespaceTarget(n string) Target {
	name := sqlq.QuoteIdent(n)
	return Target{Ref: NamespaceRef(n), ID: "schema " + name, Comment: "SCHEMA " + name, Alter: "SCHEMA " + name, Grant: "SCHEMA " + name}
}

// Namespace creates a schema with its comment, owner and grants; exists
// says the database has it already (as a fresh one has public), so that
// only its comment, owner and grants are set.
func (b *Builder) Namespace(n model.Namespace, exists bool) {
	t := NamespaceTarget(n.Name)
	if exists {
		if b.opts.Comments && n.Comment == "" {
			b.CommentOn(t.Ref, "comment "+t.ID, t.Comment, "NULL")
		}
	} else {
		b.add(Statement{
			ID:       StmtID(PrioSchema, t.ID),
			Priority: PrioSchema,
			SQL:      "CREATE SCHEMA " + sqlq.QuoteIdent(n.Name),
			Provides: []model.ObjectRef{t.Ref},
		})
	}
	b.comment(t, n.Comment)
	b.Owner(t, n.Owner)
	b.Grants(t, n.Owner, n.Grants)
}

// Extension creates an extension in its schema at its version. IF NOT
// EXISTS lets the script run where the extension is already there, as
// plpgsql is in every fresh database.
func (b *Builder) Extension(e model.Extension) {
	ref := model.ObjectRef{Kind: model.KindExtension, Name: e.Name}
	name := sqlq.QuoteIdent(e.Name)
	sql := "CREATE EXTENSION IF NOT EXISTS " + name
	var req []model.ObjectRef
	if e.Schema != "" {
		sql += " WITH SCHEMA " + sqlq.QuoteIdent(e.Schema)
		req = append(req, NamespaceRef(e.Schema))
	}
	if e.Version != "" {
		sql += " VERSION " + sqlq.Literal(e.Version)
	}
	t := Target{Ref: ref, ID: "extension " + name, Comment: "EXTENSION " + name}
	b.add(Statement{Priority: PrioExtension, ID: StmtID(PrioExtension, t.ID), SQL: sql, Provides: []model.ObjectRef{ref}, Requires: req})
	b.comment(t, e.Comment)
}

// Collation creates a collation from its provider and locale.
func (b *Builder) Collation(c model.Collation) {
	ref := model.ObjectRef{Kind: model.KindCollation, Schema: c.Schema, Name: c.Name}
	name := QNameSQL(c.QName)
	t := Target{Ref: ref, ID: "collation " + name, Comment: "COLLATION " + name, Alter: "COLLATION " + name}
	var opts []string
	switch c.Provider {
	case "c":
		opts = append(opts, "provider = libc")
	case "i":
		opts = append(opts, "provider = icu")
	case "b":
		opts = append(opts, "provider = builtin")
	case "d", "":
	default:
		b.Errorf(t.ID, "unknown collation provider %q", c.Provider)
		return
	}
	switch {
	case c.Locale != "":
		opts = append(opts, "locale = "+sqlq.Literal(c.Locale))
	case c.LcCollate == c.LcCtype && c.LcCollate != "":
		opts = append(opts, "locale = "+sqlq.Literal(c.LcCollate))
	default:
		if c.LcCollate != "" {
			opts = append(opts, "lc_collate = "+sqlq.Literal(c.LcCollate))
		}
		if c.LcCtype != "" {
			opts = append(opts, "lc_ctype = "+sqlq.Literal(c.LcCtype))
		}
	}
	if !c.Deterministic {
		opts = append(opts, "deterministic = false")
	}
	b.add(Statement{
		ID:       StmtID(PrioCollation, t.ID),
		Priority: PrioCollation,
		SQL:      "CREATE COLLATION " + name + " (" + strings.Join(opts, ", ") + ")",
		Provides: []model.ObjectRef{ref},
		Requires: []model.ObjectRef{NamespaceRef(c.Schema)},
	})
	b.comment(t, c.Comment)
	b.Owner(t, c.Owner)
}
