package render

import (
	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// statisticsChange creates, drops or alters an extended statistics object.
// A new definition is a drop and a create (split in expand); the target,
// comment and owner change in place.
func (p *planner) statisticsChange(c *diff.ObjectChange[model.Statistics]) {
	switch c.Operation {
	case diff.Create:
		p.b.Statistics(c.To)
	case diff.Drop:
		t := ddl.StatisticsTarget(c.From.QName)
		p.drop(dropStmt{ref: t.Ref, kindPrio: ddl.PrioStatistics, sql: "DROP STATISTICS " + ddl.QNameSQL(c.From.QName)})
	case diff.Alter:
		t := ddl.StatisticsTarget(c.To.QName)
		if !sameTarget(c.From.Target, c.To.Target) {
			p.b.StatisticsTargetStmt(t, c.To.Target)
		}
		p.commentChange(t, c.From.Comment, c.To.Comment)
		p.ownerChange(t, c.From.Owner, c.To.Owner)
	}
}

func sameTarget(a, b *int) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// statisticsSplit reports whether an alter of statistics must drop and
// create them: PostgreSQL alters only the target, comment, owner, name and
// schema in place, and the name and schema are the object's key here.
func statisticsSplit(f, t *model.Statistics) bool {
	return !sameExcept(f, t, func(o *model.Statistics) { o.Target, o.Comment, o.Owner, o.Deps = nil, "", "", nil })
}

// statisticsKind returns the rules of model.Statistics: see statisticsSplit.
func statisticsKind() objectKind[model.Statistics] {
	return objectKind[model.Statistics]{
		change:  (*planner).statisticsChange,
		inPlace: func(_ *planner, c *diff.ObjectChange[model.Statistics]) bool { return !statisticsSplit(c.From, c.To) },
	}
}
