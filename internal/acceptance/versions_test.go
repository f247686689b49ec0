package acceptance

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"golang.org/x/tools/txtar"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/sharedtest"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
)

// versionPairs is how many random pairs each major of TestVersions runs.
const versionPairs = 20

// TestVersions runs, on every PostgreSQL major of devdbtest.TestedMajors
// whose binaries `scripts/setup --test` installed, what the rest of the
// suite proves on the system's 15: the plan corpus, random pairs, and the
// real schemas' round trips (GitLab on 18 only; PostgREST's fixtures need
// PostGIS, which those binaries lack). The migrations workflow runs in
// cmd/retort's TestVersions. A failure is named TestVersions/MAJOR/….
func TestVersions(t *testing.T) {
	devdbtest.ForEachMajor(t, func(t *testing.T, major int) {
		t.Run("corpus", func(t *testing.T) { versionCorpus(t, major) })
		t.Run("random", func(t *testing.T) {
			for i := range versionPairs {
				seed := *randomSeed + uint64(i)
				t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
					t.Parallel()
					from, to := randomPair(seed)
					if err := (planRoundTrip{fromSQL: from, toSQL: to, columnOrderAside: true}).run(t); err != nil {
						t.Errorf("%v\n-- from.sql --\n%s\n-- to.sql --\n%s", err, from, to)
					}
				})
			}
		})
		t.Run("realschemas", func(t *testing.T) { versionRealSchemas(t, major) })
		t.Run("differences", func(t *testing.T) { versionDifferences(t, major) })
	})
}

// versionDifferences proves what retort does where one major differs from
// another.
func versionDifferences(t *testing.T, major int) {
	t.Run("plan needs a newer server", func(t *testing.T) {
		t.Parallel()
		url := devdbtest.NewDatabase(t)
		psqlText(t, url, "from.sql", "CREATE TABLE t (a int, b int);")
		from := inspect(t, url)
		to := inspect(t, url)
		to.Tables[0].Indexes = append(to.Tables[0].Indexes, model.Index{
			Name: "t_a_key", Unique: true, Method: "btree", Keys: []string{"a"}, NullsNotDistinct: true,
			Definition: "CREATE UNIQUE INDEX t_a_key ON public.t USING btree (a) NULLS NOT DISTINCT",
		})
		to.Tables[0].Columns[1].Compression = "lz4"
		_, err := render.NewPlan(from, to, render.PlanOptions{})
		var old *diff.ServerTooOldError
		switch {
		case major >= 15 && err != nil:
			t.Errorf("PostgreSQL %d has NULLS NOT DISTINCT and COMPRESSION, but the plan fails: %v", major, err)
		case major < 15 && !errors.As(err, &old):
			t.Errorf("PostgreSQL %d lacks NULLS NOT DISTINCT: want a *diff.ServerTooOldError, got %v", major, err)
		case major < 15:
			want := 1
			if major < 14 {
				want = 2
			}
			if len(old.Needs) != want || old.Needs[0].Major != 15 {
				t.Errorf("needs = %+v, want NULLS NOT DISTINCT (15) first and %d in all\n%v", old.Needs, want, err)
			}
		}
	})
	t.Run("named not null", func(t *testing.T) {
		t.Parallel()
		// A name longer than 63 bytes in all shows that the default name
		// is cut as PostgreSQL cuts it: it must not read as declared.
		long := strings.Repeat("l", 60)
		url := devdbtest.NewDatabase(t)
		psqlText(t, url, "from.sql", `CREATE TABLE t (a text CONSTRAINT a_nn NOT NULL, b text NOT NULL);
CREATE TABLE `+long+` (`+long+` int NOT NULL);`)
		s := inspect(t, url)
		want := map[string]string{"a": "", "b": "", long: ""}
		if major >= 18 {
			want["a"] = "a_nn"
		}
		for _, tb := range s.Tables {
			for _, c := range tb.Columns {
				if c.NotNullName != want[c.Name] {
					t.Errorf("column %s.%s: NotNullName = %q, want %q", tb.Name, c.Name, c.NotNullName, want[c.Name])
				}
			}
		}
		if major >= 18 {
			// NO INHERIT came to NOT NULL in 18.
			psqlText(t, url, "more.sql", "CREATE TABLE u (c int CONSTRAINT c_ni NOT NULL NO INHERIT);")
			s = inspect(t, url)
			if c := s.Tables[slices.IndexFunc(s.Tables, func(tb model.Table) bool { return tb.Name == "u" })].Columns[0]; c.NotNullName != "c_ni" || !c.NotNullNoInherit {
				t.Errorf("column u.c: NotNullName %q, NotNullNoInherit %v; want c_ni, true", c.NotNullName, c.NotNullNoInherit)
			}
		}
		ddl, err := render.SchemaSQL(s, render.Options{})
		if err != nil {
			t.Fatal(err)
		}
		copyDB := devdbtest.NewDatabase(t)
		psqlText(t, copyDB, "copy.sql", ddl)
		if got := inspect(t, copyDB); !got.Equal(s) {
			t.Errorf("inspect's SQL rebuilds another schema (- original, + rebuilt):\n%s\n%s", schemaDiff(s, got), ddl)
		}
	})
	for _, vc := range versionCases {
		if major < vc.min {
			continue
		}
		t.Run(vc.name, func(t *testing.T) {
			t.Parallel()
			text := vc.text
			if h, ok := vc.hazards[major]; ok {
				text += "-- hazards --\n" + h + "\n"
			}
			path := filepath.Join(t.TempDir(), "case.txtar")
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := runCorpusCase(t, path, false); err != nil {
				t.Error(err)
			}
		})
	}
	if major >= 18 {
		t.Run("not valid not null is read", func(t *testing.T) {
			t.Parallel()
			url := devdbtest.NewDatabase(t)
			psqlText(t, url, "from.sql", "CREATE TABLE t (a int); ALTER TABLE t ADD CONSTRAINT a_nv NOT NULL a NOT VALID;")
			c := inspect(t, url).Tables[0].Columns[0]
			if !c.NotNull || !c.NotNullNotValid || c.NotNullName != "a_nv" {
				t.Errorf("column t.a = %+v; want NOT NULL a_nv NOT VALID", c)
			}
		})
	}
}

