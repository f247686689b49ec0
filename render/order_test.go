package render_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
)

func ids(stmts []render.Statement) []string {
	var out []string
	for _, st := range stmts {
		out = append(out, st.ID)
	}
	return out
}

func TestOrderPriorityThenID(t *testing.T) {
	a := ref(model.KindTable, "s", "a")
	stmts := []render.Statement{
		render.Statement{ID: "25 comment table s.a", Requires: []model.ObjectRef{a}, Priority: 25},
		render.Statement{ID: "12 table s.b", Priority: 12},
		render.Statement{ID: "12 table s.a", Provides: []model.ObjectRef{a}, Requires: []model.ObjectRef{ref(model.KindSchema, "", "s")}, Priority: 12},
		render.Statement{ID: "1 schema s", Provides: []model.ObjectRef{{Kind: model.KindSchema, Name: "s"}}, Priority: 1},
		// pg_catalog things are provided by nobody: already there.
		render.Statement{ID: "04 type s.t", Requires: []model.ObjectRef{ref(model.KindType, "pg_catalog", "int4")}, Priority: 4},
	}
	want := []string{"1 schema s", "04 type s.t", "12 table s.a", "12 table s.b", "25 comment table s.a"}
	for range 20 {
		rand.Shuffle(len(stmts), func(i, j int) { stmts[i], stmts[j] = stmts[j], stmts[i] })
		got, err := render.Order(stmts)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), want) {
			t.Fatalf("Order = %q, want %q", ids(got), want)
		}
	}
}

// TestOrderPriorityIsNotInID: the priority is the statement's own, never
// read out of its ID; without one the IDs alone decide.
func TestOrderPriorityIsNotInID(t *testing.T) {
	tests := []struct {
		name  string
		stmts []render.Statement
		want  []string
	}{
		{"field beats ID", []render.Statement{
			render.Statement{ID: "01 b", Priority: 9},
			render.Statement{ID: "99 a", Priority: 1},
		}, []string{"99 a", "01 b"}},
		{"no priority", []render.Statement{{ID: "1 schema s"}, {ID: "04 type s.t"}, {ID: "12 table s.a"}},
			[]string{"04 type s.t", "1 schema s", "12 table s.a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := render.Order(tt.stmts)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), tt.want) {
				t.Errorf("Order = %q, want %q", ids(got), tt.want)
			}
		})
	}
}

func TestOrderDependencyBeatsPriority(t *testing.T) {
	tbl := ref(model.KindTable, "s", "t")
	stmts := []render.Statement{
		render.Statement{ID: "05 function s.f()", Provides: []model.ObjectRef{fn("s", "f", "")}, Requires: []model.ObjectRef{tbl}, Priority: 5},
		render.Statement{ID: "12 table s.t", Provides: []model.ObjectRef{tbl}, Priority: 12},
		// A requirement of kind type is met by the table's row type.
		render.Statement{ID: "05 function s.g(s.t)", Requires: []model.ObjectRef{ref(model.KindType, "s", "t")}, Priority: 5},
	}
	got, err := render.Order(stmts)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"12 table s.t", "05 function s.f()", "05 function s.g(s.t)"}; !slices.Equal(ids(got), want) {
		t.Errorf("Order = %q, want %q", ids(got), want)
	}
}

func TestOrderCycle(t *testing.T) {
	a, b, c := ref(model.KindView, "s", "a"), ref(model.KindView, "s", "b"), ref(model.KindTable, "s", "c")
	stmts := []render.Statement{
		{ID: "16 view s.a", Provides: []model.ObjectRef{a}, Requires: []model.ObjectRef{b}},
		{ID: "16 view s.b", Provides: []model.ObjectRef{b}, Requires: []model.ObjectRef{a}},
		{ID: "25 comment view s.a", Requires: []model.ObjectRef{a}},
		{ID: "12 table s.c", Provides: []model.ObjectRef{c}},
	}
	_, err := render.Order(stmts)
	var ce *render.CycleError
	if !errors.As(err, &ce) {
		t.Fatalf("Order error = %v, want a *CycleError", err)
	}
	if want := []string{"16 view s.a", "16 view s.b"}; !slices.Equal(ce.IDs, want) {
		t.Errorf("cycle IDs = %q, want %q", ce.IDs, want)
	}
	if want := "render: dependency cycle: view s.a needs view s.b needs view s.a"; err.Error() != want {
		t.Errorf("message = %q, want %q", err.Error(), want)
	}
}

