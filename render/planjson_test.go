package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/render"
)

// reviewFrom and reviewTo differ in a dropped and an added column (which
// look like a rename), a retyped column and a new table, between enough
// unchanged lines that the review elides some.
const (
	reviewFrom = `
CREATE TABLE public.a (id int PRIMARY KEY, x1 int, x2 int, x3 int, x4 int, x5 int, x6 int, x7 int, x8 int, nickname text, n int);
CREATE TABLE public.b (id int PRIMARY KEY);
`
	reviewTo = `
CREATE TABLE public.a (id int PRIMARY KEY, x1 int, x2 int, x3 int, x4 int, x5 int, x6 int, x7 int, x8 int, handle text, n bigint);
CREATE TABLE public.b (id int PRIMARY KEY);
CREATE TABLE public.c (id int PRIMARY KEY);
`
)

// TestReview writes the review text both ways, plain and colored: removed
// and added lines, elided context, the hazards of the direction shown and
// the possible renames.
func TestReview(t *testing.T) {
	t.Parallel()
	from, to := schemaOf(t, reviewFrom), schemaOf(t, reviewTo)
	opts := render.Options{Comments: true}
	plan, err := render.NewPlan(from, to, render.PlanOptions{Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	looks := diff.PossibleRenames(plan.Changes)
	if len(looks) != 1 {
		t.Fatalf("possible renames %v, want nickname=handle", looks)
	}
	for _, tc := range []struct {
		name        string
		down, color bool
	}{
		{"review.txt", false, false},
		{"review_down.txt", true, false},
		{"review_color.txt", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			err := render.Review(&b, from, to, plan, render.ReviewOptions{Options: opts, Down: tc.down, Color: tc.color, PossibleRenames: looks})
			if err != nil {
				t.Fatal(err)
			}
			got := b.String()
			if strings.Contains(got, "\x1b[") != tc.color {
				t.Errorf("color %v, but escapes present: %v", tc.color, !tc.color)
			}
			added, removed := "+    handle text", "-    nickname text"
			if tc.down {
				added, removed = "+    nickname text", "-    handle text"
			}
			for _, want := range []string{added, removed, "@@", "Hazards:", "--rename public.a.nickname=handle"} {
				if !strings.Contains(got, want) {
					t.Errorf("review lacks %q", want)
				}
			}
			checkReviewGolden(t, tc.name, got)
		})
	}
}

// TestPlanJSON checks the document of `diff --format json`: its golden
// bytes, the changed fields of an alter (and none elsewhere), and that an empty plan has empty lists, not nulls, and no
// possible_renames.
func TestPlanJSON(t *testing.T) {
	t.Parallel()
	from, to := schemaOf(t, reviewFrom), schemaOf(t, reviewTo)
	plan, err := render.NewPlan(from, to, render.PlanOptions{Options: render.Options{Comments: true}})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := render.WritePlanJSON(&b, plan, diff.PossibleRenames(plan.Changes)); err != nil {
		t.Fatal(err)
	}
	doc := render.PlanJSON(plan, diff.PossibleRenames(plan.Changes))
	if len(doc.Changes) != len(plan.Changes) || len(doc.Up) != len(plan.Up) || len(doc.Down) != len(plan.Down) || len(doc.PossibleRenames) != 1 {
		t.Errorf("document has %d changes, %d up, %d down, %d renames; plan %d, %d, %d",
			len(doc.Changes), len(doc.Up), len(doc.Down), len(doc.PossibleRenames), len(plan.Changes), len(plan.Up), len(plan.Down))
	}
	for _, c := range doc.Changes {
		// n int → bigint is the one alter: its fields name the type.
		want := ""
		if c.Op == "alter" {
			want = "type"
		}
		if got := strings.Join(c.Fields, ","); got != want {
			t.Errorf("%s %s: fields %q, want %q", c.Op, c.Object, got, want)
		}
	}
	checkReviewGolden(t, "plan.json", b.String())

	empty, err := render.NewPlan(to, to, render.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if err := render.WritePlanJSON(&b, empty, nil); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"changes\": [],\n  \"up\": [],\n  \"down\": []\n}\n"; b.String() != want {
		t.Errorf("empty plan:\n%s\nwant:\n%s", b.String(), want)
	}
}
