package introspect

import (
	"context"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/retortdb/retort/model"
)

// pgStatisticExt is pg_statistic_ext's oid, fixed in PostgreSQL's catalog
// headers.
const pgStatisticExt uint32 = 3381

// statistics reads extended statistics objects on inspected tables and
// materialized views.
func (in *inspector) statistics(ctx context.Context) error {
	var r struct {
		oid, rel                 uint32
		schema, name, definition string
		target                   pgtype.Int4
		owner                    string
		comment                  text
	}
	in.statsIdx = map[uint32]int{}
	return in.each(ctx, "statistics", []any{in.nsps, in.leftOutOf(pgStatisticExt)},
		[]any{&r.oid, &r.rel, &r.schema, &r.name, &r.definition, &r.target, &r.owner, &r.comment},
		func() error {
			table, ok := in.relName(r.rel)
			if !ok {
				return nil
			}
			st := model.Statistics{
				QName:      model.QName{Schema: r.schema, Name: r.name},
				Table:      table,
				Definition: r.definition,
				Owner:      r.owner,
				Comment:    r.comment.String,
			}
			if r.target.Valid {
				n := int(r.target.Int32)
				st.Target = &n
			}
			in.statsIdx[r.oid] = len(in.s.Statistics)
			in.s.Statistics = append(in.s.Statistics, st)
			return nil
		})
}
