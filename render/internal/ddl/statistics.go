package ddl

import (
	"errors"
	"strconv"
	"strings"

	"github.com/retortdb/retort/internal/sqltext"
	"github.com/retortdb/retort/model"
)

// StatisticsTarget names an extended statistics object in statements.
func StatisticsTarget(q model.QName) Target {
	name := QNameSQL(q)
	return Target{Ref: StatisticsRef(q), ID: "statistics " + name, Comment: "STATISTICS " + name, Alter: "STATISTICS " + name}
}

func StatisticsRef(q model.QName) model.ObjectRef {
	return model.ObjectRef{Kind: model.KindStatistics, Schema: q.Schema, Name: q.Name}
}

// Statistics creates an extended statistics object from its definition,
// then sets its target, comment and owner.
func (b *Builder) Statistics(st *model.Statistics) {
	t := StatisticsTarget(st.QName)
	def, err := statisticsDef(st)
	if err != nil {
		b.Errorf(t.ID, "%v", err)
		return
	}
	rel := TableRef(st.Table)
	if b.tables[st.Table] == nil {
		// On a materialized view.
		for i := range b.s.Views {
			if b.s.Views[i].QName == st.Table {
				rel = ViewRefOf(&b.s.Views[i])
			}
		}
	}
	b.add(Statement{
		ID:       StmtID(PrioStatistics, t.ID),
		Priority: PrioStatistics,
		SQL:      def,
		Provides: []model.ObjectRef{t.Ref},
		Requires: append([]model.ObjectRef{rel, NamespaceRef(st.Schema)}, st.Deps...),
	})
	if st.Target != nil {
		b.StatisticsTargetStmt(t, st.Target)
	}
	b.comment(t, st.Comment)
	b.Owner(t, st.Owner)
}

// StatisticsTargetStmt sets the statistics target; nil sets it back to the
// default, which -1 means on every version.
func (b *Builder) StatisticsTargetStmt(t Target, n *int) {
	v := -1
	if n != nil {
		v = *n
	}
	b.add(Statement{
		ID:       StmtID(PrioStatistics, t.ID, "target"),
		Priority: PrioStatistics,
		SQL:      "ALTER " + t.Alter + " SET STATISTICS " + strconv.Itoa(v),
		Requires: []model.ObjectRef{t.Ref},
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

// StatisticsUses reports whether a statistics definition names one of
// cols, as a column or inside an expression, between ON and FROM. A name
// that only looks like a column (a function's, say) counts too: the cost
// of a false match is a drop and create of statistics that did not need it.
func StatisticsUses(def string, cols map[string]bool) bool {
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