func TestOrderDuplicateID(t *testing.T) {
	_, err := render.Order([]render.Statement{{ID: "x"}, {ID: "x"}})
	if !errors.Is(err, render.ErrDuplicateID) {
		t.Errorf("Order error = %v, want ErrDuplicateID", err)
	}
}

// TestOrderSharedProvider: an object that two statements provide (a table
// and its ATTACH PARTITION) is there only once both have run.
func TestOrderSharedProvider(t *testing.T) {
	child := ref(model.KindTable, "s", "child")
	stmts := []render.Statement{
		render.Statement{ID: "12 table s.child", Provides: []model.ObjectRef{child}, Priority: 12},
		render.Statement{ID: "13 attach s.child", Provides: []model.ObjectRef{child}, Requires: []model.ObjectRef{child}, Priority: 13},
		render.Statement{ID: "01 index on child", Requires: []model.ObjectRef{child}, Priority: 1},
	}
	got, err := render.Order(stmts)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"12 table s.child", "13 attach s.child", "01 index on child"}; !slices.Equal(ids(got), want) {
		t.Errorf("Order = %q, want %q", ids(got), want)
	}
}

// script renders a schema and returns its statements in order, with the
// position of each statement found by a substring.
func script(t *testing.T, s *model.Schema) []string {
	t.Helper()
	stmts, err := render.CreateStatements(s, render.Options{Comments: true})
	if err != nil {
		t.Fatal(err)
	}
	ordered, err := render.Order(stmts)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, st := range ordered {
		out = append(out, st.SQL)
	}
	return out
}

func position(t *testing.T, stmts []string, prefix string) int {
	t.Helper()
	i := slices.IndexFunc(stmts, func(s string) bool { return strings.HasPrefix(s, prefix) })
	if i < 0 {
		t.Fatalf("no statement starts with %q in:\n%s", prefix, strings.Join(stmts, "\n\n"))
	}
	return i
}

func before(t *testing.T, stmts []string, first, second string) {
	t.Helper()
	if a, b := position(t, stmts, first), position(t, stmts, second); a >= b {
		t.Errorf("%q comes at %d, after %q at %d", first, a, second, b)
	}
}

func TestForeignKeyCycle(t *testing.T) {
	table := func(name, other string) model.Table {
		return model.Table{QName: q("public", name), Kind: model.TableOrdinary,
			Columns: []model.Column{{Name: "id", Type: "integer", NotNull: true}, {Name: "other", Type: "integer"}},
			Constraints: []model.Constraint{
				{Name: name + "_pkey", Type: model.PrimaryKey, Definition: "PRIMARY KEY (id)"},
				{Name: name + "_fk", Type: model.ForeignKey, Definition: "FOREIGN KEY (other) REFERENCES public." + other + "(id)",
					RefTable: qp("public", other), RefColumns: []string{"id"}},
			}}
	}
	s := &model.Schema{Namespaces: []model.Namespace{{Name: "public", Comment: "x"}},
		Tables: []model.Table{table("a", "b"), table("b", "a")}}
	stmts := script(t, s)
	for _, tbl := range []string{"CREATE TABLE public.a", "CREATE TABLE public.b"} {
		for _, fk := range []string{"ALTER TABLE ONLY public.a\n    ADD CONSTRAINT a_fk", "ALTER TABLE ONLY public.b\n    ADD CONSTRAINT b_fk"} {
			before(t, stmts, tbl, fk)
		}
	}
	// Each foreign key waits for the key it references.
	before(t, stmts, "ALTER TABLE ONLY public.b\n    ADD CONSTRAINT b_pkey", "ALTER TABLE ONLY public.a\n    ADD CONSTRAINT a_fk")
}

