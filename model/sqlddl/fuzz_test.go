package sqlddl

import (
	"errors"
	"strings"
	"testing"
)

// FuzzSplit checks Split's invariants on any input: it never panics (nor
// crashes libpg_query); on success every statement is a non-empty piece of
// the input, in order, located where it is, with Kind set exactly when
// ParseErr is not; on failure the error is an *Error with a position.
// The committed corpus is in testdata/fuzz/FuzzSplit.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"CREATE TABLE t (id int PRIMARY KEY);",
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;",
		"DO $$ BEGIN PERFORM 1; END $$;",
		"SELECT E'\\'', $a$;$a$, \"x;\" -- c;\n/* ; */",
		"\\restrict k\nSELECT 1;\n\\unrestrict k",
		"\ufeffSELECT 1",
		"SELECT (1;2);",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		stmts, err := Split("f.sql", src)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				if len(src) > maxSize {
					return
				}
				t.Fatalf("error %v is not an *Error", err)
			}
			if e.Line < 1 || e.Col < 1 || e.File != "f.sql" || e.Msg == "" {
				t.Fatalf("bad error %#v", e)
			}
			return
		}
		text := string(src)
		prev := 0
		for i, s := range stmts {
			if s.Text == "" || s.Offset < prev || s.Offset+len(s.Text) > len(text) || text[s.Offset:s.Offset+len(s.Text)] != s.Text {
				t.Fatalf("statement %d %q at offset %d is not a piece of the input after offset %d", i, s.Text, s.Offset, prev)
			}
			if strings.ContainsAny(s.Text[:1], scannerSpace) || strings.ContainsAny(s.Text[len(s.Text)-1:], scannerSpace) {
				t.Fatalf("statement %d %q starts or ends with space", i, s.Text)
			}
			if line, col := lineColOf(text, s.Offset); line != s.Line || col != s.Col {
				t.Fatalf("statement %d at %d:%d, want %d:%d", i, s.Line, s.Col, line, col)
			}
			if (s.Kind == "") != (s.ParseErr != nil) {
				t.Fatalf("statement %d: Kind %q with ParseErr %v", i, s.Kind, s.ParseErr)
			}
			if s.ParseErr != nil && (s.ParseErr.Line < s.Line || s.ParseErr.Col < 1) {
				t.Fatalf("statement %d at %d:%d has ParseErr %v before it", i, s.Line, s.Col, s.ParseErr)
			}
			if i < 2 {
				if line, col, ok := s.Locate("a"); ok && (line < s.Line || col < 1) {
					t.Fatalf("statement %d at %d:%d: Locate gave %d:%d", i, s.Line, s.Col, line, col)
				}
			}
			prev = s.Offset + len(s.Text)
		}
	})
}

// lineColOf locates a byte offset of text as Split does: columns count
// characters, and a byte order mark at the start is not one.
func lineColOf(text string, off int) (line, col int) {
	line, col = 1, 1
	start := 0
	if strings.HasPrefix(text, "\ufeff") {
		start = 3
	}
	for _, r := range text[start:off] {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// FuzzCanonical checks that Canonical, CanonicalType and Deps never panic
// nor crash libpg_query, and that Canonical's output is stable.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"now()", "a > 0 AND b", "CREATE TABLE t (a int)", "varchar(3)", "1) FROM t WHERE (x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		CanonicalType(s)
		Deps(s)
		c, err := Canonical(s)
		if err != nil {
			return
		}
		if _, err := Canonical(c); err != nil {
			t.Logf("Canonical(%q) = %q, which does not parse again: %v", s, c, err)
		}
	})
}
