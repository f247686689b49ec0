package lint

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/retortdb/retort/render"
)

// ruleCases give, per rule, a revision it flags and a near miss it must not
// flag. Before is an earlier revision (tables that exist already); the
// statement under test is the last of SQL.
var ruleCases = []struct {
	rule, before, flag, miss string
}{
	{"index-concurrently", "CREATE TABLE t (id int)", "CREATE INDEX i ON t (id)",
		"CREATE INDEX CONCURRENTLY i ON t (id)"},
	{"index-concurrently", "CREATE TABLE u (id int)", "CREATE TABLE t (id int) ; SELECT 1; CREATE INDEX i ON u (id)",
		"CREATE TABLE t (id int); CREATE INDEX i ON t (id)"},
	{"drop-index-concurrently", "", "DROP INDEX i", "DROP INDEX CONCURRENTLY i"},
	{"foreign-key-not-valid", "CREATE TABLE t (id int, p int)", "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (p) REFERENCES t (id)",
		"ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (p) REFERENCES t (id) NOT VALID"},
	{"constraint-not-valid", "CREATE TABLE t (id int, p int)", "ALTER TABLE t ADD CONSTRAINT c CHECK (p > 0)",
		"CREATE TABLE n (p int); ALTER TABLE n ADD CONSTRAINT c CHECK (p > 0)"},
	{"unique-constraint-index", "CREATE TABLE t (id int)", "ALTER TABLE t ADD CONSTRAINT u UNIQUE (id)",
		"ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX t_id"},
	{"set-not-null", "CREATE TABLE t (id int)", "ALTER TABLE t ALTER COLUMN id SET NOT NULL",
		"ALTER TABLE t ALTER COLUMN id DROP NOT NULL"},
	// A valid CHECK (col IS NOT NULL) that the revision added lets SET NOT
	// NULL skip its scan: not one that is NOT VALID still, dropped first,
	// on another column, or of another name.
	{"set-not-null", "CREATE TABLE t (id int)",
		"ALTER TABLE t ADD CONSTRAINT c CHECK (id IS NOT NULL) NOT VALID; ALTER TABLE t ALTER COLUMN id SET NOT NULL",
		"ALTER TABLE t ADD CONSTRAINT c CHECK (id IS NOT NULL) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c; ALTER TABLE t ALTER COLUMN id SET NOT NULL"},
	{"set-not-null", "CREATE TABLE t (id int)",
		"ALTER TABLE t ADD CONSTRAINT c CHECK (id IS NOT NULL) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c; ALTER TABLE t ALTER id SET NOT NULL, DROP CONSTRAINT c",
		"ALTER TABLE t ADD CONSTRAINT c CHECK (id IS NOT NULL) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c; ALTER TABLE t ALTER id SET NOT NULL; ALTER TABLE t DROP CONSTRAINT c"},
	{"set-not-null", "CREATE TABLE t (id int)",
		"ALTER TABLE t ADD CONSTRAINT c CHECK (id IS NOT NULL); ALTER TABLE t DROP CONSTRAINT c; ALTER TABLE t ALTER id SET NOT NULL",
		"ALTER TABLE t ADD CHECK (id IS NOT NULL) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT t_id_check; ALTER TABLE t ALTER id SET NOT NULL"},
	{"set-not-null", "CREATE TABLE t (id int, p int)",
		"ALTER TABLE t ADD CONSTRAINT c CHECK (p IS NOT NULL) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c; ALTER TABLE t ALTER id SET NOT NULL",
		"ALTER TABLE t ADD CONSTRAINT c CHECK ((id IS NOT NULL)) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c; ALTER TABLE t ALTER id SET NOT NULL"},
	{"set-not-null", `CREATE TABLE "T" ("Id" int)`,
		`ALTER TABLE "T" ADD CONSTRAINT "C" CHECK ("Id" IS NOT NULL) NOT VALID; ALTER TABLE "T" VALIDATE CONSTRAINT c; ALTER TABLE "T" ALTER "Id" SET NOT NULL`,
		`ALTER TABLE "T" ADD CONSTRAINT "C" CHECK ("Id" IS NOT NULL) NOT VALID; ALTER TABLE "T" VALIDATE CONSTRAINT "C"; ALTER TABLE "T" ALTER "Id" SET NOT NULL`},
	{"column-type-change", "CREATE TABLE t (id int PRIMARY KEY, a int)", "ALTER TABLE t ALTER COLUMN a TYPE bigint",
		"ALTER TABLE t ALTER COLUMN id TYPE bigint"},
	{"primary-key-type-change", "CREATE TABLE t (id int PRIMARY KEY, a int)", "ALTER TABLE t ALTER COLUMN id TYPE bigint",
		"ALTER TABLE t ALTER COLUMN a TYPE bigint"},
	{"primary-key-type-change", "CREATE TABLE t (id int, a int, PRIMARY KEY (a))", "ALTER TABLE t ALTER a TYPE bigint",
		"ALTER TABLE t ALTER id TYPE bigint"},
	{"volatile-default", "CREATE TABLE t (id int)", "ALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid()",
		"ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now()"},
	{"volatile-default", "CREATE TABLE t (id int)", "ALTER TABLE t ADD COLUMN n bigserial",
		"ALTER TABLE t ADD COLUMN n bigint"},
	{"add-not-null-without-default", "CREATE TABLE t (id int)", "ALTER TABLE t ADD COLUMN n int NOT NULL",
		"ALTER TABLE t ADD COLUMN n int NOT NULL DEFAULT 0"},
	{"rename-column", "CREATE TABLE t (id int)", "ALTER TABLE t RENAME COLUMN id TO key",
		"ALTER TABLE t RENAME CONSTRAINT c TO d"},
	{"rename-table", "CREATE TABLE t (id int)", "ALTER TABLE t RENAME TO u",
		"ALTER INDEX i RENAME TO j"},
	{"drop-column", "CREATE TABLE t (id int, a int)", "ALTER TABLE t DROP COLUMN a",
		"ALTER TABLE t DROP CONSTRAINT a"},
	{"drop-table", "CREATE TABLE t (id int)", "DROP TABLE t",
		"CREATE TABLE n (id int); DROP TABLE n"},
	{"enum-value-used-in-transaction", "CREATE TYPE mood AS ENUM ('a')",
		"BEGIN; ALTER TYPE mood ADD VALUE 'b'; INSERT INTO t VALUES ('b'); COMMIT",
		"BEGIN; ALTER TYPE mood ADD VALUE 'b'; COMMIT; INSERT INTO t VALUES ('b')"},
	{"lock-timeout", "CREATE TABLE t (id int)", "ALTER TABLE t ADD COLUMN a int",
		"SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN a int"},
	{"vacuum-full", "", "VACUUM FULL t", "VACUUM t"},
	{"cluster", "", "CLUSTER t USING i", "ANALYZE t"},
	{"reindex-concurrently", "", "REINDEX TABLE t", "REINDEX TABLE CONCURRENTLY t"},
	{"truncate", "", "TRUNCATE t", "DELETE FROM t WHERE false"},
	{"prefer-bigint-key", "", "CREATE TABLE t (id serial PRIMARY KEY)", "CREATE TABLE t (id bigserial PRIMARY KEY)"},
	{"prefer-bigint-key", "", "CREATE TABLE t (id int, PRIMARY KEY (id))", "CREATE TABLE t (id int, k bigint PRIMARY KEY)"},
	{"prefer-timestamptz", "", "CREATE TABLE t (at timestamp)", "CREATE TABLE t (at timestamptz)"},
	{"prefer-text", "", "CREATE TABLE t (s varchar(20))", "CREATE TABLE t (s text, v varchar)"},
}