func TestViewOnView(t *testing.T) {
	// a_top reads z_bottom: the names alone would order them the other way.
	s := &model.Schema{Namespaces: []model.Namespace{{Name: "public", Comment: "x"}},
		Views: []model.View{
			{QName: q("public", "a_top"), Definition: " SELECT z_bottom.n\n   FROM public.z_bottom;",
				Columns: []model.ViewColumn{{Name: "n", Type: "integer"}}, Deps: []model.ObjectRef{ref(model.KindView, "public", "z_bottom")}},
			{QName: q("public", "z_bottom"), Definition: " SELECT 1 AS n;", Columns: []model.ViewColumn{{Name: "n", Type: "integer"}}},
		}}
	stmts := script(t, s)
	before(t, stmts, "CREATE VIEW public.z_bottom", "CREATE VIEW public.a_top")
	if slices.ContainsFunc(stmts, func(s string) bool { return strings.Contains(s, "OR REPLACE") }) {
		t.Error("placeholder without a cycle")
	}
}

func TestSelfReferencingView(t *testing.T) {
	s := &model.Schema{Namespaces: []model.Namespace{{Name: "public", Comment: "x"}},
		Views: []model.View{{QName: q("public", "Loop"), Definition: ` SELECT "Loop".n,
    "Loop".t
   FROM public."Loop";`,
			Columns: []model.ViewColumn{{Name: "n", Type: "integer"}, {Name: "t", Type: "text", Collation: `"C"`}}}}}
	stmts := script(t, s)
	want := "CREATE VIEW public.\"Loop\" AS\n SELECT NULL::integer AS n,\n    NULL::text COLLATE \"C\" AS t"
	if i := position(t, stmts, "CREATE VIEW"); stmts[i] != want+";" {
		t.Errorf("placeholder = %q, want %q", stmts[i], want)
	}
	before(t, stmts, "CREATE VIEW public.\"Loop\"", "CREATE OR REPLACE VIEW public.\"Loop\" AS\n SELECT \"Loop\".n,")
}

func TestViewCycle(t *testing.T) {
	view := func(name, other string) model.View {
		return model.View{QName: q("public", name), Definition: " SELECT " + other + ".n\n   FROM public." + other + ";",
			Columns: []model.ViewColumn{{Name: "n", Type: "integer"}}, Deps: []model.ObjectRef{ref(model.KindView, "public", other)}}
	}
	s := &model.Schema{Namespaces: []model.Namespace{{Name: "public", Comment: "x"}},
		Views: []model.View{view("a", "b"), view("b", "a")}}
	stmts := script(t, s)
	// One placeholder breaks the cycle, as in pg_dump.
	before(t, stmts, "CREATE VIEW public.a AS\n SELECT NULL::integer AS n", "CREATE VIEW public.b AS\n SELECT a.n")
	before(t, stmts, "CREATE VIEW public.b AS\n SELECT a.n", "CREATE OR REPLACE VIEW public.a AS\n SELECT b.n")
}

// TestDropCycleNamesObjects: a cycle of drops that nothing breaks (here
// materialized views that read each other, which no query replacement can
// untie) is reported with the objects named, not the plan's internal
// ordering tokens.
func TestDropCycleNamesObjects(t *testing.T) {
	view := func(name, other string) model.View {
		return model.View{QName: q("public", name), Materialized: true, Definition: " SELECT " + other + ".n\n   FROM public." + other + ";",
			Columns: []model.ViewColumn{{Name: "n", Type: "integer"}}, Deps: []model.ObjectRef{ref(model.KindMaterializedView, "public", other)}}
	}
	empty := &model.Schema{Namespaces: []model.Namespace{{Name: "public", Comment: "x"}}}
	s := &model.Schema{Namespaces: empty.Namespaces, Views: []model.View{view("a", "b"), view("b", "a")}}
	_, err := render.NewPlan(s, empty, render.PlanOptions{})
	if want := "dependency cycle: relation public.a needs relation public.b needs relation public.a"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want one containing %q", err, want)
	}
}

