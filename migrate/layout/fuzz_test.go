package layout

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/sqlddl"
	"github.com/retortdb/retort/render"
)

// FuzzPlanLayouts plans a change between two schemas whose names, comments,
// default and check texts and enum labels come from the fuzzer, writes the
// plan as a revision in every layout, and reads it back two ways: with the
// layout's own reader (what the runner executes) and with PostgreSQL's
// scanner over each whole file (what the tool itself, or psql, sends). Both
// must give exactly the plan's statements: no hazard comment, header line or
// name can end its comment and add SQL that nobody declared.
//
// The seeds under testdata/fuzz/FuzzPlanLayouts run as plain tests.
func FuzzPlanLayouts(f *testing.F) {
	f.Add("t", "c", "n", "mood", "a comment", "a default", "happy")
	f.Add("t", "c\nDROP TABLE public.victim; --", "n", "mood", "x", "y", "z")
	f.Fuzz(func(t *testing.T, table, col, other, enum, comment, text, label string) {
		names := []string{table, col, other, enum}
		for _, s := range append(slices.Clone(names), comment, text, label) {
			// PostgreSQL holds no NUL and, in a UTF8 database, no invalid
			// UTF-8; names are at most 63 bytes (longer ones it truncates).
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) || len(s) > 1000 {
				t.Skip()
			}
		}
		for i, n := range names {
			if n == "" || len(n) > 63 || n == "id" || n == "public" || slices.Contains(names[i+1:], n) {
				t.Skip()
			}
		}
		if label == "" || len(label) > 63 {
			t.Skip()
		}
		from, to := fuzzSchemas(table, col, other, enum, comment, text, label)
		plan, err := render.NewPlan(from, to, render.PlanOptions{Options: render.Options{Comments: true}})
		if err != nil {
			t.Skipf("no plan: %v", err)
		}
		if len(plan.Up) == 0 {
			t.Fatal("empty plan")
		}
		rev := &migrate.Revision{
			ID:      "aaaa00000001",
			Message: comment,
			Created: time.Date(2026, 11, 27, 8, 30, 0, 0, time.UTC),
			Up:      revisionBody(plan.Up),
			Down:    revisionBody(plan.Down),
		}
		for _, h := range slices.Concat(plan.Up, plan.Down) {
			for _, hz := range h.Hazards {
				rev.Hazards = append(rev.Hazards, hz.Kind+": "+hz.Message)
			}
		}
		for _, l := range All {
			checkLayoutRoundTrip(t, l, rev, plan)
		}
	})
}

// fuzzSchemas builds two schemas whose plan drops a schema and a column,
// retypes and adds a column, changes a table comment, adds a check, an
// index and an enum label: every kind of hazard that names an object.
func fuzzSchemas(table, col, other, enum, comment, text, label string) (from, to *model.Schema) {
	tq := model.QName{Schema: "public", Name: table}
	eq := model.QName{Schema: "public", Name: enum}
	from = &model.Schema{
		Namespaces: []model.Namespace{{Name: "public"}, {Name: col, Comment: comment}},
		Enums:      []model.Enum{{QName: eq, Labels: []string{label}}},
		Tables: []model.Table{{
			QName: tq, Kind: model.TableOrdinary, Comment: comment,
			Columns: []model.Column{
				{Name: "id", Type: "integer", NotNull: true},
				{Name: col, Type: "text", Default: sqlq.Literal(text) + "::text"},
				{Name: other, Type: "integer"},
			},
		}},
	}
	labels := []string{label}
	if text != "" && text != label && len(text) <= 63 {
		labels = append(labels, text)
	}
	to = &model.Schema{
		Namespaces: []model.Namespace{{Name: "public"}},
		Enums:      []model.Enum{{QName: eq, Labels: labels}},
		Tables: []model.Table{{
			QName: tq, Kind: model.TableOrdinary, Comment: text,
			Columns: []model.Column{
				{Name: "id", Type: "integer", NotNull: true},
				{Name: other, Type: "bigint"},
				{Name: enum, Type: "text", Default: sqlq.Literal(comment) + "::text"},
			},
			Constraints: []model.Constraint{{
				Name: col, Type: model.Check,
				Definition: "CHECK ((" + sqlq.QuoteIdent(enum) + " <> " + sqlq.Literal(label) + "::text))",
			}},
			Indexes: []model.Index{{
				Name:       other,
				Definition: "CREATE INDEX " + sqlq.QuoteIdent(other) + " ON " + sqlq.Qualified("public", table) + " USING btree (id)",
				Method:     "btree", Keys: []string{"id"}, Comment: comment,
			}},
		}},
	}
	from.Normalize()
	to.Normalize()
	return from, to
}