// lintSQL lints two plain SQL revisions, before and then src, and returns
// the findings of src.
func lintSQL(t *testing.T, before, src string) []Finding {
	t.Helper()
	var revs []Revision
	for i, s := range []string{before, src} {
		rev, err := FromSQL([]string{"before.sql", "rev.sql"}[i], []byte(s), false)
		if err != nil {
			t.Fatal(err)
		}
		revs = append(revs, rev)
	}
	var out []Finding
	for _, f := range Check(revs) {
		if f.File == "rev.sql" {
			out = append(out, f)
		}
	}
	return out
}

func has(fs []Finding, rule string) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Rule == rule })
}

func TestRules(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range ruleCases {
		seen[c.rule] = true
		t.Run(c.rule, func(t *testing.T) {
			r, ok := RuleByID(c.rule)
			if !ok {
				t.Fatalf("no rule %s", c.rule)
			}
			got := lintSQL(t, c.before, c.flag)
			if !has(got, c.rule) {
				t.Errorf("%q: %s not reported; got %v", c.flag, c.rule, got)
			}
			for _, f := range got {
				if f.Rule == c.rule && f.Severity != r.Severity {
					t.Errorf("%s reported as %s, rule says %s", c.rule, f.Severity, r.Severity)
				}
			}
			if got := lintSQL(t, c.before, c.miss); has(got, c.rule) {
				t.Errorf("near miss %q: %s reported: %v", c.miss, c.rule, got)
			}
			// The directive on the line above the flagged statement
			// silences this rule, and only it.
			stmts := strings.Split(c.flag, ";")
			last := len(stmts) - 1
			if c.rule == "enum-value-used-in-transaction" {
				last = 2
			}
			stmts[last] = "\n-- retort:lint-ignore " + c.rule + "\n" + strings.TrimSpace(stmts[last])
			ignored := strings.Join(stmts, ";")
			if got := lintSQL(t, c.before, ignored); has(got, c.rule) {
				t.Errorf("%q: %s reported despite the directive: %v", ignored, c.rule, got)
			}
		})
	}
	for _, r := range Rules {
		if !seen[r.ID] {
			t.Errorf("rule %s has no test case", r.ID)
		}
		if r.Doc == "" || r.Severity.Rank() == 0 {
			t.Errorf("rule %s: no doc or severity", r.ID)
		}
	}
}

