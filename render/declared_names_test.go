package render_test

import (
	"strings"
	"testing"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/hcl"
	"github.com/retortdb/retort/model/sqlddl"
	"github.com/retortdb/retort/render"
)

// inject is a value that would add a statement if it were written raw,
// whichever quote it sits in.
const inject = `x'); COPY (SELECT 1) TO PROGRAM 'id'; --"); COPY (SELECT 1) TO PROGRAM 'id'; --`

// TestDeclaredNamesRenderInert checks that the names, literals and options
// of a model (support functions, initial conditions, collations, options
// of every kind) are written as names and literals: each statement render
// builds is exactly one statement, whatever they hold. The model is built
// by hand, as a caller other than the decoders could build it, and decoded
// from HCL, whose index options the decoder writes into the definition.
func TestDeclaredNamesRenderInert(t *testing.T) {
	opts := []string{"fillfactor=" + inject, inject + "=1"}
	s := &model.Schema{
		Namespaces: []model.Namespace{{Name: "public"}},
		Aggregates: []model.Aggregate{{QName: model.QName{Schema: "public", Name: "agg"}, Args: "integer", IdentityArgs: "integer",
			Kind: "n", SFunc: inject, SType: "integer", FinalFunc: inject, CombineFunc: inject, SerialFunc: inject,
			DeserialFunc: inject, InitCond: ptr(inject), MSFunc: inject, MInvFunc: inject, MSType: "integer",
			MFinalFunc: inject, MInitCond: ptr(inject)}},
		RangeTypes: []model.RangeType{{QName: model.QName{Schema: "public", Name: "r"}, Subtype: "text",
			SubtypeOpClass: inject, Collation: inject, Canonical: inject, SubtypeDiff: inject}},
		Domains:             []model.Domain{{QName: model.QName{Schema: "public", Name: "d"}, Type: "text", Collation: inject}},
		EventTriggers:       []model.EventTrigger{{Name: "e", Event: "ddl_command_start", Function: inject + "()"}},
		ForeignDataWrappers: []model.ForeignDataWrapper{{Name: "w", Handler: inject, Validator: inject, Options: opts}},
		Servers:             []model.ForeignServer{{Name: "s", Wrapper: "w", Type: inject, Version: inject, Options: opts}},
		UserMappings:        []model.UserMapping{{Server: "s", User: "public", Options: opts}},
		Tables: []model.Table{
			{QName: model.QName{Schema: "public", Name: "t"}, Kind: model.TableOrdinary, Options: opts,
				Columns: []model.Column{{Name: "a", Type: "text", Collation: inject, Options: opts}},
				Indexes: []model.Index{{Name: "i", Method: "btree", Keys: []string{"a"}, Options: opts}}},
			{QName: model.QName{Schema: "public", Name: "ft"}, Kind: model.TableForeign, Server: "s", ServerOptions: opts,
				Columns: []model.Column{{Name: "a", Type: "text", FDWOptions: opts}}},
		},
		Views: []model.View{{QName: model.QName{Schema: "public", Name: "v"}, Definition: "SELECT 1 AS a", Options: opts,
			Columns: []model.ViewColumn{{Name: "a", Type: "integer"}}}},
	}
	checkOneEach(t, "hand-built model", s)

	src := "table \"t\" {\n  column \"a\" { type = text }\n  index \"i\" {\n    columns = [column.a]\n" +
		"    options = [\"fillfactor=70') ; COPY (SELECT 1) TO PROGRAM 'id' ; --\", \"x') ; COPY (SELECT 1) TO PROGRAM 'id' ; --=1\"]\n" +
		"  }\n}\naggregate \"agg\" {\n  args = \"integer\"\n  sfunc = \"int4pl\"\n  stype = integer\n" +
		"  initcond = \"0') ; COPY (SELECT 1) TO PROGRAM 'id' ; --\"\n}\n"
	d, err := hcl.Decode("names.hcl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkOneEach(t, "names.hcl", d)
}

// checkOneEach fails unless every statement that creates s is exactly one
// statement to PostgreSQL's scanner and grammar.
func checkOneEach(t *testing.T, what string, s *model.Schema) {
	t.Helper()
	stmts, err := render.CreateStatements(s, render.Options{Secrets: true})
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if len(stmts) < 3 {
		t.Fatalf("%s: only %d statements", what, len(stmts))
	}
	for _, st := range stmts {
		got, err := sqlddl.Split("x.sql", []byte(st.SQL))
		if err != nil || len(got) != 1 {
			var texts []string
			for _, g := range got {
				texts = append(texts, g.Text)
			}
			t.Errorf("%s: statement %s splits into %d (%v):\n%s", what, st.ID, len(got), err, strings.Join(texts, "\n---\n"))
		}
	}
}