// versionCorpus runs every case of the render package's plan corpus as
// render's TestPlanCorpus does, but for the golden scripts, which hold
// PostgreSQL 15's spelling of expressions.
func versionCorpus(t *testing.T, major int) {
	files, err := filepath.Glob(filepath.Join(planCorpus, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no plan corpus in %s (%v)", planCorpus, err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txtar"), func(t *testing.T) {
			t.Parallel()
			if h, ok := corpusHazardsOn[strings.TrimSuffix(filepath.Base(f), ".txtar")][major]; ok {
				f = withHazards(t, f, h)
			}
			if err := runCorpusCase(t, f, false); err != nil {
				if nl := (errNotLoadable{}); errors.As(err, &nl) {
					t.Skipf("PostgreSQL %d cannot load the case: %v", major, nl.err)
				}
				t.Error(err)
			}
			// The online forms differ by major (a NOT VALID NOT NULL
			// constraint on 18): the cases about them run online too.
			if strings.HasPrefix(filepath.Base(f), "online_") {
				if err := runCorpusCase(t, f, true); err != nil {
					t.Errorf("online: %v", err)
				}
			}
		})
	}
}

// corpusHazardsOn are the hazard kinds of corpus cases whose plan differs
// on a major from 15's, which the corpus holds, by case and major.
var corpusHazardsOn = map[string]map[int]string{
	// SET EXPRESSION (17) in place of a drop and add.
	"generated_change": {17: "table-rewrite", 18: "table-rewrite"},
}