// TestDefaultCycle: a function of the table's row type used in the table's
// default moves the default to its own statement.
func TestDefaultCycle(t *testing.T) {
	s := &model.Schema{Namespaces: []model.Namespace{{Name: "public", Comment: "x"}},
		Tables: []model.Table{{QName: q("public", "t"), Kind: model.TableOrdinary, Columns: []model.Column{
			{Name: "id", Type: "integer"},
			{Name: "d", Type: "text", Default: "public.f(NULL::public.t)", Deps: []model.ObjectRef{fn("public", "f", "public.t")}},
			{Name: "e", Type: "text", Default: "'plain'::text"},
		}}},
		Functions: []model.Function{{QName: q("public", "f"), IdentityArgs: "public.t", Kind: model.KindPlainFunction,
			Definition: "CREATE OR REPLACE FUNCTION public.f(public.t)\n RETURNS text\n LANGUAGE sql\nAS $function$SELECT 'x'$function$\n",
			Deps:       []model.ObjectRef{ref(model.KindType, "public", "t")}}},
	}
	stmts := script(t, s)
	create := stmts[position(t, stmts, "CREATE TABLE public.t")]
	if strings.Contains(create, "public.f(") || !strings.Contains(create, "DEFAULT 'plain'::text") {
		t.Errorf("CREATE TABLE keeps the wrong defaults:\n%s", create)
	}
	before(t, stmts, "CREATE TABLE public.t", "CREATE OR REPLACE FUNCTION public.f")
	before(t, stmts, "CREATE OR REPLACE FUNCTION public.f", "ALTER TABLE ONLY public.t ALTER COLUMN d SET DEFAULT public.f(NULL::public.t)")
}

// TestUnbreakableCycle: a cycle with nothing to split is reported with its
// objects named.
func TestUnbreakableCycle(t *testing.T) {
	s := &model.Schema{Tables: []model.Table{{QName: q("public", "t"), Kind: model.TableOrdinary,
		Columns: []model.Column{{Name: "g", Type: "text", Generated: "public.f(1)", Deps: []model.ObjectRef{fn("public", "f", "integer")}}}}},
		Functions: []model.Function{{QName: q("public", "f"), IdentityArgs: "integer",
			Definition: "CREATE OR REPLACE FUNCTION public.f(integer) RETURNS text LANGUAGE sql BEGIN ATOMIC SELECT 'x' FROM public.t; END",
			Deps:       []model.ObjectRef{ref(model.KindTable, "public", "t")}}},
	}
	_, err := render.CreateStatements(s, render.Options{})
	var ce *render.CycleError
	if !errors.As(err, &ce) {
		t.Fatalf("error = %v, want a *CycleError", err)
	}
	if want := "render: dependency cycle: function public.f(integer) needs table public.t needs function public.f(integer)"; err.Error() != want {
		t.Errorf("message = %q, want %q", err.Error(), want)
	}
}

func TestNoPublic(t *testing.T) {
	stmts := script(t, noPublicSchema())
	if stmts[0] != "DROP SCHEMA IF EXISTS public;" {
		t.Errorf("first statement = %q", stmts[0])
	}
	// Objects in public keep it.
	s := noPublicSchema()
	s.Enums = []model.Enum{{QName: q("public", "e")}}
	if slices.Contains(script(t, s), "DROP SCHEMA IF EXISTS public;") {
		t.Error("public dropped although an object lives in it")
	}
}

func TestErrors(t *testing.T) {
	s := &model.Schema{
		Tables: []model.Table{{QName: q("public", "t"), Kind: model.TableOrdinary,
			Columns: []model.Column{{Name: "a", Type: "integer", Storage: "q"}},
			Grants:  []model.Grant{{Grantee: "x", Privilege: "SELECT; DROP TABLE t"}}}},
		Casts: []model.Cast{{Source: "a", Target: "b", Method: "z"}},
	}
	_, err := render.CreateStatements(s, render.Options{Privileges: true})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`unknown storage "q"`, `unknown privilege "SELECT; DROP TABLE t"`, `unknown cast method "z"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if _, err := render.SchemaSQL(nil, render.Options{}); err == nil {
		t.Error("nil schema: no error")
	}
}
