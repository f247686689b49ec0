package model

import (
	"strings"
	"testing"
)

func sample() *Schema {
	return &Schema{
		Namespaces: []Namespace{{Name: "public"}, {Name: "app"}},
		Tables: []Table{
			{QName: QName{"public", "b"}, Kind: TableOrdinary, Columns: []Column{{Name: "id", Type: "integer"}},
				Constraints: []Constraint{{Name: "z"}, {Name: "a"}}},
			{QName: QName{"app", "a"}, Kind: TableOrdinary, Columns: []Column{{Name: "z", Type: "text"}, {Name: "a", Type: "text"}}},
		},
		Views: []View{{QName: QName{"public", "v"}, Deps: []ObjectRef{
			{Kind: KindTable, Schema: "public", Name: "b"}, {Kind: KindTable, Schema: "app", Name: "a"}, {Kind: KindTable, Schema: "public", Name: "b"},
		}}},
	}
}

func TestNormalizeIsIdempotentAndOrders(t *testing.T) {
	s := sample()
	s.Normalize()
	if s.Namespaces[0].Name != "app" || s.Tables[0].Name != "a" {
		t.Fatalf("not sorted: %v %v", s.Namespaces, s.Tables)
	}
	if got := s.Tables[0].Columns[0].Name; got != "z" {
		t.Errorf("column order changed: first column %q", got)
	}
	if n := len(s.Views[0].Deps); n != 2 {
		t.Errorf("deps not deduplicated: %d", n)
	}
	again := sample()
	again.Normalize()
	again.Normalize()
	if !s.Equal(again) {
		t.Error("Normalize is not idempotent")
	}
	again.Tables[0].Columns[0].Type = "varchar"
	if s.Equal(again) {
		t.Error("Equal missed a column type change")
	}
}

func TestValidate(t *testing.T) {
	s := &Schema{Tables: []Table{
		{QName: QName{"public", "t"}, Columns: []Column{{Name: "id", Type: "integer"}, {Name: "id", Type: "text"}},
			Constraints: []Constraint{
				{Name: "fk", Type: ForeignKey, Columns: []string{"id"}, RefTable: &QName{"public", "missing"}},
				{Name: "u", Type: Unique, Columns: []string{"nope"}},
			}},
		{QName: QName{"public", "t"}},
	}}
	err := s.Validate()
	if err == nil {
		t.Fatal("Validate accepted a broken schema")
	}
	for _, want := range []string{
		`column "id" declared more than once`,
		"references unknown table public.missing",
		`uses unknown column "nope"`,
		"relation public.t: declared more than once",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if err := sample().Validate(); err != nil {
		t.Errorf("valid schema rejected: %v", err)
	}
}
