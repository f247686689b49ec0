package sqltext

import (
	"reflect"
	"strings"
	"testing"

	"github.com/retortdb/retort/internal/sqlq"
)

func TestIdents(t *testing.T) {
	tests := []struct {
		in      string
		parts   []string
		rest    string
		ok      bool
		printed bool // PrintedIdents gives the same result
	}{
		{`public.users`, []string{"public", "users"}, "", true, true},
		{`"My ""T"".x"(1)`, []string{`My "T".x`}, "(1)", true, true},
		{`s."T"[]`, []string{"s", "T"}, "[]", true, true},
		{`a$b1.c_d rest`, []string{"a$b1", "c_d"}, " rest", true, true},
		{`Public.Users`, []string{"public", "users"}, "", true, false},
		{`user`, []string{"user"}, "", true, false},
		{`Ünï.x`, []string{"ünï", "x"}, "", true, false},
		{`1a`, nil, `1a`, false, true},
		{`$a`, nil, `$a`, false, true},
		{`""`, nil, `""`, false, true},
		{`"open`, nil, `"open`, false, true},
		{`a.`, nil, `a.`, false, true},
		{`a..b`, nil, `a..b`, false, true},
		{``, nil, ``, false, true},
		{`(a)`, nil, `(a)`, false, true},
	}
	for _, tt := range tests {
		parts, rest, ok := Idents(tt.in)
		if !reflect.DeepEqual(parts, tt.parts) || rest != tt.rest || ok != tt.ok {
			t.Errorf("Idents(%q) = %q, %q, %v; want %q, %q, %v", tt.in, parts, rest, ok, tt.parts, tt.rest, tt.ok)
		}
		pparts, prest, pok := PrintedIdents(tt.in)
		same := reflect.DeepEqual(pparts, parts) && prest == rest && pok == ok
		if same != tt.printed {
			t.Errorf("PrintedIdents(%q) = %q, %q, %v; same as Idents: %v, want %v", tt.in, pparts, prest, pok, same, tt.printed)
		}
	}
}

func TestPrintedIdentsRefusesWhatPostgreSQLWouldQuote(t *testing.T) {
	for _, in := range []string{"Foo", "user", "select.x", "x.Table", "ü"} {
		if parts, rest, ok := PrintedIdents(in); ok {
			t.Errorf("PrintedIdents(%q) = %q, %q, true; want false", in, parts, rest)
		}
	}
}

func TestIdentAndChain(t *testing.T) {
	if got, ok := Ident(`"A b"`); !ok || got != "A b" {
		t.Errorf(`Ident("A b") = %q, %v`, got, ok)
	}
	for _, in := range []string{"a.b", "a b", "", `"a"x`} {
		if got, ok := Ident(in); ok {
			t.Errorf("Ident(%q) = %q, true; want false", in, got)
		}
	}
	if got, ok := PrintedChain(`pg_catalog."C"`); !ok || !reflect.DeepEqual(got, []string{"pg_catalog", "C"}) {
		t.Errorf("PrintedChain = %q, %v", got, ok)
	}
	if got, ok := PrintedChain(`a.b(1)`); ok {
		t.Errorf("PrintedChain(a.b(1)) = %q, true; want false", got)
	}
}

func TestLiteral(t *testing.T) {
	tests := []struct {
		in, val, rest string
		ok            bool
	}{
		{`'a''b'::text`, "a'b", "::text", true},
		{`''`, "", "", true},
		{`'''' x`, "'", " x", true},
		{`'a\b'`, `a\b`, "", true},
		{`'open`, "", `'open`, false},
		{`E'a'`, "", `E'a'`, false},
		{`a`, "", `a`, false},
	}
	for _, tt := range tests {
		val, rest, ok := Literal(tt.in)
		if val != tt.val || rest != tt.rest || ok != tt.ok {
			t.Errorf("Literal(%q) = %q, %q, %v; want %q, %q, %v", tt.in, val, rest, ok, tt.val, tt.rest, tt.ok)
		}
	}
}

func TestSplitTop(t *testing.T) {
	tests := []struct {
		in   string
		sep  byte
		want []string
	}{
		{"a, b", ',', []string{"a", " b"}},
		{"", ',', []string{""}},
		{"f(a, b), 'x,y', \"p,q\", c[1,2]", ',', []string{"f(a, b)", " 'x,y'", ` "p,q"`, " c[1,2]"}},
		{"a 'it''s, ok', b", ',', []string{"a 'it''s, ok'", " b"}},
		{"a, 'open, b", ',', []string{"a", " 'open, b"}},
		{"x DESC NULLS LAST", ' ', []string{"x", "DESC", "NULLS", "LAST"}},
	}
	for _, tt := range tests {
		if got := SplitTop(tt.in, tt.sep); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitTop(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIndexUnquoted(t *testing.T) {
	tests := []struct {
		text, word string
		want       int
	}{
		{"CREATE INDEX i ON t (a) WHERE (b)", " WHERE ", 23},
		{`CREATE INDEX " WHERE " ON t (a) WHERE b`, " WHERE ", 31},
		{"f(' ORDER BY ') ORDER BY a", " ORDER BY ", 15},
		{"f((a ORDER BY b))", " ORDER BY ", 4},
		{"a ' WHERE ", " WHERE ", -1},
		{"a", " WHERE ", -1},
	}
	for _, tt := range tests {
		if got := IndexUnquoted(tt.text, tt.word); got != tt.want {
			t.Errorf("IndexUnquoted(%q, %q) = %d, want %d", tt.text, tt.word, got, tt.want)
		}
	}
}

// FuzzScanQuoted checks that the scanners read back what sqlq writes:
// identifiers quoted by Ident and QuoteIdent, chains of them, and literals.
func FuzzScanQuoted(f *testing.F) {
	for _, s := range [][2]string{{"public", "users"}, {"My T", `a"b`}, {"user", "x.y"}, {"ü", "$"}, {"a'b", `c\d`}, {"", "1a"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, x, y string) {
		if x != "" && y != "" {
			for _, q := range []func(string) string{sqlq.Ident, sqlq.QuoteIdent} {
				text := q(x) + "." + q(y) + "(1)"
				parts, rest, ok := PrintedIdents(text)
				if !ok || !reflect.DeepEqual(parts, []string{x, y}) || rest != "(1)" {
					t.Fatalf("PrintedIdents(%q) = %q, %q, %v", text, parts, rest, ok)
				}
				parts, rest, ok = Idents(text)
				if !ok || !reflect.DeepEqual(parts, []string{x, y}) || rest != "(1)" {
					t.Fatalf("Idents(%q) = %q, %q, %v", text, parts, rest, ok)
				}
			}
			if got, ok := Ident(sqlq.Ident(x)); !ok || got != x {
				t.Fatalf("Ident(%q) = %q, %v", sqlq.Ident(x), got, ok)
			}
		}
		text := sqlq.Literal(x) + y
		val, rest, ok := Literal(text)
		switch {
		case strings.HasPrefix(y, "'"):
			// A quote right after the closing one doubles it: the text
			// is another literal, as it is to PostgreSQL.
		case strings.Contains(x, `\`):
			// sqlq writes E'…', which Literal leaves alone rather than
			// misread.
			if ok {
				t.Fatalf("Literal(%q) = %q, %q, true; want false", text, val, rest)
			}
		case !ok || val != x || rest != y:
			t.Fatalf("Literal(%q) = %q, %q, %v; want %q, %q", text, val, rest, ok, x, y)
		}
	})
}
