package sqlddl

import (
	"strings"
	"testing"
)

// attack is issue 11's text: a hand scanner took it for one expression,
// and the COPY in it ran on the dev server.
const attack = `a::name <> name'\')) ; COPY (SELECT 1) TO PROGRAM $c$id > /tmp/x$c$ ; SELECT (1 --'`

func TestCheckExpr(t *testing.T) {
	good := []string{
		"a > 0", "now()", "lower(name)", "(a)", "(a) + (b)", "'it''s'", `E'\''`, `E'\\'`, "$$x$$", "$c$ ) ; $c$",
		`U&"d\0061t\+000061"`, `"weird "" name" IS NOT NULL`, "name 'x'", "interval '1 day'", "ARRAY[1, 2]",
		"ROW(1, 2)", "(SELECT 1)", "EXISTS (SELECT 1 FROM t WHERE t.a = b)", "a IN (1, 2)", "CASE WHEN a THEN 1 END",
		"x::text[]", "CURRENT_TIMESTAMP", "nextval('s'::regclass)", "a COLLATE \"C\" < 'b'", "-1", "NOT a",
		"a\n  AND b", "B'101'", "X'FF'", "1e3",
	}
	for _, s := range good {
		if err := CheckExpr(s); err != nil {
			t.Errorf("CheckExpr(%q) = %v, want nil", s, err)
		}
	}
	bad := []struct{ text, want string }{
		{attack, "did not open"},
		{"1) ; DROP TABLE x ; SELECT (1", "parenthesis"},
		{"1; DROP TABLE x", "; (a second statement)"},
		{"a > 0 -- c", "comment"},
		{"a /* /* */ */ > 0", "comment"},
		{"a > 0 /* x", "unterminated"},
		{"a) + (b", "did not open"},
		{"(a", "open"},
		{"1, 2", "list"},
		{"(1, 2)", "list"},
		{"1 AS x", ""},
		{"1 x", ""},
		{"a FROM t", ""},
		{"a WHERE b", ""},
		{"SELECT 1", "syntax error"},
		{"(SELECT 1) UNION (SELECT 2)", "other SQL"},
		{"VALUES (1)", "syntax error"},
		{"ALL 1", "syntax error"},
		{"DISTINCT a", "syntax error"},
		{"*", "syntax error"},
		{"t.*", "* list"},
		{"", "empty"},
		{"  \n ", "empty"},
		{"'unterminated", "unterminated"},
		{"$c$ unterminated", "unterminated"},
		{"a\x00b", "NUL"},
		{"\xff", "UTF-8"},
		{"a)", "did not open"},
		{"1 ORDER BY 1", ""},
		{"1 FOR UPDATE", ""},
		{"1 INTO t", ""},
	}
	for _, tt := range bad {
		err := CheckExpr(tt.text)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckExpr(%q) = %v, want an error saying %q", tt.text, err, tt.want)
		}
	}
}

func TestCheckType(t *testing.T) {
	for _, s := range []string{"int", "varchar(20)", "numeric(10,2)", "timestamp(3) with time zone", `public."My Type"`,
		"int[]", "int[3][4]", "int ARRAY", "interval day to second", "double precision", "bit varying(3)"} {
		if err := CheckType(s); err != nil {
			t.Errorf("CheckType(%q) = %v, want nil", s, err)
		}
	}
	for _, s := range []string{"int DEFAULT 1, b int", "int; DROP TABLE x", "int COLLATE \"C\"", "int NOT NULL",
		"int -- c", "setof int", "t.c%TYPE", "int::text", "int + 1", "varchar(", "int) , b (int", "int AS x",
		"int FROM t", ""} {
		if err := CheckType(s); err == nil {
			t.Errorf("CheckType(%q) = nil, want an error", s)
		}
	}
}

