package migrate

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/goccy/go-yaml"

	"github.com/retortdb/retort/internal/sharedtest"
	"github.com/retortdb/retort/model/sqlddl"
)

// migrate keeps its own splitter so that applications embedding it do not
// link pg_query_go (cgo); these tests hold it equal to sqlddl.Split, which
// uses PostgreSQL's scanner through pg_query_go. The import is test-only.

// splitPiece is one statement as both splitters can report it: its text
// without leading comments, and the line of its first token.
type splitPiece struct {
	Text string
	Line int
}

// migratePieces is splitStatements' result in sqlddl.Split's terms: leading
// comments dropped, comment-only pieces skipped.
func migratePieces(body string) ([]splitPiece, error) {
	raws, err := splitStatements(body)
	if err != nil {
		return nil, err
	}
	var out []splitPiece
	for _, r := range raws {
		if onlyComments(r.Text) {
			continue
		}
		text := stripLeadingComments(r.Text)
		line := r.Line + strings.Count(r.Text[:len(r.Text)-len(text)], "\n")
		out = append(out, splitPiece{Text: text, Line: line})
	}
	return out, nil
}

func sqlddlPieces(body string) ([]splitPiece, error) {
	stmts, err := sqlddl.Split("f.sql", []byte(body))
	if err != nil {
		return nil, err
	}
	var out []splitPiece
	for _, s := range stmts {
		out = append(out, splitPiece{Text: s.Text, Line: s.Line})
	}
	return out, nil
}

// checkSameSplit fails when both splitters accept body and disagree.
func checkSameSplit(t *testing.T, body string) {
	t.Helper()
	// sqlddl.Split skips a byte order mark and counts columns on it; a
	// migration body never starts with one (the file header comes first).
	if strings.HasPrefix(body, "\ufeff") {
		return
	}
	got, err := migratePieces(body)
	if err != nil {
		return
	}
	want, err := sqlddlPieces(body)
	if err != nil {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("split of %q:\nmigrate %v\nsqlddl  %v", body, got, want)
	}
}

// splitDiffCases are inputs where the splitters once disagreed, and the
// lexical corners of both.
var splitDiffCases = []string{
	"SELECT 1; SELECT 2;",
	"\n\nSELECT 1;\n\n  SELECT\n'a\nb';\n$$\n$$;\nSELECT 4",
	"SELECT E'a\\';b'; SELECT 2",
	"SELECT e'\\\\'; SELECT 2",
	`CREATE TABLE "a;b" (x int); SELECT 2`,
	"SELECT 1 -- not; here\n; SELECT 2",
	"SELECT /* a /* b; */ c; */ 1; SELECT 2",
	"DO $$ BEGIN PERFORM 1; END $$;\nSELECT 2;",
	"CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$\nBEGIN\n  RETURN $$;$$::int;\nEND\n$fn$;\nSELECT 2",
	"PREPARE p AS SELECT $1; SELECT 2",
	"SELECT a$b FROM t; SELECT 2",
	"CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END; SELECT 2; END; SELECT 3",
	"CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END; SELECT 3",
	"BEGIN; SELECT 1; COMMIT",
	"SELECT 1;\n-- the end\n",
	";;SELECT 1;;",
	"CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 2",
	"/* lead */ -- more\nSELECT 1; /* only */ ; SELECT 2",
	"SELECT 1\f;\fSELECT 2",
	"SELECT U&'\\0041;'; SELECT B'01'; SELECT X'1f'",
	"SELECT $a$ ; $b$ ; $a$; SELECT 2",
	"SELECT 1 AS x$y; SELECT 2",
	// BEGIN opens a block only in CREATE [OR REPLACE] FUNCTION or PROCEDURE,
	// as psql decides; migrate once looked for BEGIN ATOMIC anywhere.
	"BEGIN ATOMIC ;END",
	"SELECT begin atomic; SELECT 2",
	"CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN SELECT 1; END; SELECT 2",
	// Blank space is what PostgreSQL's scanner skips, not what Unicode
	// calls space: a vertical tab or a no-break space is part of a token.
	"\v",
	"SELECT 1\v; SELECT x\u00a0",
	"/* c */\fSELECT 1",
}

func TestSplitMatchesSqlddl(t *testing.T) {
	for _, body := range splitDiffCases {
		got, err := migratePieces(body)
		if err != nil {
			t.Errorf("migrate split %q: %v", body, err)
			continue
		}
		want, err := sqlddlPieces(body)
		if err != nil {
			t.Errorf("sqlddl split %q: %v", body, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("split of %q:\nmigrate %v\nsqlddl  %v", body, got, want)
		}
	}
}

// FuzzSplitMatchesSqlddl checks that splitStatements and sqlddl.Split give
// the same statements at the same lines on every input both accept.
func FuzzSplitMatchesSqlddl(f *testing.F) {
	for _, body := range splitDiffCases {
		f.Add(body)
	}
	for _, body := range splitSeeds(f) {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if !utf8.ValidString(body) {
			return
		}
		checkSameSplit(t, body)
	})
}

// splitSeeds are the SQL texts of migrate's testdata and of the psqldef
// corpus (../shared/corpus).
func splitSeeds(f *testing.F) []string {
	f.Helper()
	var out []string
	files, _ := filepath.Glob("testdata/*/*.sql")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, string(data))
	}
	dir := filepath.Join(sharedtest.Corpus(f), "psqldef")
	corpus, _ := filepath.Glob(filepath.Join(dir, "*.yml"))
	if len(corpus) == 0 {
		f.Fatalf("no psqldef cases in %s: the fuzz seeds need sqldef's psqldef test files (tests_*.yml) there, as ../shared/corpus/README.md says", dir)
	}
	for _, name := range corpus {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		var cases map[string]map[string]any
		if err := yaml.Unmarshal(data, &cases); err != nil {
			f.Fatalf("%s: %v", name, err)
		}
		for _, c := range cases {
			for _, v := range c {
				if s, ok := v.(string); ok && strings.TrimSpace(s) != "" {
					out = append(out, s)
				}
			}
		}
	}
	return out
}
