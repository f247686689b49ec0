package migrate

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"simple", "SELECT 1; SELECT 2;", []string{"SELECT 1", "SELECT 2"}},
		{"no final semicolon", "SELECT 1;\nSELECT 2", []string{"SELECT 1", "SELECT 2"}},
		{"string with semicolon", "SELECT 'a;b''c'; SELECT 2", []string{"SELECT 'a;b''c'", "SELECT 2"}},
		{"escape string", `SELECT E'a\';b'; SELECT 2`, []string{`SELECT E'a\';b'`, "SELECT 2"}},
		{"quoted identifier", `CREATE TABLE "a;b" (x int); SELECT 2`, []string{`CREATE TABLE "a;b" (x int)`, "SELECT 2"}},
		{"line comment", "SELECT 1 -- not; here\n; SELECT 2", []string{"SELECT 1 -- not; here", "SELECT 2"}},
		{"nested block comment", "SELECT /* a /* b; */ c; */ 1; SELECT 2", []string{"SELECT /* a /* b; */ c; */ 1", "SELECT 2"}},
		{"do block", "DO $$ BEGIN PERFORM 1; END $$;\nSELECT 2;", []string{"DO $$ BEGIN PERFORM 1; END $$", "SELECT 2"}},
		{"tagged dollar quote", "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$\nBEGIN\n  RETURN $$;$$::int;\nEND\n$fn$;\nSELECT 2",
			[]string{"CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$\nBEGIN\n  RETURN $$;$$::int;\nEND\n$fn$", "SELECT 2"}},
		{"positional parameter is not a quote", "PREPARE p AS SELECT $1; SELECT 2", []string{"PREPARE p AS SELECT $1", "SELECT 2"}},
		{"begin atomic", "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END; SELECT 2; END; SELECT 3",
			[]string{"CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END; SELECT 2; END", "SELECT 3"}},
		{"plain begin is a statement", "BEGIN; SELECT 1; COMMIT", []string{"BEGIN", "SELECT 1", "COMMIT"}},
		{"trailing comment kept", "SELECT 1;\n-- the end\n", []string{"SELECT 1", "-- the end"}},
		{"empty statements", ";;SELECT 1;;", []string{"SELECT 1"}},
		{"rule with several actions", "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 2",
			[]string{"CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))", "SELECT 2"}},
		{"identifier with dollar", "SELECT a$b FROM t; SELECT 2", []string{"SELECT a$b FROM t", "SELECT 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raws, err := splitStatements(tt.body)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range raws {
				got = append(got, r.Text)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSplitLines(t *testing.T) {
	raws, err := splitStatements("\n\nSELECT 1;\n\n  SELECT\n'a\nb';\n$$\n$$;\nSELECT 4")
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, r := range raws {
		lines = append(lines, r.Line)
	}
	if want := []int{3, 5, 8, 10}; !reflect.DeepEqual(lines, want) {
		t.Errorf("lines %v, want %v", lines, want)
	}
}

func TestSplitErrors(t *testing.T) {
	tests := []struct{ body, want string }{
		{"SELECT 1;\nSELECT 'abc", "line 2: unterminated quoted string"},
		{"SELECT \"abc", "line 1: unterminated quoted identifier"},
		{"\n/* never closed", "line 2: unterminated /* comment"},
		{"DO $x$ BEGIN END $y$", "line 1: unterminated dollar-quoted string $x$"},
		{"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;", "BEGIN ATOMIC without END"},
	}
	for _, tt := range tests {
		_, err := splitStatements(tt.body)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("split %q: error %v, want %q", tt.body, err, tt.want)
		}
	}
}

// FuzzParse checks that no input makes Parse panic, and that what parses
// formats to text that parses to the same statements.
func FuzzParse(f *testing.F) {
	f.Add(sampleFile)
	f.Add("-- retort:revision a\n-- retort:up\nSELECT $$;\n-- retort:down\n")
	f.Add("-- retort:revision a\n-- retort:up\nDO $x$ BEGIN END $x$; /* /* */ */ SELECT E'\\'';\n-- retort:down\nBEGIN ATOMIC CASE END END;")
	f.Fuzz(func(t *testing.T, text string) {
		r, err := Parse("f.sql", []byte(text))
		if err != nil {
			return
		}
		again, err := Parse("f.sql", Format(r))
		if err != nil {
			t.Fatalf("formatted file does not parse: %v\n%s", err, Format(r))
		}
		if len(again.Up) != len(r.Up) || len(again.Down) != len(r.Down) {
			t.Fatalf("statement count changed: %d/%d, then %d/%d\n%s", len(r.Up), len(r.Down), len(again.Up), len(again.Down), Format(r))
		}
	})
}
