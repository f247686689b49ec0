package sqlddl

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// texts returns the Text of each statement.
func texts(stmts []Statement) []string {
	var out []string
	for _, s := range stmts {
		out = append(out, s.Text)
	}
	return out
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		want  []string
		kinds []string // optional
	}{
		{
			name:  "plain",
			src:   "CREATE TABLE a (id int);\nCREATE TABLE b (id int) ;\n",
			want:  []string{"CREATE TABLE a (id int)", "CREATE TABLE b (id int)"},
			kinds: []string{"CreateStmt", "CreateStmt"},
		},
		{
			name: "no final semicolon, empty statements",
			src:  ";;\nSELECT 1;;; SELECT 2\n\n",
			want: []string{"SELECT 1", "SELECT 2"},
		},
		{
			name: "dollar quotes",
			src:  "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM 1; RETURN 1;\nEND\n$$;\nSELECT 1;",
			want: []string{"CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM 1; RETURN 1;\nEND\n$$", "SELECT 1"},
		},
		{
			name: "nested dollar quotes",
			src:  "CREATE FUNCTION g() RETURNS void LANGUAGE plpgsql AS $fn$\nBEGIN\n  EXECUTE $q$SELECT ';'; $$ not the end $$$q$;\nEND\n$fn$;\nSELECT $a$$b$a$;",
			want: []string{"CREATE FUNCTION g() RETURNS void LANGUAGE plpgsql AS $fn$\nBEGIN\n  EXECUTE $q$SELECT ';'; $$ not the end $$$q$;\nEND\n$fn$", "SELECT $a$$b$a$"},
		},
		{
			name:  "DO block",
			src:   "DO $$ BEGIN RAISE NOTICE 'x;y'; END $$;\nDO LANGUAGE plpgsql $body$ BEGIN NULL; END $body$;",
			want:  []string{"DO $$ BEGIN RAISE NOTICE 'x;y'; END $$", "DO LANGUAGE plpgsql $body$ BEGIN NULL; END $body$"},
			kinds: []string{"DoStmt", "DoStmt"},
		},
		{
			name: "BEGIN ATOMIC",
			src: "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END;\n  SELECT 3;\nEND;\n" +
				"CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END;\n" +
				"create or replace function h() returns int begin atomic select 1; end;\nSELECT 4;",
			want: []string{
				"CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END;\n  SELECT 3;\nEND",
				"CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END",
				"create or replace function h() returns int begin atomic select 1; end",
				"SELECT 4",
			},
			kinds: []string{"CreateFunctionStmt", "CreateFunctionStmt", "CreateFunctionStmt", "SelectStmt"},
		},
		{
			name: "BEGIN and END outside functions",
			src:  "BEGIN;\nSELECT CASE WHEN true THEN 1 END;\nCREATE TABLE begin_end (\"begin\" int, \"end\" int);\nCOMMIT;\nEND;",
			want: []string{"BEGIN", "SELECT CASE WHEN true THEN 1 END", "CREATE TABLE begin_end (\"begin\" int, \"end\" int)", "COMMIT", "END"},
		},
		{
			name: "BEGIN inside parentheses of a function",
			src:  "CREATE FUNCTION f() RETURNS TABLE (begin int) LANGUAGE sql AS 'SELECT 1';\nSELECT 2;",
			want: []string{"CREATE FUNCTION f() RETURNS TABLE (begin int) LANGUAGE sql AS 'SELECT 1'", "SELECT 2"},
		},
		{
			name: "comments",
			src:  "-- a; b\n/* c; /* nested; */ d; */\nSELECT 1 -- e;\n, 2 /* ; */;\n-- trailing; comment\n",
			want: []string{"SELECT 1 -- e;\n, 2 /* ; */"},
		},
		{
			name: "strings",
			src:  "SELECT 'a;b', 'it''s;', E'it\\'s; \\\\', U&'d\\0061;', B'01', X'1F', $$;$$;\nSELECT \"semi;colon\" FROM \"x\"\"y;\";",
			want: []string{"SELECT 'a;b', 'it''s;', E'it\\'s; \\\\', U&'d\\0061;', B'01', X'1F', $$;$$", "SELECT \"semi;colon\" FROM \"x\"\"y;\""},
		},
		{
			name: "function body in single quotes",
			src:  "CREATE FUNCTION f() RETURNS int AS 'BEGIN RETURN 1; END;' LANGUAGE plpgsql;\nSELECT 1;",
			want: []string{"CREATE FUNCTION f() RETURNS int AS 'BEGIN RETURN 1; END;' LANGUAGE plpgsql", "SELECT 1"},
		},
		{
			name:  "rule with several actions",
			src:   "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO u VALUES (1); INSERT INTO u VALUES (2));\nSELECT 1;",
			want:  []string{"CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO u VALUES (1); INSERT INTO u VALUES (2))", "SELECT 1"},
			kinds: []string{"RuleStmt", "SelectStmt"},
		},
		{
			name:  "PostgreSQL 17 and 18 syntax is kept for the server",
			src:   "ALTER TABLE t ALTER COLUMN c SET EXPRESSION AS (a + 1);\nCREATE TABLE v (a int, b int GENERATED ALWAYS AS (a * 2) VIRTUAL);\nSELECT 1;",
			want:  []string{"ALTER TABLE t ALTER COLUMN c SET EXPRESSION AS (a + 1)", "CREATE TABLE v (a int, b int GENERATED ALWAYS AS (a * 2) VIRTUAL)", "SELECT 1"},
			kinds: []string{"", "", "SelectStmt"},
		},
		{
			name: "pg_dump restrict lines",
			src:  "\\restrict abcDEF123\n\nSET x = 1;\nCREATE TABLE t ();\n\n\\unrestrict abcDEF123\n",
			want: []string{"SET x = 1", "CREATE TABLE t ()"},
		},
		{
			name: "restrict line with an unbalanced quote",
			src:  "\\restrict it's\nSELECT 1;\n\\unrestrict it's\n",
			want: []string{"SELECT 1"},
		},
		{
			name: "byte order mark and CRLF",
			src:  "\ufeffSELECT 1;\r\nSELECT 2;\r\n",
			want: []string{"SELECT 1", "SELECT 2"},
		},
		{
			name: "operators that hold comment starts",
			src:  "SELECT 1 +-- c;\n2;\nSELECT 3 */* c; */4;",
			want: []string{"SELECT 1 +-- c;\n2", "SELECT 3 */* c; */4"},
		},
		{
			name: "unbalanced parentheses",
			src:  "SELECT (1;\nSELECT 2);\nSELECT 1));\nSELECT 3;",
			want: []string{"SELECT (1;\nSELECT 2)", "SELECT 1))", "SELECT 3"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stmts, err := Split("f.sql", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			got := texts(stmts)
			if strings.Join(got, "\x00") != strings.Join(tt.want, "\x00") {
				t.Fatalf("Split =\n%q\nwant\n%q", got, tt.want)
			}
			for i, k := range tt.kinds {
				if stmts[i].Kind != k {
					t.Errorf("statement %d: Kind = %q, want %q (ParseErr %v)", i, stmts[i].Kind, k, stmts[i].ParseErr)
				}
				if (k == "") != (stmts[i].ParseErr != nil) {
					t.Errorf("statement %d: Kind %q with ParseErr %v", i, k, stmts[i].ParseErr)
				}
			}
			src := strings.TrimPrefix(tt.src, "\ufeff")
			for _, s := range stmts {
				off := s.Offset - (len(tt.src) - len(src))
				if src[off:off+len(s.Text)] != s.Text {
					t.Errorf("Offset %d does not point at %q", s.Offset, s.Text)
				}
			}
		})
	}
}

