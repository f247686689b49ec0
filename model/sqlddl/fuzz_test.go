package sqlddl

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v5"
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
// nor crash libpg_query, and that what Canonical and CanonicalType return is
// a fixed point: it reads back, as the same kind of text, to itself, and
// blanks around the input change nothing. Canonical text is compared with
// other canonical text (declared schemas against each other without a dev
// server), so text that moves on a second pass would show a difference
// that is not there. A statement's canonical text also names the same
// objects as the statement, since the planner orders by them. The
// committed corpus is in testdata/fuzz/FuzzCanonical.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		"now()", "a > 0 AND b", "CREATE TABLE t (a int)", "varchar(3)", "1) FROM t WHERE (x",
		"char", "bpchar", `"char"`, `"bit"`, "timestamptz(3)[]", "interval(2)", "CURRENT_TIMESTAMP", "'a'::status",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		Deps(s)
		if ct, err := CanonicalType(s); err == nil {
			again, err := CanonicalType(ct)
			if err != nil {
				t.Fatalf("CanonicalType(%q) = %q, which does not read back: %v", s, ct, err)
			}
			if again != ct {
				t.Fatalf("CanonicalType(%q) = %q, but CanonicalType(%q) = %q", s, ct, ct, again)
			}
		}
		c, err := Canonical(s)
		if err != nil {
			return
		}
		again, err := Canonical(c)
		if err != nil {
			t.Fatalf("Canonical(%q) = %q, which does not read back: %v", s, c, err)
		}
		if again != c {
			t.Fatalf("Canonical(%q) = %q, but Canonical(%q) = %q", s, c, c, again)
		}
		if spaced, err := Canonical(" \n" + s + "\n "); err != nil || spaced != c {
			t.Fatalf("Canonical(%q) = %q, but with blanks around it %q, %v", s, c, spaced, err)
		}
		tree, err := safeParse(s)
		if err != nil || len(tree.GetStmts()) == 0 {
			return // an expression
		}
		want, err := Deps(s)
		if err != nil {
			t.Fatalf("Deps(%q): %v, though it parses", s, err)
		}
		got, err := Deps(c)
		if err != nil {
			t.Fatalf("Deps(%q), of the canonical text of %q: %v", c, s, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Deps(%q) = %v, but Deps of its canonical text %q = %v", s, want, c, got)
		}
	})
}

// FuzzCheckExpr checks that what CheckExpr and CheckType accept can be
// written into the statements retort builds around them without adding
// anything: one statement, one target, one column, no clause of the
// fragment's own; and that a second statement after an accepted text is
// always refused. The committed corpus is in testdata/fuzz/FuzzCheckExpr.
func FuzzCheckExpr(f *testing.F) {
	for _, s := range []string{
		attack, "a > 0", "$c$ ) ; $c$", "a /* /* */ */ > 0", `E'\')) ; SELECT 1 --'`, `U&"a;" > 0`,
		"name 'x'", "x -- c", "int DEFAULT 1, b int", "varchar(20)", "1) FROM t WHERE (x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if CheckExpr(text) == nil {
			checkEmbeddedExpr(t, text)
			if CheckExpr(text+" ; SELECT 1") == nil || CheckExpr(text+"\n; SELECT 1") == nil {
				t.Fatalf("CheckExpr accepts %q followed by a second statement", text)
			}
		}
		if CheckType(text) == nil {
			checkEmbeddedType(t, text)
			if CheckType(text+"; SELECT 1") == nil {
				t.Fatalf("CheckType accepts %q followed by a second statement", text)
			}
		}
	})
}

// checkEmbeddedExpr fails unless an accepted expression, embedded as
// retort embeds expressions, gives one statement holding just it.
func checkEmbeddedExpr(t *testing.T, text string) {
	t.Helper()
	toks, err := scan(text)
	if err != nil {
		t.Fatalf("CheckExpr accepts %q, which does not scan: %v", text, err)
	}
	for _, tok := range toks {
		if tok.tok == pg_query.Token_ASCII_59 {
			t.Fatalf("CheckExpr accepts %q, which holds a ; outside quotes", text)
		}
	}
	tree, err := parse("SELECT (" + text + ")")
	if err != nil {
		t.Fatalf("CheckExpr accepts %q, but SELECT (…) does not parse: %v", text, err)
	}
	if sel := onlySelect(tree); sel == nil || len(sel.TargetList) != 1 {
		t.Fatalf("CheckExpr accepts %q, but SELECT (…) is not one statement with one target", text)
	}
	tree, err = parse("ALTER TABLE t ADD CONSTRAINT c CHECK (" + text + ") NOT VALID, ALTER COLUMN a SET DEFAULT " + text)
	if err != nil {
		t.Fatalf("CheckExpr accepts %q, but CHECK (…) and DEFAULT … do not parse: %v", text, err)
	}
	if len(tree.Stmts) != 1 || len(tree.Stmts[0].Stmt.GetAlterTableStmt().GetCmds()) != 2 {
		t.Fatalf("CheckExpr accepts %q, but CHECK (…) and DEFAULT … do not give one statement of two commands", text)
	}
}

// checkEmbeddedType fails unless an accepted type, as a column's type,
// gives one column and nothing else.
func checkEmbeddedType(t *testing.T, text string) {
	t.Helper()
	tree, err := parse("CREATE TABLE t (c " + text + ")")
	if err != nil {
		return // a type a cast takes and a column does not: the statement fails, adding nothing
	}
	if len(tree.Stmts) != 1 {
		t.Fatalf("CheckType accepts %q, but CREATE TABLE gives %d statements", text, len(tree.Stmts))
	}
	cs := tree.Stmts[0].Stmt.GetCreateStmt()
	if cs == nil || len(cs.TableElts) != 1 || len(cs.Constraints) > 0 || cs.Partspec != nil || cs.Tablespacename != "" {
		t.Fatalf("CheckType accepts %q, but CREATE TABLE gets more than one plain column", text)
	}
	col := cs.TableElts[0].GetColumnDef()
	if col == nil || len(col.Constraints) > 0 || col.CollClause != nil || col.RawDefault != nil {
		t.Fatalf("CheckType accepts %q, but the column gets a constraint, collation or default", text)
	}
}
