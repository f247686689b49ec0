package sqlddl

import (
	"slices"
	"testing"
)

func TestDeps(t *testing.T) {
	rel := func(s, n string) Ref { return Ref{RefRelation, s, n} }
	typ := func(s, n string) Ref { return Ref{RefType, s, n} }
	fn := func(s, n string) Ref { return Ref{RefFunction, s, n} }
	sch := func(n string) Ref { return Ref{Kind: RefSchema, Name: n} }
	tests := []struct {
		sql           string
		creates, uses []Ref
	}{
		{
			sql:     "CREATE TABLE app.orders (id int PRIMARY KEY, customer int REFERENCES app.customers, status app.status DEFAULT app.default_status())",
			creates: []Ref{rel("app", "orders"), typ("app", "orders")},
			uses:    []Ref{sch("app"), rel("app", "customers"), typ("app", "status"), fn("app", "default_status")},
		},
		{
			sql:     "CREATE VIEW v AS SELECT o.id FROM orders o JOIN \"Customers\" c ON c.id = o.customer",
			creates: []Ref{rel("", "v"), typ("", "v")},
			uses:    []Ref{rel("", "orders"), rel("", "Customers")},
		},
		{
			sql:  "ALTER TABLE ONLY public.a ADD CONSTRAINT a_b_fkey FOREIGN KEY (b) REFERENCES public.b(id)",
			uses: []Ref{rel("public", "a"), sch("public"), rel("public", "b")},
		},
		{
			sql:     "CREATE INDEX i ON s.t USING gin (lower(c))",
			creates: []Ref{rel("s", "i")},
			uses:    []Ref{rel("s", "t"), sch("s"), fn("", "lower")},
		},
		{
			sql:     "CREATE TYPE mood AS ENUM ('a')",
			creates: []Ref{typ("", "mood")},
		},
		{
			sql:     "CREATE DOMAIN d AS integer CHECK (VALUE > 0)",
			creates: []Ref{typ("", "d")},
		},
		{
			sql:     "CREATE FUNCTION f(x mood) RETURNS d LANGUAGE sql AS 'SELECT 1'",
			creates: []Ref{fn("", "f")},
			uses:    []Ref{typ("", "mood"), typ("", "d")},
		},
		{
			sql:  "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trf()",
			uses: []Ref{fn("", "trf"), rel("", "t")},
		},
		{
			sql:  "COMMENT ON COLUMN s.t.c IS 'x'",
			uses: []Ref{rel("s", "t"), sch("s")},
		},
		{
			sql:  "ALTER TYPE s.mood OWNER TO bob",
			uses: []Ref{typ("s", "mood"), sch("s")},
		},
		{
			sql:     "CREATE SCHEMA s",
			creates: []Ref{sch("s")},
		},
		{
			sql:     "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public",
			creates: []Ref{{Kind: RefExtension, Name: "pg_trgm"}},
		},
		{
			sql:     "CREATE MATERIALIZED VIEW m AS SELECT * FROM t",
			creates: []Ref{rel("", "m"), typ("", "m")},
			uses:    []Ref{rel("", "t")},
		},
	}
	for _, tt := range tests {
		got, err := Deps(tt.sql)
		if err != nil {
			t.Errorf("Deps(%q): %v", tt.sql, err)
			continue
		}
		if !slices.Equal(got.Creates, tt.creates) || !slices.Equal(got.Uses, tt.uses) {
			t.Errorf("Deps(%q)\n creates %v\n uses    %v\nwant\n creates %v\n uses    %v", tt.sql, got.Creates, got.Uses, tt.creates, tt.uses)
		}
	}
	if _, err := Deps("CREATE TABLE ("); err == nil {
		t.Error("Deps of a syntax error: no error")
	}
	if !typ("", "t").Matches(rel("public", "t")) || rel("a", "t").Matches(rel("b", "t")) || fn("", "t").Matches(rel("", "t")) {
		t.Error("Ref.Matches")
	}
}