// TestOnlineFormsNotFlagged: the statements of retort's online plans, on a
// table that exists, are what the rules advise, so none of them is
// reported.
func TestOnlineFormsNotFlagged(t *testing.T) {
	before := "CREATE TABLE t (id int, p int, s text); CREATE UNIQUE INDEX t_id ON t (id)"
	for _, src := range []string{
		"CREATE INDEX CONCURRENTLY i ON t (p)",
		"CREATE UNIQUE INDEX CONCURRENTLY i ON t (p)",
		"DROP INDEX CONCURRENTLY i",
		"ALTER TABLE t VALIDATE CONSTRAINT c",
		"ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX t_id",
		"ALTER TABLE t ADD CONSTRAINT k PRIMARY KEY USING INDEX t_id",
		"ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (p) REFERENCES t (id) NOT VALID",
		"ALTER TABLE t ADD CONSTRAINT c CHECK (p IS NOT NULL) NOT VALID",
		"ALTER TABLE t ADD COLUMN n bigint",
		"ALTER TABLE t ALTER COLUMN s SET DEFAULT 'x'",
		"DO $$BEGIN ALTER TABLE t ALTER COLUMN p SET NOT NULL; DROP TABLE t; END$$",
		"DO $retort$ DECLARE n bigint; BEGIN UPDATE t SET p = 0 WHERE p IS NULL; COMMIT; END $retort$",
	} {
		revs := make([]Revision, 2)
		for i, s := range []string{before, src} {
			rev, err := FromSQL("rev.sql", []byte(s), false)
			if err != nil {
				t.Fatal(err)
			}
			rev.RunnerSetsLockTimeout = true
			revs[i] = rev
		}
		var got []Finding
		for _, f := range Check(revs) {
			if f.Line > 0 && !strings.HasPrefix(f.Rule, "prefer-") {
				got = append(got, f)
			}
		}
		if len(got) > 0 {
			t.Errorf("%s: reported %v", src, got)
		}
	}
}

