package render_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
)

// hostileSQL declares tables whose names hold what Markdown, HTML, Mermaid
// and DOT give a meaning: quotes, pipes, backticks, spaces, brackets, %,
// backslashes, unicode, and names that collide once mapped to ASCII.
const hostileSQL = `
CREATE SCHEMA "we|rd` + "`" + `s";
CREATE SCHEMA "a b";
CREATE SCHEMA a_b;
CREATE TABLE "we|rd` + "`" + `s"."Pa""rent | ` + "`x`" + ` <b>" (id integer PRIMARY KEY, "na|me` + "`" + `" text UNIQUE, pk int UNIQUE);
CREATE TABLE public."child table ünï" (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	"parent id" integer NOT NULL REFERENCES "we|rd` + "`" + `s"."Pa""rent | ` + "`x`" + ` <b>" (id),
	"100%\" text,
	e "char");
CREATE TABLE public.one (
	pid integer PRIMARY KEY REFERENCES "we|rd` + "`" + `s"."Pa""rent | ` + "`x`" + ` <b>" (id),
	opt bigint CONSTRAINT "fk ""q"" %" REFERENCES public."child table ünï" (id));
CREATE UNIQUE INDEX ON public.one (opt);
CREATE TABLE "a b".c (id int PRIMARY KEY);
CREATE TABLE public."50% off \ sale" (id int PRIMARY KEY);
CREATE TABLE a_b.c (id int PRIMARY KEY, "{x}" int REFERENCES "a b".c (id));
CREATE TABLE public.p (id int, at date) PARTITION BY RANGE (at);
CREATE TABLE public.p1 PARTITION OF public.p FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
`

// schemaOf loads SQL into a new database and reads it back.
func schemaOf(t *testing.T, sql string) *model.Schema {
	t.Helper()
	conn := inspectConn(t, devdbtest.NewDatabase(t))
	execConn(t, conn, sql)
	return inspectWith(t, conn)
}

// checkReviewGolden compares got with testdata/review/name, or rewrites it
// under -update.
func checkReviewGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "review", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, lineDiff(string(want), got))
	}
}

var unescapedPipe = regexp.MustCompile(`(^|[^\\])\|`)

// checkMarkdownSafe asserts what the escaping promises whatever the golden
// files hold: every table row has its three cells, no tag but the ones
// the writer makes appears outside code blocks, and each code block's
// fence is closed by the same fence.
func checkMarkdownSafe(t *testing.T, md string) {
	t.Helper()
	fence := ""
	for i, line := range strings.Split(md, "\n") {
		if fence != "" {
			if line == fence {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(line, "```") {
			fence = strings.TrimRight(line, "sql")
			continue
		}
		if strings.HasPrefix(line, "|") {
			if n := len(unescapedPipe.FindAllStringIndex(line, -1)); n != 4 {
				t.Errorf("line %d: table row with %d cell borders, want 4: %s", i+1, n, line)
			}
		}
		rest := strings.NewReplacer("<details>", "", "</details>", "", "<summary>", "", "</summary>", "", "<br>", "").Replace(line)
		if strings.ContainsAny(rest, "<>") {
			t.Errorf("line %d: raw < or > outside code: %s", i+1, line)
		}
	}
	if fence != "" {
		t.Errorf("code fence %s is never closed", fence)
	}
}

func TestMarkdown(t *testing.T) {
	t.Parallel()
	from := schemaOf(t, hostileSQL+`
CREATE TABLE public."t|x" (id int PRIMARY KEY, "old`+"`"+`col" text, n int);
CREATE TABLE public.gone (a int, b text, c date);
`)
	to := schemaOf(t, hostileSQL+`
CREATE TABLE public."t|x" (id int PRIMARY KEY, n bigint, note text DEFAULT '`+"````"+`<script>alert(1)</script>');
CREATE TABLE public.came (a int, b text, c date);
CREATE SCHEMA "s*[x](y)";
CREATE TABLE "s*[x](y)"."@user $x$ &amp;" (id int);
`)
	cases := []struct {
		name     string
		from, to *model.Schema
		opts     render.MarkdownOptions
	}{
		{"changes.md", from, to, render.MarkdownOptions{Title: "retort check", From: "migrations head", To: "schema|`x`.sql",
			ToUnsupported: map[string]int{"rule": 2, "<tag>": 1}}},
		{"empty.md", to, to, render.MarkdownOptions{Title: "retort check"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := render.NewPlan(tc.from, tc.to, render.PlanOptions{Options: render.Options{Comments: true}})
			if err != nil {
				t.Fatal(err)
			}
			md := render.Markdown(plan, tc.opts)
			checkMarkdownSafe(t, md)
			if n := len(plan.Changes); n > 0 {
				if got := strings.Count(md, "\n| "); got != n+1 {
					t.Errorf("%d table rows, want a header and %d changes", got, n)
				}
				if !strings.Contains(md, "\n`````sql\n") {
					t.Errorf("the up script holds a run of 4 backticks, but its fence is not 5 long")
				}
				// Every hazard of the plan is shown, whether or not it
				// could be put on a change.
				for _, h := range plan.Hazards() {
					if !strings.Contains(md, "**"+string(h.Severity)+"** "+h.Kind+": ") {
						t.Errorf("hazard %s (%s) is missing", h.Kind, h.Message)
					}
				}
				if len(diff.PossibleRenames(plan.Changes)) == 0 || !strings.Contains(md, "Possible rename") {
					t.Errorf("no possible rename noted")
				}
			}
			checkReviewGolden(t, tc.name, md)
		})
	}
}

func TestDiagrams(t *testing.T) {
	t.Parallel()
	s := schemaOf(t, hostileSQL)
	mermaid, dot := render.Mermaid(s), render.Dot(s)
	checkReviewGolden(t, "hostile.mmd", mermaid)
	checkReviewGolden(t, "hostile.dot", dot)
	for _, want := range []string{
		// The entity ids of "a b".c and a_b.c collide once mapped.
		`a_b_c["a b.c"]`, `a_b_c_2["a_b.c"]`,
		// A column named pk is not read as a key marker.
		`integer pk_ UK "pk"`,
		// A NOT NULL foreign key: exactly one parent; an identifying
		// unique one: at most one child; a nullable one: at most one
		// parent.
		`we_rd_s_Pa_rent____x___b_ ||..o{ public_child_table__n_`,
		`we_rd_s_Pa_rent____x___b_ ||--o| public_one`,
		`public_child_table__n_ |o..o| public_one : "fk 'q' %"`,
	} {
		if !strings.Contains(mermaid, want) {
			t.Errorf("mermaid output lacks %q", want)
		}
	}
	if strings.Contains(mermaid, "public_p1") || strings.Contains(dot, "public_p1") {
		t.Errorf("a partition is drawn")
	}
	checkMermaid(t, map[string]string{"hostile": mermaid})
	checkDot(t, map[string]string{"hostile": dot})
}
