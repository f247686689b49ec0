package gotag

import (
	"strings"

	"github.com/retortdb/retort/model/sqlddl"
)

// checkSQL reports the SQL texts of a table's tags (types, collations,
// defaults, generated expressions, checks and constraints, index keys and
// predicates) that are not exactly the one thing they claim to be, judged
// by PostgreSQL's grammar. They are written into DDL as they are: text that
// closed what is around it would add statements nobody declared. Every
// dialect's tags end up here, so retort's, GORM's and bun's are checked
// alike.
func (l *loader) checkSQL(t *tableSpec) {
	for _, c := range t.cols {
		if c.enum == nil && c.col.Type != "" {
			if err := sqlddl.CheckType(c.col.Type); err != nil {
				l.e.add(c.pos, c.tag, "column %s: type must be exactly one type name: %v", c.col.Name, err)
			}
		}
		// A bare collation is quoted as one name; one that is quoted or
		// qualified is written as it is, so it must be a name.
		if strings.ContainsAny(c.col.Collation, `".`) {
			if _, err := sqlddl.ParseName(c.col.Collation); err != nil {
				l.e.add(c.pos, c.tag, "column %s: collate must be a collation name (NAME or SCHEMA.NAME): %v", c.col.Name, err)
			}
		}
		if c.col.Default != "" {
			if err := sqlddl.CheckExpr(c.col.Default); err != nil {
				l.e.add(c.pos, c.tag, "column %s: default must be exactly one SQL expression: %v", c.col.Name, err)
			}
		}
		if c.col.Generated != "" {
			if err := sqlddl.CheckExpr(c.col.Generated); err != nil {
				l.e.add(c.pos, c.tag, "column %s: generated must be exactly one SQL expression: %v", c.col.Name, err)
			}
		}
	}
	for _, cs := range t.cons {
		if err := sqlddl.CheckConstraint(cs.c.Definition, false); err != nil {
			l.e.add(cs.pos, cs.tag, "constraint %s must be exactly one constraint: %v", cs.c.Name, err)
		}
	}
	for _, ix := range t.indexes {
		for _, p := range ix.parts {
			if err := sqlddl.CheckIndexKey(p.key); err != nil {
				l.e.add(p.at, p.tagTxt, "index %s: key must be exactly one column or expression: %v", ix.name, err)
			}
		}
		if ix.where != "" {
			if err := sqlddl.CheckExpr(ix.where); err != nil {
				l.e.add(ix.at, ix.tag, "index %s: where must be exactly one SQL expression: %v", ix.name, err)
			}
		}
	}
}
