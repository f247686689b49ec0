package ddl

import (
	"errors"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/internal/sqltext"
	"github.com/retortdb/retort/model"
)

// Index creates an index of a table or materialized view (owner), and
// attaches it to its parent's index when it is a partition's.
func (b *Builder) Index(owner model.QName, ownerRef model.ObjectRef, partitioned bool, ix *model.Index) {
	name := sqlq.Qualified(owner.Schema, ix.Name)
	ref := IndexRef(owner.Schema, ix.Name, owner.Name)
	id := "index " + name
	def, err := indexDef(owner, partitioned, ix)
	if err != nil {
		b.Errorf(id, "%v", err)
		return
	}
	req := append([]model.ObjectRef{ownerRef}, ix.Deps...)
	if partitioned {
		// A partition created after an index of its parent gets a copy of
		// it, which the partition's own index would then duplicate.
		req = append(req, b.Descendants(owner)...)
	}
	b.add(Statement{Priority: PrioIndex, ID: StmtID(PrioIndex, id), SQL: def, Provides: []model.ObjectRef{ref}, Requires: req})
	if ix.ParentIndex != nil {
		b.AttachIndex(*ix.ParentIndex, owner, ix.Name, ref)
	}
	if b.opts.Comments && ix.Comment != "" {
		b.CommentOn(ref, "comment "+id, "INDEX "+name, sqlq.Literal(ix.Comment))
	}
}

// indexDef is the index's CREATE INDEX: pg_get_indexdef's text, which
// leaves out the tablespace, with the tablespace put back; or, for a
// hand-written model without one, a statement built from the fields.
func indexDef(owner model.QName, partitioned bool, ix *model.Index) (string, error) {
	if def := strings.TrimSpace(ix.Definition); def != "" {
		if !strings.HasPrefix(def, "CREATE ") {
			return "", errors.New("definition is not a CREATE INDEX statement")
		}
		if ix.Tablespace == "" {
			return def, nil
		}
		ts := " TABLESPACE " + sqlq.QuoteIdent(ix.Tablespace)
		if i := IndexTopLevel(def, " WHERE "); i >= 0 {
			return def[:i] + ts + def[i:], nil
		}
		return def + ts, nil
	}
	if len(ix.Keys) == 0 {
		return "", errors.New("no definition and no keys")
	}
	var with string
	if len(ix.Options) > 0 {
		opts, err := OptionList(ix.Options, "=")
		if err != nil {
			return "", err
		}
		with = opts
	}
	return sqltext.Index{
		Name: ix.Name, Unique: ix.Unique, Only: partitioned, Schema: owner.Schema, Table: owner.Name,
		Method: ix.Method, Keys: ix.Keys, Include: ix.Include, NullsNotDistinct: ix.NullsNotDistinct,
		With: with, Tablespace: ix.Tablespace, Predicate: ix.Predicate,
	}.String(), nil
}