func TestSplitPositions(t *testing.T) {
	src := "-- header\n\nCREATE TABLE é (\n  a int\n);  SELECT 'naïve'; SELECT\n\t1;\n"
	stmts, err := Split("p.sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ line, col, off int }{{3, 1, 11}, {5, 5, 41}, {5, 21, 58}}
	if len(stmts) != len(want) {
		t.Fatalf("got %d statements: %q", len(stmts), texts(stmts))
	}
	for i, w := range want {
		s := stmts[i]
		if s.Line != w.line || s.Col != w.col || s.Offset != w.off || s.File != "p.sql" {
			t.Errorf("statement %d %q at %s:%d:%d offset %d, want %d:%d offset %d", i, s.Text, s.File, s.Line, s.Col, s.Offset, w.line, w.col, w.off)
		}
	}
	// PostgreSQL's error positions count characters from 1.
	if l, c := stmts[0].Position(16); l != 3 || c != 16 {
		t.Errorf("Position(16) = %d:%d, want 3:16", l, c)
	}
	if l, c := stmts[0].Position(20); l != 4 || c != 3 {
		t.Errorf("Position(20) = %d:%d, want 4:3", l, c)
	}
	if l, c := stmts[2].Position(8); l != 6 || c != 1 {
		t.Errorf("Position(8) = %d:%d, want 6:1", l, c)
	}
	// The byte order mark is not a column.
	stmts, err = Split("bom.sql", []byte("\ufeffSELECT 1; SELECT 2"))
	if err != nil {
		t.Fatal(err)
	}
	if s := stmts[1]; s.Line != 1 || s.Col != 11 || s.Offset != 13 {
		t.Errorf("after a BOM: %d:%d offset %d, want 1:11 offset 13", s.Line, s.Col, s.Offset)
	}
}

func TestSplitParseErr(t *testing.T) {
	stmts, err := Split("e.sql", []byte("CREATE TABLE t (id int);\n\nSELECT ééé\n  FRM x;\n"))
	if err != nil {
		t.Fatal(err)
	}
	pe := stmts[1].ParseErr
	if stmts[1].Kind != "" || pe == nil {
		t.Fatalf("statement 2: Kind %q, ParseErr %v", stmts[1].Kind, pe)
	}
	if got, want := pe.Error(), `e.sql:4:7: syntax error at or near "x"`; got != want {
		t.Errorf("ParseErr = %q, want %q", got, want)
	}
}

func TestSplitErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"SELECT 1;\n\\connect other\nSELECT 2;", `e.sql:2:1: psql meta-command \connect other: a schema file must be plain SQL`},
		{"SELECT 1;\n  \\i other.sql\n", `e.sql:2:3: psql meta-command \i other.sql: a schema file must be plain SQL`},
		{"SELECT 1 \\gset\n", `e.sql:1:10: psql meta-command \gset: a schema file must be plain SQL`},
		{"SELECT 1;\n\\echo it's\nSELECT 2;", `e.sql:2:1: psql meta-command \echo it's: a schema file must be plain SQL`},
		{"SELECT 1;\nSELECT 'it''s\nfine;\nSELECT 3;", `e.sql:2:8: unterminated quoted string at or near "'it''s…"`},
		{"SELECT 1;\nSELECT $x$ body; $y$;", `e.sql:2:8: unterminated dollar-quoted string at or near "$x$ body; $y$;"`},
		{"SELECT 1; /* /* */ SELECT 2;", `e.sql:1:11: unterminated /* comment at or near "/* /* */ SELECT 2;"`},
		{"SELECT 1;\nSELECT 'a\x00b';", `e.sql:2:10: NUL byte in SQL text`},
		{"SELECT 1;\nSELECT 'é\xffb';", `e.sql:2:10: invalid UTF-8 in SQL text`},
		{"SELECT 1;\nSELECT 'x", `e.sql:2:8: unterminated quoted string at or near "'x"`},
		{"SET standard_conforming_strings = on;\n  set session STANDARD_CONFORMING_STRINGS to 'off';", `e.sql:2:3: standard_conforming_strings off: retort reads SQL with standard-conforming strings, PostgreSQL's default since 9.1; write backslash escapes as E'…' strings`},
		{"SELECT 1;\n SELECT E'\\xff';", `e.sql:2:15: invalid byte sequence for encoding "UTF8": 0xff`},
	}
	for _, tt := range tests {
		_, err := Split("e.sql", []byte(tt.src))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Split(%q) error = %v, want an *Error", tt.src, err)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Split(%q) error\n %s\nwant\n %s", tt.src, err, tt.want)
		}
	}
}