// TestKinds: every rule that can stop an upgrade names a hazard kind that
// the gate knows.
func TestKinds(t *testing.T) {
	kinds := []string{render.HazardDataLoss, render.HazardTableRewrite, render.HazardIndexBuild, render.HazardExclusiveLock,
		render.HazardShareRowExclusiveLock, render.HazardNotNullNoDefault, render.HazardNonTransactional, render.HazardSecretOmitted}
	for _, r := range Rules {
		if r.Kind == "" && r.Severity == Danger || r.Kind != "" && !slices.Contains(kinds, r.Kind) {
			t.Errorf("rule %s (%s) has kind %q", r.ID, r.Severity, r.Kind)
		}
	}
	got := lintSQL(t, "CREATE TABLE t (id int)", "DROP TABLE t, public.u")
	if len(got) == 0 || got[0].Kind != render.HazardDataLoss || len(got[0].Tables) != 2 || got[0].Tables[1].String() != "public.u" {
		t.Errorf("DROP TABLE t, public.u: got %+v", got)
	}
}

func TestRunnerSetsLockTimeout(t *testing.T) {
	rev, err := FromSQL("native.sql", []byte("ALTER TABLE t ADD COLUMN a int;\n"), true)
	if err != nil {
		t.Fatal(err)
	}
	if got := Check([]Revision{rev}); !has(got, "lock-timeout") {
		t.Fatalf("lock-timeout not reported for a plain file: %v", got)
	}
	rev.RunnerSetsLockTimeout = true
	if got := Check([]Revision{rev}); has(got, "lock-timeout") {
		t.Fatalf("lock-timeout reported for a revision whose runner sets it: %v", got)
	}
}

func TestFindingPosition(t *testing.T) {
	src := "CREATE TABLE u (id bigint);\n\n-- a comment\n  CREATE INDEX i ON t (id);\nSELECT 1; TRUNCATE t;\n"
	got := lintSQL(t, "CREATE TABLE t (id bigint)", src)
	want := []string{
		"rev.sql:4:3: danger index-concurrently: CREATE INDEX on t without CONCURRENTLY blocks its writes while the index builds",
		"rev.sql:5:11: danger truncate: TRUNCATE t deletes every row under an ACCESS EXCLUSIVE lock",
	}
	var lines []string
	for _, f := range got {
		if f.Rule != "lock-timeout" {
			lines = append(lines, f.String())
		}
	}
	if !slices.Equal(lines, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseError(t *testing.T) {
	got := lintSQL(t, "", "CREATE TABEL t (id int)")
	if !has(got, "parse-error") {
		t.Fatalf("an unparsable statement is not reported: %v", got)
	}
}

// TestRulesDocumented keeps docs/online.md's table of rules in step with
// the rules.
func TestRulesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/online.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range append([]Rule{parseRule}, Rules...) {
		row := "| `" + r.ID + "` | " + string(r.Severity) + " | "
		if !strings.Contains(string(doc), row) {
			t.Errorf("docs/online.md has no row %q…", row)
		}
	}
}

// FuzzCheck checks that no statement makes a rule panic, and that every
// finding is located in the file.
func FuzzCheck(f *testing.F) {
	for _, c := range ruleCases {
		f.Add(c.before + ";\n" + c.flag)
	}
	f.Fuzz(func(t *testing.T, src string) {
		rev, err := FromSQL("f.sql", []byte(src), true)
		if err != nil {
			return
		}
		lines := strings.Count(src, "\n") + 1
		for _, fd := range Check([]Revision{rev}) {
			if fd.Line < 1 || fd.Line > lines || fd.Col < 1 || fd.Severity.Rank() == 0 {
				t.Fatalf("bad finding %+v", fd)
			}
		}
	})
}

// TestFindingIsOneLine: a finding's text form stays on one line whatever
// the names in its message hold.
func TestFindingIsOneLine(t *testing.T) {
	f := Finding{File: "a\nb.sql", Line: 1, Col: 2, Severity: Warning, Rule: "r", Message: "drops \"x\ny\"\r\n"}
	if s := f.String(); strings.ContainsAny(s, "\r\n") {
		t.Errorf("String() = %q spans lines", s)
	}
}
