package diff

import (
	"reflect"
	"testing"

	"github.com/retortdb/retort/model"
)

func TestInvert(t *testing.T) {
	from := schemaA()
	to := schemaA()
	to.Tables[0].Columns = append(to.Tables[0].Columns, model.Column{Name: "age", Type: "integer"})
	to.Tables[0].Columns[1].Type = "character varying(10)"
	to.Enums = nil
	to.Normalize()
	cs, err := Compare(from, to, Options{})
	if err != nil {
		t.Fatal(err)
	}
	inv := Invert(cs)
	back, err := Compare(to, from, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := describe(inv), "create type public.mood;alter column public.users.email;drop column public.users.age;"; got != want {
		t.Errorf("Invert = %s, want %s", got, want)
	}
	// Inverting twice gives the changes back.
	if !reflect.DeepEqual(Invert(inv), cs) {
		t.Errorf("Invert(Invert(cs)) = %s, want %s", describe(Invert(inv)), describe(cs))
	}
	// The inverse holds what comparing the other way finds, up to order.
	if len(back) != len(inv) {
		t.Errorf("Compare(to, from) = %s; Invert = %s", describe(back), describe(inv))
	}
}

func TestInvertRenames(t *testing.T) {
	from := schemaA()
	to := schemaA()
	to.Tables[0].Name = "people"
	to.Tables[0].Columns[1].Name = "mail"
	to.Tables[0].Columns[1].NotNull = true
	to.Normalize()
	people := model.QName{Schema: "public", Name: "people"}
	cs, err := Compare(from, to, Options{Renames: []RenameHint{
		{Kind: model.KindTable, From: model.QName{Schema: "public", Name: "users"}, To: people},
		{Kind: KindColumn, Table: people, From: model.QName{Name: "email"}, To: model.QName{Name: "mail"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	inv := Invert(cs)
	// The inverse renames people back to users, and names the table's other
	// changes by the name they have after that: users, and email.
	want := "rename table public.users;rename column public.users.email;alter column public.users.email;"
	if got := describe(inv); got != want {
		t.Fatalf("Invert = %s, want %s", got, want)
	}
	alter := inv[2].(*ColumnChange)
	if alter.From.Name != "email" || alter.To.Name != "email" || !alter.From.NotNull || alter.To.NotNull {
		t.Errorf("inverted column alter = %+v -> %+v", alter.From, alter.To)
	}
}