func TestSplitTooComplex(t *testing.T) {
	deep := "SELECT 1" + strings.Repeat("+1", 50000)
	stmts, err := Split("deep.sql", []byte(deep+";\nSELECT 2;"))
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 2 || stmts[0].Kind != "" || stmts[0].ParseErr == nil || stmts[1].Kind != "SelectStmt" {
		t.Fatalf("got %d statements, first Kind %q ParseErr %v", len(stmts), stmts[0].Kind, stmts[0].ParseErr)
	}
	if !strings.Contains(stmts[0].ParseErr.Error(), "too complex") {
		t.Errorf("ParseErr = %v", stmts[0].ParseErr)
	}
}

// TestSplitNotQuadratic feeds inputs that once made Split rescan the text
// for every line: it must stay fast on large files.
func TestSplitNotQuadratic(t *testing.T) {
	var b strings.Builder
	for range 20000 {
		b.WriteString("SELECT 1;\n\\x\n")
	}
	b.WriteString("SELECT 'unterminated")
	start := time.Now()
	_, err := Split("big.sql", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "big.sql:2:1: psql meta-command \\x") {
		t.Errorf("error = %v", err)
	}
	var r strings.Builder
	for range 20000 {
		r.WriteString("\\restrict it's\nSELECT 1;\n")
	}
	_, err = Split("restrict.sql", []byte(r.String()))
	if err == nil || !strings.Contains(err.Error(), "more than 16") {
		t.Errorf("error = %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
}
