package render

import (
	"slices"
	"testing"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

// TestOrderTokens: a token is matched with the same token only, never with
// its object nor with a token of another kind about the same object.
func TestOrderTokens(t *testing.T) {
	a := ddl.TableRef(model.QName{Schema: "s", Name: "a"})
	stmts := []Statement{
		{ID: "00 c", ReqTokens: []ddl.Token{freed(a)}},
		{ID: "00 d", Requires: []model.ObjectRef{a}},
		{ID: "00 e", ReqTokens: []ddl.Token{released(a)}},
		{ID: "12 a", Priority: 12, Provides: []model.ObjectRef{a}},
		{ID: "20 b", Priority: 20, ProvTokens: []ddl.Token{freed(a)}},
	}
	got, err := Order(stmts)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, st := range got {
		order = append(order, st.ID)
	}
	// e waits for nothing: nobody provides the released token.
	if want := []string{"00 e", "12 a", "00 d", "20 b", "00 c"}; !slices.Equal(order, want) {
		t.Errorf("Order = %q, want %q", order, want)
	}
}

// TestCycleNamesTokenObjects: a statement that provides only tokens is
// named in a cycle by the object of its first token.
func TestCycleNamesTokenObjects(t *testing.T) {
	a, b := ddl.TableRef(model.QName{Schema: "s", Name: "a"}), colRef(model.QName{Schema: "s", Name: "b"}, "c")
	stmts := []Statement{
		{ID: "x", ProvTokens: []ddl.Token{freed(a)}, ReqTokens: []ddl.Token{released(b)}},
		{ID: "y", ProvTokens: []ddl.Token{released(b)}, ReqTokens: []ddl.Token{freed(a)}},
	}
	_, err := Order(stmts)
	if want := "render: dependency cycle: relation s.a needs column s.b.c needs relation s.a"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}
