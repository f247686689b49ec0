package model

// KindStatistics is the kind of an extended statistics object.
const KindStatistics ObjectKind = "statistics"

// Statistics is an extended statistics object (CREATE STATISTICS,
// pg_statistic_ext) on one table's columns or expressions.
type Statistics struct {
	QName
	// Table is the table whose columns the statistics describe.
	Table QName `json:"table"`
	// Definition is pg_get_statisticsobjdef's text: the whole CREATE
	// STATISTICS statement, kept whole as index definitions are, since
	// PostgreSQL prints its kinds, columns and expressions canonically.
	Definition string `json:"definition"`
	// Target is the statistics target ALTER STATISTICS … SET STATISTICS set;
	// nil when it is the default (the columns' own targets).
	Target  *int        `json:"target,omitempty"`
	Owner   string      `json:"owner,omitempty"`
	Comment string      `json:"comment,omitempty"`
	Deps    []ObjectRef `json:"deps,omitempty"`
}
