package source

import (
	"fmt"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/sqlddl"
)

// keepSQLRenameHints sets the renamed_from hints that "-- retort:renamed_from"
// directives give in SQL files on the normalized schema, which the dev
// server does not carry them into. A directive's table is the one its
// CREATE TABLE names, unqualified meaning public (the search_path SQL
// sources are applied with).
func keepSQLRenameHints(s *model.Schema, hints []sqlddl.RenameHint) error {
	for _, h := range hints {
		q := model.QName{Schema: h.Schema, Name: h.Table}
		if q.Schema == "" {
			q.Schema = "public"
		}
		t := findTable(s, q)
		if t == nil {
			return fmt.Errorf("%s:%d:%d: -- %s: table %s is not in the schema read back", h.File, h.Line, h.Col, sqlddl.RenameDirective, q)
		}
		if h.Column == "" {
			t.RenamedFrom = h.From
			continue
		}
		found := false
		for i := range t.Columns {
			if t.Columns[i].Name == h.Column {
				t.Columns[i].RenamedFrom = h.From
				found = true
			}
		}
		if !found {
			return fmt.Errorf("%s:%d:%d: -- %s: table %s has no column %q of its own", h.File, h.Line, h.Col, sqlddl.RenameDirective, q, h.Column)
		}
	}
	return nil
}

func findTable(s *model.Schema, q model.QName) *model.Table {
	for i := range s.Tables {
		if s.Tables[i].QName == q {
			return &s.Tables[i]
		}
	}
	return nil
}