func TestCheckFragments(t *testing.T) {
	tests := []struct {
		name  string
		check func(string) error
		good  []string
		bad   []string
	}{
		{"index key", CheckIndexKey,
			[]string{"a", `"A b"`, "lower(b) DESC NULLS LAST", "(a + b)", "a text_pattern_ops", `a COLLATE "C"`},
			[]string{"a, b", "a) WHERE (true", "a) TABLESPACE x (", "a; DROP TABLE x", "a -- c", ""}},
		{"constraint", func(s string) error { return CheckConstraint(s, false) },
			[]string{"CHECK (a > 0)", "CHECK (a > 0) NOT VALID", "UNIQUE (a, b)", "PRIMARY KEY (a) INCLUDE (b)",
				"FOREIGN KEY (a) REFERENCES public.u(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
				"EXCLUDE USING gist (c WITH &&)", "CHECK (a > 0) NO INHERIT"},
			[]string{"CHECK (a > 0), ADD COLUMN b int", "CHECK (a > 0); DROP TABLE x", "CHECK (a > 0) -- c",
				"CHECK (a > 0)) ; SELECT ((1", "a int", ""}},
		{"domain constraint", func(s string) error { return CheckConstraint(s, true) },
			[]string{"CHECK (VALUE > 0)", "CHECK (VALUE > 0) NOT VALID"},
			[]string{"CHECK (VALUE > 0); DROP TABLE x", "CHECK (VALUE > 0) -- x"}},
		{"partition key", CheckPartitionKey,
			[]string{"RANGE (a)", "LIST (lower(b))", "HASH (a, b)", `RANGE (a COLLATE "C" text_ops)`},
			[]string{"RANGE (a) TABLESPACE x", "RANGE (a) WITH (fillfactor=1)", "RANGE (a) USING heap",
				"RANGE (a); DROP TABLE x", "RANGE (a) -- c", "(a)"}},
		{"query", CheckQuery,
			[]string{"SELECT 1", "SELECT a -- why\nFROM t WHERE b", "VALUES (1), (2)", "WITH x AS (SELECT 1) SELECT * FROM x",
				"SELECT 1;", "SELECT ';' /* ; */ FROM t", "(SELECT 1) UNION (SELECT 2)"},
			[]string{"SELECT 1; DROP TABLE x", "SELECT 1 INTO t", "DELETE FROM t", "SELECT 1 -- c", "SELECT 1 -- c\n", "COPY t TO PROGRAM 'id'", ""}},
	}
	for _, tt := range tests {
		for _, s := range tt.good {
			if err := tt.check(s); err != nil {
				t.Errorf("%s %q: %v, want nil", tt.name, s, err)
			}
		}
		for _, s := range tt.bad {
			if err := tt.check(s); err == nil {
				t.Errorf("%s %q: nil, want an error", tt.name, s)
			}
		}
	}
}

