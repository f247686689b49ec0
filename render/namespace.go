package render

import (
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// namespaces creates the schemas. A fresh database already has public, so
// public gets only its comment, owner and grants; its comment is set even
// when the model has none, as a fresh public carries "standard public
// schema" and the source did not.
func (b *builder) namespaces() {
	for _, n := range b.s.Namespaces {
		b.namespace(n, n.Name == "public")
	}
}

func namespaceTarget(n string) target {
	name := sqlq.QuoteIdent(n)
	return target{ref: nsRef(n), id: "schema " + name, comment: "SCHEMA " + name, alter: "SCHEMA " + name, grant: "SCHEMA " + name}
}

// namespace creates a schema with its comment, owner and grants; exists
// says the database has it already (as a fresh one has public), so that
// only its comment, owner and grants are set.
func (b *builder) namespace(n model.Namespace, exists bool) {
	t := namespaceTarget(n.Name)
	if exists {
		if b.opts.Comments && n.Comment == "" {
			b.commentOn(t.ref, "comment "+t.id, t.comment, "NULL")
		}
	} else {
		b.add(Statement{
			ID:       stmtID(prioSchema, t.id),
			prio:     prioSchema,
			SQL:      "CREATE SCHEMA " + sqlq.QuoteIdent(n.Name),
			Provides: []model.ObjectRef{t.ref},
		})
	}
	b.comment(t, n.Comment)
	b.owner(t, n.Owner)
	b.grants(t, n.Owner, n.Grants)
}

// extension creates an extension in its schema at its version. IF NOT
// EXISTS lets the script run where the extension is already there, as
// plpgsql is in every fresh database.
func (b *builder) extension(e model.Extension) {
	ref := model.ObjectRef{Kind: model.KindExtension, Name: e.Name}
	name := sqlq.QuoteIdent(e.Name)
	sql := "CREATE EXTENSION IF NOT EXISTS " + name
	var req []model.ObjectRef
	if e.Schema != "" {
		sql += " WITH SCHEMA " + sqlq.QuoteIdent(e.Schema)
		req = append(req, nsRef(e.Schema))
	}
	if e.Version != "" {
		sql += " VERSION " + sqlq.Literal(e.Version)
	}
	t := target{ref: ref, id: "extension " + name, comment: "EXTENSION " + name}
	b.add(Statement{prio: prioExtension, ID: stmtID(prioExtension, t.id), SQL: sql, Provides: []model.ObjectRef{ref}, Requires: req})
	b.comment(t, e.Comment)
}

// collation creates a collation from its provider and locale.
func (b *builder) collation(c model.Collation) {
	ref := model.ObjectRef{Kind: model.KindCollation, Schema: c.Schema, Name: c.Name}
	name := qnameSQL(c.QName)
	t := target{ref: ref, id: "collation " + name, comment: "COLLATION " + name, alter: "COLLATION " + name}
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
		b.errorf(t.id, "unknown collation provider %q", c.Provider)
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
		ID:       stmtID(prioCollation, t.id),
		prio:     prioCollation,
		SQL:      "CREATE COLLATION " + name + " (" + strings.Join(opts, ", ") + ")",
		Provides: []model.ObjectRef{ref},
		Requires: []model.ObjectRef{nsRef(c.Schema)},
	})
	b.comment(t, c.Comment)
	b.owner(t, c.Owner)
}
