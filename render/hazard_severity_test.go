package render

import (
	"slices"
	"testing"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render/internal/ddl"
)

func TestHazardSeverity(t *testing.T) {
	tq := model.QName{Schema: "public", Name: "t"}
	cases := []struct {
		name string
		in   []Hazard
		want []string // Text of each hazard after rating
	}{
		{"a catalog-only change is a warning",
			[]Hazard{lockHazard(tq, "RENAME COLUMN")},
			[]string{"access-exclusive-lock (warning): RENAME COLUMN takes an ACCESS EXCLUSIVE lock on public.t, blocking its reads and writes while it runs"}},
		{"a rewrite keeps one hazard for the lock it holds",
			[]Hazard{{Kind: HazardTableRewrite, Message: "rewrites"}, lockHazard(tq, "ALTER COLUMN")},
			[]string{"table-rewrite (danger): rewrites"}},
		{"a scan under the lock is a danger and replaces the brief one",
			[]Hazard{{Kind: HazardExclusiveLock, Severity: SeverityDanger, Message: "SET NOT NULL scans"}, lockHazard(tq, "ALTER COLUMN")},
			[]string{"access-exclusive-lock (danger): SET NOT NULL scans"}},
		{"kinds without a say get theirs",
			[]Hazard{{Kind: HazardDataLoss, Message: "drops"}, {Kind: HazardIndexBuild, Message: "builds"},
				{Kind: HazardNonTransactional, Message: "outside"}, {Kind: HazardSecretOmitted, Message: "password"}},
			[]string{"data-loss (danger): drops", "index-build (danger): builds", "non-transactional (info): outside", "secret-omitted (warning): password"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stmts := []Statement{{Hazards: slices.Clone(c.in)}}
			ddl.RateHazards(stmts)
			var got []string
			for _, h := range stmts[0].Hazards {
				got = append(got, h.Text())
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestRewriteKeepsTableSize(t *testing.T) {
	tq := model.QName{Schema: "public", Name: "t"}
	stmts := []Statement{{Hazards: []Hazard{{Kind: HazardTableRewrite, Message: "rewrites"}, lockHazard(tq, "ALTER COLUMN")}}}
	ddl.RateHazards(stmts)
	sizeLocks(stmts, map[model.QName]model.TableSize{tq: {Rows: 2_000_000, Bytes: 300 << 20}})
	want := "table-rewrite (danger): rewrites; public.t is a large table: about 2.0 million rows, 300 MB as of its last VACUUM or ANALYZE"
	if got := stmts[0].Hazards[0].Text(); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestSummarizeHazards(t *testing.T) {
	in := []Hazard{
		{Kind: HazardExclusiveLock, Severity: SeverityWarning, Message: "lock a"},
		{Kind: HazardDataLoss, Severity: SeverityDanger, Message: "drops x"},
		{Kind: HazardExclusiveLock, Severity: SeverityDanger, Message: "scan b"},
		{Kind: HazardExclusiveLock, Severity: SeverityWarning, Message: "lock a"},
		{Kind: HazardExclusiveLock, Severity: SeverityWarning, Message: "lock c"},
		{Kind: HazardExclusiveLock, Severity: SeverityWarning, Message: "lock d"},
	}
	want := []string{
		"access-exclusive-lock (danger): lock a; scan b; lock c; and 1 more (see the statements' hazard comments)",
		"data-loss (danger): drops x",
	}
	if got := SummarizeHazards(in); !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