func TestCheckDefinition(t *testing.T) {
	fn := Declared{Schema: "public", Name: "f"}
	tr := Declared{Schema: "public", Table: "t", Name: "tr"}
	stx := Declared{Schema: "st", Name: "s", TableSchema: "public", Table: "t"}
	tests := []struct {
		text string
		kind DefKind
		want Declared
		err  string // "" for none
	}{
		{"CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'", DefFunction, fn, ""},
		{"CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;", DefFunction, fn, ""},
		{"CREATE FUNCTION public.f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END", DefFunction, fn, ""},
		{"CREATE FUNCTION public.f() RETURNS int\n-- body below\nLANGUAGE sql AS 'SELECT 1'\n", DefFunction, fn, ""},
		{"CREATE PROCEDURE public.f() LANGUAGE sql AS 'SELECT 1'", DefProcedure, fn, ""},
		{"CREATE PROCEDURE public.f() LANGUAGE sql AS 'SELECT 1'", DefFunction, fn, "not CREATE FUNCTION"},
		{"CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'", DefProcedure, fn, "not CREATE PROCEDURE"},
		{"CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'; COPY (SELECT 1) TO PROGRAM 'id'", DefFunction, fn, "2 statements"},
		{"COPY (SELECT 1) TO PROGRAM 'id'", DefFunction, fn, "COPY statement"},
		{"CREATE FUNCTION public.g() RETURNS int LANGUAGE sql AS 'SELECT 1'", DefFunction, fn, "not the declared public.f"},
		{"CREATE FUNCTION other.f() RETURNS int LANGUAGE sql AS 'SELECT 1'", DefFunction, fn, "not the declared"},
		{"CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1' -- c", DefFunction, fn, "-- comment"},
		{"CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1", DefFunction, fn, "unterminated"},
		{"", DefFunction, fn, "empty"},
		{"CREATE TRIGGER tr AFTER INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.f()", DefTrigger, tr, ""},
		{"CREATE CONSTRAINT TRIGGER tr AFTER INSERT ON t DEFERRABLE FOR EACH ROW EXECUTE FUNCTION f()", DefTrigger, tr, ""},
		{"CREATE TRIGGER tr AFTER INSERT ON public.u FOR EACH ROW EXECUTE FUNCTION f()", DefTrigger, tr, "not on the declared public.t"},
		{"CREATE TRIGGER x AFTER INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION f()", DefTrigger, tr, "not the declared tr"},
		{"CREATE TRIGGER tr AFTER INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION f(); DROP TABLE v", DefTrigger, tr, "2 statements"},
		{"CREATE RULE tr AS ON INSERT TO public.t DO INSTEAD NOTHING", DefRule, tr, ""},
		{"CREATE RULE tr AS ON INSERT TO public.t DO ALSO (DELETE FROM u; DELETE FROM v)", DefRule, tr, ""},
		{"CREATE INDEX tr ON public.t USING btree (a)", DefIndex, tr, ""},
		{"CREATE INDEX ON public.t USING btree (a)", DefIndex, tr, "not the declared tr"},
		{"CREATE INDEX tr ON x.t USING btree (a)", DefIndex, tr, "not on the declared"},
		{"CREATE STATISTICS st.s (ndistinct) ON a, (b + 1) FROM public.t", DefStatistics, stx, ""},
		{"CREATE STATISTICS IF NOT EXISTS s ON a, b FROM t", DefStatistics, stx, ""},
		{"CREATE STATISTICS public.s ON a, b FROM public.t", DefStatistics, stx, "not the declared st.s"},
		{"CREATE STATISTICS st.x ON a, b FROM public.t", DefStatistics, stx, "not the declared st.s"},
		{"CREATE STATISTICS st.s ON a, b FROM st.t", DefStatistics, stx, "not on the declared public.t"},
		{"CREATE STATISTICS st.s ON a, b FROM public.t; DROP TABLE v", DefStatistics, stx, "2 statements"},
		{"CREATE INDEX s ON public.t USING btree (a)", DefStatistics, stx, "a CREATE INDEX statement, not CREATE STATISTICS"},
	}
	for _, tt := range tests {
		err := CheckDefinition(tt.text, tt.kind, tt.want)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("CheckDefinition(%q, %s) = %v, want nil", tt.text, tt.kind, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("CheckDefinition(%q, %s) = %v, want an error saying %q", tt.text, tt.kind, err, tt.err)
		}
	}
}

func TestCheckArgs(t *testing.T) {
	for _, s := range []string{"", "a integer DEFAULT 1, VARIADIC b text[]", "ORDER BY integer", "*", "numeric(10,2)", "x text DEFAULT ')'"} {
		if err := CheckArgs(s); err != nil {
			t.Errorf("CheckArgs(%q) = %v, want nil", s, err)
		}
	}
	for _, s := range []string{") ; DROP TABLE v ; SELECT (", "int) IS 'x'; --", "int -- )", "a int DEFAULT $$)$$) ; SELECT (1"} {
		if err := CheckArgs(s); err == nil {
			t.Errorf("CheckArgs(%q) = nil, want an error", s)
		}
	}
}