// withHazards writes a copy of the corpus case at path with hazards in
// place of its hazards section, and returns the copy's path.
func withHazards(t *testing.T, path, hazards string) string {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ar.Files {
		if ar.Files[i].Name == "hazards" {
			ar.Files[i].Data = []byte(hazards + "\n")
		}
	}
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(out, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// runCorpusCase builds from.sql and to.sql (each as one simple-protocol
// query, as render's corpus does), plans with the case's renames and
// options, and proves the plan round trip: up gives to.sql's schema, a
// second plan is empty, down gives from.sql's back. It also checks the
// case's hazard kinds (plain plans only: online ones differ).
func runCorpusCase(t *testing.T, path string, online bool) error {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		return err
	}
	files := map[string]string{}
	for _, f := range ar.Files {
		files[f.Name] = string(f.Data)
	}
	opts := render.PlanOptions{Options: render.Options{Comments: true}, Online: online}
	for _, line := range strings.Split(files["renames"], "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		h, err := diff.ParseRename(line)
		if err != nil {
			return err
		}
		opts.Diff.Renames = append(opts.Diff.Renames, h)
	}
	for _, o := range strings.Fields(files["options"]) {
		switch o {
		case "owners":
			opts.Owners, opts.Diff.Owners = true, true
		case "privileges":
			opts.Privileges, opts.Diff.Privileges = true, true
		default:
			return fmt.Errorf("unknown option %q", o)
		}
	}
	fromURL, toURL := devdbtest.NewDatabase(t), devdbtest.NewDatabase(t)
	for _, db := range []struct{ url, sql string }{{fromURL, files["from.sql"]}, {toURL, files["to.sql"]}} {
		if err := execText(t.Context(), db.url, db.sql); err != nil {
			return errNotLoadable{err}
		}
	}
	from, err := inspectErr(fromURL)
	if err != nil {
		return err
	}
	to, err := inspectErr(toURL)
	if err != nil {
		return err
	}
	plan, err := render.NewPlan(from, to, opts)
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	if want, ok := files["hazards"]; ok && !online {
		if err := sameHazards(plan, want); err != nil {
			return err
		}
	}
	if err := psqlTry(t, fromURL, "up.sql", plan.UpSQL()); err != nil {
		return fmt.Errorf("up does not apply: %w\n%s", err, render.Script(plan.Up))
	}
	after, err := inspectErr(fromURL)
	if err != nil {
		return err
	}
	if !after.Equal(to) {
		return fmt.Errorf("after up the database differs from to.sql's (- after up, + to.sql):\n%s\nup:\n%s", schemaDiff(after, to), render.Script(plan.Up))
	}
	opts.Diff.Renames = nil
	again, err := render.NewPlan(after, to, opts)
	if err != nil {
		return fmt.Errorf("second plan: %w", err)
	}
	if len(again.Up) > 0 {
		return fmt.Errorf("a second plan is not empty:\n%s", render.Script(again.Up))
	}
	if err := psqlTry(t, fromURL, "down.sql", plan.DownSQL()); err != nil {
		return fmt.Errorf("down does not apply: %w\n%s", err, render.Script(plan.Down))
	}
	back, err := inspectErr(fromURL)
	if err != nil {
		return err
	}
	if !back.Equal(from) {
		return fmt.Errorf("after down the database differs from from.sql's (- after down, + from.sql):\n%s\ndown:\n%s", schemaDiff(back, from), render.Script(plan.Down))
	}
	return nil
}

// sameHazards compares the plan's hazard kinds with a case's hazards
// section.
func sameHazards(plan *render.Plan, want string) error {
	var got []string
	for _, h := range plan.Hazards() {
		if !slices.Contains(got, h.Kind) {
			got = append(got, h.Kind)
		}
	}
	slices.Sort(got)
	wantKinds := strings.Fields(want)
	slices.Sort(wantKinds)
	if !slices.Equal(got, wantKinds) {
		return fmt.Errorf("hazard kinds = %v, want %v\n%s", got, wantKinds, render.Script(plan.Up))
	}
	return nil
}

// execText runs SQL text as one simple-protocol query, as a user's file.
func execText(ctx context.Context, url, text string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.PgConn().Exec(ctx, text).ReadAll()
	return err
}

// versionRealSchemas proves on major what TestRealSchemas proves on 15, for
// the real schemas whose extensions the npm binaries carry: GitLab on 18
// only, to keep CI's time in bounds, and no PostgREST (PostGIS).
func versionRealSchemas(t *testing.T, major int) {
	for _, rs := range realSchemas {
		t.Run(rs.name, func(t *testing.T) {
			switch {
			case rs.name == "postgrest":
				t.Skip("PostgREST's fixtures need PostGIS, which the npm server binaries lack")
			case rs.name == "gitlab" && major != 18:
				t.Skip("GitLab runs on 15 and 18 only")
			case rs.name == "gitlab" && testing.Short():
				t.Skip("gitlab takes a while; runs without -short")
			}
			t.Parallel()
			var files []string
			for _, f := range rs.files {
				files = append(files, sharedtest.Schema(t, f))
			}
			orig := devdbtest.NewDatabase(t)
			psql(t, orig, files...)
			want := inspect(t, orig)
			if len(want.Tables) == 0 {
				t.Fatal("inspect found no tables")
			}
			t.Run("inspect sql rebuilds it", func(t *testing.T) {
				t.Parallel()
				inspectRebuilds(t, want, rs.name)
			})
			t.Run("diff against itself is empty", func(t *testing.T) {
				t.Parallel()
				plan, err := render.NewPlan(want, inspect(t, orig), everything)
				if err != nil {
					t.Fatal(err)
				}
				if len(plan.Changes)+len(plan.Up)+len(plan.Down) > 0 {
					t.Errorf("diff of %s with itself is not empty:\n%s", rs.name, render.Script(plan.Up))
				}
			})
			t.Run("built from empty and emptied by down", func(t *testing.T) {
				t.Parallel()
				fromEmpty(t, want)
			})
			for _, form := range []string{"sql", "hcl", "yaml"} {
				t.Run("declared "+form+" diffs empty", func(t *testing.T) {
					t.Parallel()
					declaredDiffsEmpty(t, want, rs.name, form)
				})
			}
		})
	}
}

// versionCases are plan round trips (txtar as in the plan corpus) that
// prove how retort plans where majors differ, from major min up, with the
// hazard kinds each major's plan must have.
var versionCases = []struct {
	name    string
	min     int
	text    string
	hazards map[int]string
}{
	{
		// 17 changes a stored column's expression in place; before, the
		// column is dropped and added again.
		name: "stored generated expression", min: 13,
		text: `-- from.sql --
CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED);
-- to.sql --
CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 3) STORED);
`,
		hazards: map[int]string{13: "access-exclusive-lock data-loss table-rewrite", 14: "access-exclusive-lock data-loss table-rewrite",
			16: "access-exclusive-lock data-loss table-rewrite", 17: "table-rewrite", 18: "table-rewrite"},
	},
	{
		// A virtual column holds no values: SET EXPRESSION rewrites
		// nothing, and nothing is dropped.
		name: "virtual generated expression", min: 18,
		text: `-- from.sql --
CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) VIRTUAL);
-- to.sql --
CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 3) VIRTUAL);
`,
		hazards: map[int]string{18: "access-exclusive-lock"},
	},
	{
		// PostgreSQL 18 names NOT NULL constraints TABLE_COLUMN_not_null
		// and keeps the name through renames: the plan renames it as
		// to.sql's would be named.
		name: "not null names follow renames", min: 18,
		text: `-- from.sql --
CREATE TABLE people (id int NOT NULL, mail text NOT NULL, nick text CONSTRAINT nick_nn NOT NULL);
-- to.sql --
CREATE TABLE persons (id int NOT NULL, email text NOT NULL, nick text CONSTRAINT nick_required NOT NULL);
-- renames --
public.people=public.persons
public.persons.mail=email
`,
	},
	{
		name: "not null forms", min: 18,
		text: `-- from.sql --
CREATE TABLE t (a int, b int, c int CONSTRAINT c_nn NOT NULL, d int CONSTRAINT d_nn NOT NULL NO INHERIT, e int);
ALTER TABLE t ADD CONSTRAINT e_nn NOT NULL e NOT VALID;
-- to.sql --
CREATE TABLE t (a int CONSTRAINT a_nn NOT NULL, b int, c int CONSTRAINT c_nn NOT NULL NO INHERIT, d int CONSTRAINT d_nn NOT NULL, e int CONSTRAINT e_nn NOT NULL, f int);
ALTER TABLE t ADD CONSTRAINT b_nv NOT NULL b NOT VALID;
ALTER TABLE t ADD CONSTRAINT f_nv NOT NULL f NOT VALID;
CREATE TABLE u (x int);
ALTER TABLE u ADD CONSTRAINT x_nv NOT NULL x NOT VALID;
`,
	},
	{
		// A detached partition keeps its parent's constraint's name.
		name: "detached partition's not null", min: 18,
		text: `-- from.sql --
CREATE TABLE m (at date NOT NULL, v int) PARTITION BY RANGE (at);
CREATE TABLE m_old PARTITION OF m FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
-- to.sql --
CREATE TABLE m (at date NOT NULL, v int) PARTITION BY RANGE (at);
CREATE TABLE m_old (at date NOT NULL, v int);
`,
	},
}
