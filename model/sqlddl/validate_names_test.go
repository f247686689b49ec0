package sqlddl

import (
	"slices"
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

func TestParseName(t *testing.T) {
	good := []struct {
		text string
		want []string
	}{
		{`"C"`, []string{"C"}},
		{"public.german", []string{"public", "german"}},
		{`Public."My ""Coll"""`, []string{"public", `My "Coll"`}},
		{"text_pattern_ops", []string{"text_pattern_ops"}},
		{`"a;b"`, []string{"a;b"}},
	}
	for _, tt := range good {
		if got, err := ParseName(tt.text); err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParseName(%q) = %q, %v; want %q", tt.text, got, err, tt.want)
		}
	}
	for _, s := range []string{`"C"; COPY (SELECT 1) TO PROGRAM 'id'`, `"C" DESC`, `a, b`, `a CASCADE`, `IF EXISTS a`,
		`a.b.c`, `"C" -- x`, `a)`, `"unterminated`, ``, `select`, `a /* */`} {
		if got, err := ParseName(s); err == nil {
			t.Errorf("ParseName(%q) = %q, want an error", s, got)
		}
	}
}

func TestParseRoutineName(t *testing.T) {
	good := []struct {
		text string
		args bool
		want []string
	}{
		{"int4pl", false, []string{"int4pl"}},
		{`public."My Sum"`, false, []string{"public", "My Sum"}},
		{"Public.F", false, []string{"public", "f"}},
		{"public.to_json(public.t)", true, []string{"public", "to_json"}},
		{"f(integer, text[])", true, []string{"f"}},
		{"f()", true, []string{"f"}},
	}
	for _, tt := range good {
		if got, err := ParseRoutineName(tt.text, tt.args); err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParseRoutineName(%q, %v) = %q, %v; want %q", tt.text, tt.args, got, err, tt.want)
		}
	}
	bad := []struct {
		text string
		args bool
	}{
		{"f; COPY (SELECT 1) TO PROGRAM 'id'", false},
		{"f(int) ; DROP TABLE v ; SELECT f(int)", true},
		{"f(int) AS IMPLICIT", true},
		{"f(int), g(int)", true},
		{"f(int) CASCADE", true},
		{"f", true},
		{"f()", false},
		{"f -- x", false},
		{"a.b.c", false},
		{"f(int", true},
		{"", false},
	}
	for _, tt := range bad {
		if got, err := ParseRoutineName(tt.text, tt.args); err == nil {
			t.Errorf("ParseRoutineName(%q, %v) = %q, want an error", tt.text, tt.args, got)
		}
	}
}

func TestParseOperatorName(t *testing.T) {
	good := []struct {
		text string
		want []string
	}{
		{">", []string{">"}},
		{">(integer,integer)", []string{">"}},
		{"public.>>>(integer,integer)", []string{"public", ">>>"}},
		{"public.~<~", []string{"public", "~<~"}},
	}
	for _, tt := range good {
		if got, err := ParseOperatorName(tt.text); err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParseOperatorName(%q) = %q, %v; want %q", tt.text, got, err, tt.want)
		}
	}
	for _, s := range []string{"<; DROP TABLE v; SELECT 1 <(int, int)", "> , <", ">(int)", "-(NONE, int)", "> CASCADE",
		"public.x", ">(int, int) -- c", ""} {
		if got, err := ParseOperatorName(s); err == nil {
			t.Errorf("ParseOperatorName(%q) = %q, want an error", s, got)
		}
	}
}

func TestCheckReturns(t *testing.T) {
	for _, s := range []string{"integer", "SETOF public.film", "TABLE(a integer, b text)", "void", "trigger",
		"character varying(20)[]", `public."My Type"`} {
		if err := CheckReturns(s); err != nil {
			t.Errorf("CheckReturns(%q) = %v, want nil", s, err)
		}
	}
	for _, s := range []string{"int LANGUAGE sql AS 'SELECT 1'; COPY (SELECT 1) TO PROGRAM 'id'", "int; DROP TABLE v",
		"int LANGUAGE sql", "int RETURN 1", "int AS $$ x $$", "int -- c", "int) , b (int", "TABLE(a int) STRICT", ""} {
		if err := CheckReturns(s); err == nil {
			t.Errorf("CheckReturns(%q) = nil, want an error", s)
		}
	}
}

// FuzzCheckNames checks that what ParseName, ParseRoutineName,
// ParseOperatorName and CheckReturns accept, written where retort writes
// it, gives one statement and nothing else, and that a second statement
// after it is always refused. The committed corpus is in
// testdata/fuzz/FuzzCheckNames.
func FuzzCheckNames(f *testing.F) {
	for _, s := range []string{
		`"C"`, "public.german", `"C"; COPY (SELECT 1) TO PROGRAM 'id'`, "int4pl", "public.to_json(public.t)",
		"f(int) AS IMPLICIT", ">(integer,integer)", "public.>>>", "SETOF public.film", "TABLE(a integer)",
		"int LANGUAGE sql", `U&"a;"`, "a -- c", "$$x$$",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		second := []string{"; SELECT 1", "\n; SELECT 1"}
		if _, err := ParseName(text); err == nil {
			oneEmbedded(t, "ParseName", text, "CREATE TABLE t (a text COLLATE "+text+" NOT NULL)")
			for _, s := range second {
				if _, err := ParseName(text + s); err == nil {
					t.Fatalf("ParseName accepts %q followed by a second statement", text)
				}
			}
		}
		for _, args := range []bool{false, true} {
			if _, err := ParseRoutineName(text, args); err == nil {
				oneEmbedded(t, "ParseRoutineName", text, "CREATE CAST (int AS text) WITH FUNCTION "+text+" AS IMPLICIT")
				oneEmbedded(t, "ParseRoutineName", text, "CREATE AGGREGATE a (SFUNC = "+text+", STYPE = int)")
				for _, s := range second {
					if _, err := ParseRoutineName(text+s, args); err == nil {
						t.Fatalf("ParseRoutineName accepts %q followed by a second statement", text)
					}
				}
			}
		}
		if _, err := ParseOperatorName(text); err == nil {
			oneEmbedded(t, "ParseOperatorName", text, "DROP OPERATOR "+text+" (int, int)")
		}
		if CheckReturns(text) == nil {
			oneEmbedded(t, "CheckReturns", text, "CREATE FUNCTION f() RETURNS "+text+" LANGUAGE sql AS 'SELECT 1'")
			for _, s := range second {
				if CheckReturns(text+s) == nil {
					t.Fatalf("CheckReturns accepts %q followed by a second statement", text)
				}
			}
		}
	})
}

// oneEmbedded fails unless sql, which embeds an accepted text, is at most
// one statement to PostgreSQL's scanner: a text the grammar takes in one
// place and not in another makes the statement fail, which adds nothing.
func oneEmbedded(t *testing.T, check, text, sql string) {
	t.Helper()
	toks, err := scan(sql)
	if err != nil {
		t.Fatalf("%s accepts %q, but %q does not scan: %v", check, text, sql, err)
	}
	for _, tok := range toks {
		if tok.tok == pg_query.Token_ASCII_59 || tok.tok == pg_query.Token_SQL_COMMENT || tok.tok == pg_query.Token_C_COMMENT {
			t.Fatalf("%s accepts %q, which puts a ; or a comment into %q", check, text, sql)
		}
	}
	if tree, err := parse(sql); err == nil && len(tree.Stmts) != 1 {
		t.Fatalf("%s accepts %q, but %q is %d statements", check, text, sql, len(tree.Stmts))
	}
}
