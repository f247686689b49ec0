package introspect

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/retortdb/retort/model"
)

// types reads enums, domains, composite types and range types in one query.
// Domain checks come with the constraints, composite attributes with the
// columns.
func (in *inspector) types(ctx context.Context) error {
	var r struct {
		oid                          uint32
		schema, name, typtype, owner string
		comment                      text
		grants                       grantList
		labels                       []string
		base, domainCollation        text
		notNull                      bool
		def                          text
		typrelid                     uint32
		subtype, opclass, rngColl    text
		canonical, subdiff, multi    text
		multirange                   uint32
	}
	in.typeIdx = map[uint32]typeRef{}
	in.composites = map[uint32]int{}
	in.enumIdx = map[uint32]int{}
	in.multirange = map[uint32]uint32{}
	return in.each(ctx, "types", []any{in.nsps, in.leftOutOf(pgType)},
		[]any{&r.oid, &r.schema, &r.name, &r.typtype, &r.owner, &r.comment, &r.grants, &r.labels,
			&r.base, &r.domainCollation, &r.notNull, &r.def, &r.typrelid,
			&r.subtype, &r.opclass, &r.rngColl, &r.canonical, &r.subdiff, &r.multi, &r.multirange},
		func() error {
			q := model.QName{Schema: r.schema, Name: r.name}
			switch r.typtype {
			case "e":
				in.enumIdx[r.oid] = len(in.s.Enums)
				in.s.Enums = append(in.s.Enums, model.Enum{
					QName: q, Labels: r.labels, Owner: r.owner, Comment: r.comment.String, Grants: r.grants,
				})
			case "d":
				in.typeIdx[r.oid] = typeRef{'d', len(in.s.Domains)}
				in.s.Domains = append(in.s.Domains, model.Domain{
					QName:     q,
					Type:      r.base.String,
					Collation: r.domainCollation.String,
					NotNull:   r.notNull,
					Default:   r.def.String,
					Owner:     r.owner,
					Comment:   r.comment.String,
					Grants:    r.grants,
				})
			case "c":
				in.typeIdx[r.oid] = typeRef{'c', len(in.s.CompositeTypes)}
				in.composites[r.typrelid] = len(in.s.CompositeTypes)
				in.s.CompositeTypes = append(in.s.CompositeTypes, model.CompositeType{
					QName: q, Owner: r.owner, Comment: r.comment.String, Grants: r.grants,
				})
			case "r":
				in.typeIdx[r.oid] = typeRef{'r', len(in.s.RangeTypes)}
				rt := model.RangeType{
					QName:          q,
					Subtype:        r.subtype.String,
					SubtypeOpClass: r.opclass.String,
					Collation:      r.rngColl.String,
					Canonical:      r.canonical.String,
					SubtypeDiff:    r.subdiff.String,
					Owner:          r.owner,
					Comment:        r.comment.String,
					Grants:         r.grants,
				}
				if r.multirange != 0 {
					in.multirange[r.multirange] = r.oid
				}
				if r.multi.Valid && r.multi.String != defaultMultirangeName(r.name) {
					rt.Multirange = r.multi.String
				}
				in.s.RangeTypes = append(in.s.RangeTypes, rt)
			}
			return nil
		})
}

// defaultMultirangeName is the name CREATE TYPE … AS RANGE gives the
// multirange when none is named (makeMultirangeTypeName in PostgreSQL): "multi"
// before the first "range" in the name, or "_multirange" after it. Names that
// PostgreSQL had to truncate or make unique are reported as set.
func defaultMultirangeName(rangeName string) string {
	if i := strings.Index(rangeName, "range"); i >= 0 {
		return rangeName[:i] + "multi" + rangeName[i:]
	}
	return rangeName + "_multirange"
}

// sequences reads sequences. Identity sequences are kept aside for their
// columns; the others become model sequences, with OwnedBy for those a column
// owns (serial). Sequences owned by an ignored table are left out with it.
func (in *inspector) sequences(ctx context.Context) error {
	var r struct {
		oid                                uint32
		schema, name, typ                  string
		start, inc, min, max, cache        int64
		cycle, unlogged                    bool
		owner                              string
		comment                            text
		grants                             grantList
		owned                              text
		ownerTable                         pgtype.Uint32
		ownerAttnum                        pgtype.Int4
		ownerSchema, ownerName, ownerColum text
	}
	in.identity = map[colKey]*model.SequenceOptions{}
	in.seqIdx = map[uint32]int{}
	return in.each(ctx, "sequences", []any{in.nsps, in.leftOutOf(pgClass)},
		[]any{&r.oid, &r.schema, &r.name, &r.typ, &r.start, &r.inc, &r.min, &r.max, &r.cache, &r.cycle,
			&r.unlogged, &r.owner, &r.comment, &r.grants, &r.owned, &r.ownerTable, &r.ownerAttnum,
			&r.ownerSchema, &r.ownerName, &r.ownerColum},
		func() error {
			opts := model.SequenceOptions{
				Type: r.typ, Start: r.start, Increment: r.inc, Min: r.min, Max: r.max, Cache: r.cache, Cycle: r.cycle,
			}
			if r.owned.String == "i" {
				in.identity[colKey{r.ownerTable.Uint32, int16(r.ownerAttnum.Int32)}] = &opts
				return nil
			}
			if _, ignored := in.ignored[r.ownerTable.Uint32]; r.ownerTable.Valid && ignored {
				return nil
			}
			seq := model.Sequence{
				QName:           model.QName{Schema: r.schema, Name: r.name},
				SequenceOptions: opts,
				Unlogged:        r.unlogged,
				Owner:           r.owner,
				Comment:         r.comment.String,
				Grants:          r.grants,
			}
			if r.owned.String == "a" {
				seq.OwnedBy = &model.ColumnRef{
					Table:  model.QName{Schema: r.ownerSchema.String, Name: r.ownerName.String},
					Column: r.ownerColum.String,
				}
			}
			in.seqIdx[r.oid] = len(in.s.Sequences)
			in.s.Sequences = append(in.s.Sequences, seq)
			return nil
		})
}
