package render

import (
	"errors"
	"strconv"
	"strings"

	"github.com/retortdb/retort/internal/sqltext"
	"github.com/retortdb/retort/model"
)

// statisticsTarget names an extended statistics object in statements.
func statisticsTarget(q model.QName) target {
	name := qnameSQL(q)
	return target{ref: statisticsRef(q), id: "statistics " + name, comment: "STATISTICS " + name, alter: "STATISTICS " + name}
}

func statisticsRef(q model.QName) model.ObjectRef {
	return model.ObjectRef{Kind: model.KindStatistics, Schema: q.Schema, Name: q.Name}
}

// statistics creates an extended statistics object from its definition,
// then sets its target, comment and owner.
func (b *builder) statistics(st *model.Statistics) {
	t := statisticsTarget(st.QName)
	def, err := statisticsDef(st)
	if err != nil {
		b.errorf(t.id, "%v", err)
		return
	}
	rel := tableRef(st.Table)
	if b.tables[st.Table] == nil {
		// On a materialized view.
		for i := range b.s.Views {
			if b.s.Views[i].QName == st.Table {
				rel = viewRefOf(&b.s.Views[i])
			}
		}
	}
	b.add(Statement{
		ID:       stmtID(prioStatistics, t.id),
		prio:     prioStatistics,
		SQL:      def,
		Provides: []model.ObjectRef{t.ref},
		Requires: append([]model.ObjectRef{rel, nsRef(st.Schema)}, st.Deps...),
	})
	if st.Target != nil {
		b.statisticsTargetStmt(t, st.Target)
	}
	b.comment(t, st.Comment)
	b.owner(t, st.Owner)
}

// statisticsTargetStmt sets the statistics target; nil sets it back to the
// default, which -1 means on every version.
func (b *builder) statisticsTargetStmt(t target, n *int) {
	v := -1
	if n != nil {
		v = *n
	}
	b.add(Statement{
		ID:       stmtID(prioStatistics, t.id, "target"),
		prio:     prioStatistics,
		SQL:      "ALTER " + t.alter + " SET STATISTICS " + strconv.Itoa(v),
		Requires: []model.ObjectRef{t.ref},
	})
}

// statisticsDef is the object's CREATE STATISTICS: pg_get_statisticsobjdef's
// text, as the model keeps it.
func statisticsDef(st *model.Statistics) (string, error) {
	def := strings.TrimSpace(st.Definition)
	if !strings.HasPrefix(def, "CREATE STATISTICS ") {
		return "", errors.New("definition is not a CREATE STATISTICS statement")
	}
	return def, nil
}

// statisticsUses reports whether a statistics definition names one of
// cols, as a column or inside an expression, between ON and FROM. A name
// that only looks like a column (a function's, say) counts too: the cost
// of a false match is a drop and create of statistics that did not need it.
func statisticsUses(def string, cols map[string]bool) bool {
	on := sqltext.IndexUnquoted(def, " ON ")
	from := strings.LastIndex(def, " FROM ")
	if on < 0 || from < on {
		return true
	}
	s := def[on+len(" ON ") : from]
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '\'':
			_, rest, ok := sqltext.Literal(s[i:])
			if !ok {
				return true
			}
			i = len(s) - len(rest)
		case c == '"' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
			parts, rest, ok := sqltext.PrintedIdents(s[i:])
			if !ok {
				// A bare word PostgreSQL would quote is a keyword.
				j := i + 1
				for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9' || s[j] >= 0x80) {
					j++
				}
				i = j
				continue
			}
			for _, p := range parts {
				if cols[p] {
					return true
				}
			}
			i = len(s) - len(rest)
		default:
			i++
		}
	}
	return false
}