// revisionBody is what revision --autogenerate writes for a plan's
// statements (cmd/retort's statements): each statement with its hazards
// as comments above it, without its semicolon.
func revisionBody(stmts []render.Statement) []migrate.Statement {
	out := make([]migrate.Statement, 0, len(stmts))
	for _, st := range stmts {
		out = append(out, migrate.Statement{SQL: strings.TrimSuffix(st.Annotated(), ";"), NoTransaction: !st.Transactional})
	}
	return out
}

// checkLayoutRoundTrip writes rev in layout l and reads it back.
func checkLayoutRoundTrip(t *testing.T, l Layout, rev *migrate.Revision, plan *render.Plan) {
	t.Helper()
	dir := t.TempDir()
	paths, err := Write(dir, l, rev, Options{})
	if err != nil && (l == Goose || l == Dbmate) && strings.Contains(err.Error(), "as one of its own markers") {
		return // refused: the tool would read a line of a statement as a marker
	}
	if err != nil {
		t.Fatalf("%s: write: %v", l, err)
	}
	d, err := ReadDir(os.DirFS(dir), ".", l)
	if err != nil {
		t.Fatalf("%s: read back: %v", l, err)
	}
	revs := d.Revisions()
	if len(revs) != 1 {
		t.Fatalf("%s: read %d revisions, want 1", l, len(revs))
	}
	got := revs[0]
	sameSQL(t, string(l)+" up", got.Up, rev.Up, l != Native)
	if l != Atlas {
		sameSQL(t, string(l)+" down", got.Down, rev.Down, l != Native)
	}
	var hazards []string
	for _, h := range rev.Hazards {
		hazards = append(hazards, sqlq.CommentText(h))
	}
	if !slices.Equal(got.Hazards, hazards) {
		t.Errorf("%s: hazards read back\n%q\nwant\n%q", l, got.Hazards, hazards)
	}
	for _, p := range paths {
		if !strings.HasSuffix(p, ".sql") {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		split, err := sqlddl.Split(filepath.Base(p), data)
		if err != nil {
			t.Fatalf("%s: PostgreSQL's scanner: %v\n%s", l, err, data)
		}
		want := fileStatements(l, filepath.Base(p), plan)
		var texts []string
		for _, s := range split {
			texts = append(texts, s.Text)
		}
		if !slices.Equal(texts, want) {
			t.Errorf("%s: %s holds, for PostgreSQL,\n%q\nwant\n%q\nfile:\n%s", l, filepath.Base(p), texts, want, data)
		}
	}
}

// sameSQL compares the statements a reader gives back with those written.
// The foreign layouts' readers read CRLF files and so take every "\r\n" for
// a line end, even one inside a quoted name or string; crlf tolerates that.
func sameSQL(t *testing.T, what string, got, want []migrate.Statement, crlf bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: read %d statements, want %d:\n%+v", what, len(got), len(want), got)
	}
	for i := range got {
		g, w := got[i].SQL, want[i].SQL
		if crlf {
			g, w = strings.ReplaceAll(g, "\r\n", "\n"), strings.ReplaceAll(w, "\r\n", "\n")
		}
		if g != w {
			t.Errorf("%s statement %d:\n got %q\nwant %q", what, i, got[i].SQL, want[i].SQL)
		}
	}
}

// fileStatements returns the statement texts a file of layout l must hold:
// the up and down statements of the plan, or one of them for layouts that
// keep them in files of their own.
func fileStatements(l Layout, name string, plan *render.Plan) []string {
	texts := func(stmts []render.Statement) []string {
		var out []string
		for _, st := range stmts {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(st.SQL), ";"))
		}
		return out
	}
	switch {
	case l == Native || l == Goose || l == Dbmate:
		return append(texts(plan.Up), texts(plan.Down)...)
	case strings.HasSuffix(name, ".down.sql") || l == Flyway && strings.HasPrefix(name, "U"):
		return texts(plan.Down)
	}
	return texts(plan.Up)
}
