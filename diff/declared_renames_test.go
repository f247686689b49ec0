package diff

import (
	"testing"

	"github.com/retortdb/retort/model"
)

// TestDeclaredRenames is the regression test for renamed_from hints of a
// declared schema (HCL, YAML, Go tags, SQL directives) that Compare
// ignored: a rename was planned as a drop and a create.
func TestDeclaredRenames(t *testing.T) {
	renamed := func(table, tableFrom, col, colFrom string) *model.Schema {
		s := schemaA()
		tb := &s.Tables[0]
		tb.Name, tb.RenamedFrom = table, tableFrom
		tb.Columns[1].Name, tb.Columns[1].RenamedFrom = col, colFrom
		s.Normalize()
		return s
	}
	for _, tt := range []struct {
		name     string
		from, to *model.Schema
		opts     Options
		want     string
	}{
		{"table and column", schemaA(), renamed("people", "users", "mail", "email"), Options{},
			"rename table public.people;rename column public.people.mail;"},
		{"column only", schemaA(), renamed("users", "", "mail", "email"), Options{},
			"rename column public.users.mail;"},
		// Once applied, the hints stay in the declared schema and change nothing.
		{"already renamed", renamed("people", "", "mail", ""), renamed("people", "users", "mail", "email"), Options{}, ""},
		// A hint whose old name is gone from the source does nothing either.
		{"nothing to rename", renamed("people", "", "other", ""), renamed("people", "users", "mail", "email"), Options{},
			"drop column public.people.other;create column public.people.mail;"},
		// An explicit hint for the same table wins.
		{"explicit wins", schemaA(), renamed("people", "users", "email", ""),
			Options{Renames: []RenameHint{{Kind: model.KindTable, From: model.QName{Schema: "public", Name: "users"}, To: model.QName{Schema: "public", Name: "people"}}}},
			"rename table public.people;"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := Compare(tt.from, tt.to, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(cs); got != tt.want {
				t.Errorf("Compare = %q, want %q", got, tt.want)
			}
		})
	}
}
