package acceptance

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
	"github.com/retortdb/retort/source"
)

// fixpointHolds proves, for a declared schema S given as SQL text, what
// issue 13 promises of every schema that loads (DESIGN.md, "The pipeline":
// comparisons happen at PostgreSQL's fixpoint):
//   - the database that the plan from empty to S (what revision
//     --autogenerate writes) builds diffs empty against S, which is check
//     and check --url after that revision;
//   - with loaded, a database loaded from S's own SQL diffs empty against
//     S. The corpora leave this out: the declared side is read from just
//     such a database, so it costs a database per case to prove little.
//
// Both are compared as check compares them: without owners and grants,
// after Loader.Reconcile. It returns errNotLoadable when S does not load.
func fixpointHolds(t *testing.T, name, text string, loaded bool) error {
	path := filepath.Join(t.TempDir(), name+".sql")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	// Trusted: the corpora are the suite's own fixtures, and the real
	// schemas create extensions only a superuser may (file_fdw, postgis).
	l := &source.Loader{DevURL: devdbtest.Server(t).ConnString("postgres"), Trusted: true}
	defer l.Close()
	declared, err := l.Load(t.Context(), path)
	if err != nil {
		return errNotLoadable{err}
	}
	if err := upgradedAtFixpoint(t, l, declared); err != nil {
		return err
	}
	if !loaded {
		return nil
	}
	db := devdbtest.NewDatabase(t)
	if err := source.ApplySQL(t.Context(), db, name, []byte(text)); err != nil {
		return errNotLoadable{err}
	}
	if err := emptyAtFixpoint(t, l, inspect(t, db), declared); err != nil {
		return fmt.Errorf("database loaded from the schema's SQL: %w", err)
	}
	return nil
}

// upgradedAtFixpoint applies the plan from empty to declared (what revision
// --autogenerate writes) to a new database and expects it to diff empty
// against declared, as check and check --url then do.
func upgradedAtFixpoint(t *testing.T, l *source.Loader, declared *model.Schema) error {
	opts := render.PlanOptions{Options: render.Options{Comments: true}}
	upgraded := devdbtest.NewDatabase(t)
	plan, err := render.NewPlan(inspect(t, upgraded), declared, opts)
	if err != nil {
		return err
	}
	if err := psqlTry(t, upgraded, "up.sql", plan.UpSQL()); err != nil {
		return fmt.Errorf("the revision's up does not apply: %w", err)
	}
	if err := emptyAtFixpoint(t, l, inspect(t, upgraded), declared); err != nil {
		return fmt.Errorf("database upgraded by the revision: %w", err)
	}
	return nil
}

// TestFixpointGORM: GORM models whose check: tags constrain string fields
// (testdata/orms, whose catalog TestORMsAgree holds to AutoMigrate's) pass
// check after revision --autogenerate from them.
func TestFixpointGORM(t *testing.T) {
	dev := devdbtest.Server(t).ConnString("postgres")
	t.Chdir("../../model/gotag/testdata/orms")
	l := &source.Loader{DevURL: dev}
	defer l.Close()
	declared, err := l.Load(t.Context(), "go://./gormmodels")
	if err != nil {
		t.Fatal(err)
	}
	if err := upgradedAtFixpoint(t, l, declared); err != nil {
		t.Error(err)
	}
}

// emptyAtFixpoint reconciles live with declared and expects no change.
func emptyAtFixpoint(t *testing.T, l *source.Loader, live, declared *model.Schema) error {
	if _, err := l.Reconcile(t.Context(), live, declared); err != nil {
		return err
	}
	plan, err := render.NewPlan(live, declared, render.PlanOptions{Options: render.Options{Comments: true}})
	if err != nil {
		return err
	}
	if len(plan.Changes) > 0 {
		return fmt.Errorf("diff is not empty:\n%s", tail(render.Script(plan.Up), 4000))
	}
	return nil
}

// respelled are expressions that PostgreSQL prints so that the printed
// text, applied again, reads back otherwise, in every place an expression
// lives.
var respelled = []struct{ name, sql string }{
	{"check in varchar", `CREATE TABLE m (role varchar(16) CONSTRAINT role_ok CHECK (role IN ('owner','member')));`},
	{"check in char", `CREATE TABLE m (c char(2) CHECK (c IN ('ab','cd')));`},
	{"check in domain", `CREATE DOMAIN d AS varchar(8); CREATE TABLE m (c d CHECK (c IN ('a','b')));`},
	{"check any array cast", `CREATE TABLE m (c varchar(8) CHECK (c = ANY (ARRAY['a','b']::varchar[])));`},
	{"check not in", `CREATE TABLE m (c varchar(8) CHECK (c NOT IN ('a','b')));`},
	{"check between", `CREATE TABLE m (c varchar(8) CHECK (c BETWEEN 'a' AND 'm'), n numeric CHECK (n BETWEEN 0 AND 1.50));`},
	{"check like any", `CREATE TABLE m (c varchar(8) CHECK (c LIKE ANY (ARRAY['a%','b%'])), d varchar(8) CHECK (d NOT LIKE ALL (ARRAY['x%','y%'])));`},
	{"check row comparison", `CREATE TABLE m (a int, b varchar(4), CHECK ((a, b) > (0, 'a')), CHECK (ROW(a, b) IS NOT NULL));`},
	{"check array literal", `CREATE TABLE m (tags varchar(8)[] CHECK (tags <@ '{a,b}'), t text[] DEFAULT '{}' CHECK (t <> ARRAY['x']));`},
	{"numeric and interval literals", `CREATE TABLE m (n numeric(6,2) DEFAULT 1.50 CHECK (n > -1.5e2), i interval DEFAULT '1 day 2 hours' CHECK (i < interval '1 year'));`},
	{"collate", `CREATE TABLE m (c varchar(8) COLLATE "C" CHECK (c > 'a' COLLATE "C"), d text CHECK (d IN ('a' COLLATE "C", 'b')));`},
	{"defaults", `CREATE TABLE m (c varchar(8) DEFAULT 'a', d char(3) DEFAULT 'ab', e varchar(8)[] DEFAULT ARRAY['a','b'], f date DEFAULT '2020-01-01', g timestamptz DEFAULT now() + interval '1 day');`},
	{"generated column", `CREATE TABLE m (c varchar(8), g boolean GENERATED ALWAYS AS (c IN ('a','b')) STORED, h text GENERATED ALWAYS AS (c || 'x') STORED);`},
	{"partition bounds", `CREATE TABLE p (k varchar(8), d date) PARTITION BY LIST (k);
CREATE TABLE p1 PARTITION OF p FOR VALUES IN ('a', 'b');
CREATE TABLE q (d date) PARTITION BY RANGE (d);
CREATE TABLE q1 PARTITION OF q FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE r (n numeric) PARTITION BY RANGE (n);
CREATE TABLE r1 PARTITION OF r FOR VALUES FROM (1.50) TO (2.5e1);`},
	{"partition with check", `CREATE TABLE p (k varchar(8) CHECK (k IN ('a','b','c'))) PARTITION BY LIST (k);
CREATE TABLE p1 PARTITION OF p FOR VALUES IN ('a');`},
	{"view", `CREATE TABLE m (c varchar(8), n numeric);
CREATE VIEW v AS SELECT c, n FROM m WHERE c IN ('a','b') AND n BETWEEN 0 AND 1.5 AND c LIKE ANY (ARRAY['a%']);`},
	{"materialized view", `CREATE TABLE m (c varchar(8));
CREATE MATERIALIZED VIEW v AS SELECT c FROM m WHERE c IN ('a','b');
CREATE INDEX v_c ON v (c) WHERE c IN ('a','b');`},
	{"policy", `CREATE TABLE m (c varchar(8), o varchar(8));
ALTER TABLE m ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON m USING (c IN ('a','b')) WITH CHECK (o IN ('x','y'));
CREATE POLICY i ON m FOR INSERT WITH CHECK (c = ANY (ARRAY['a','b']));`},
	{"domain check", `CREATE DOMAIN d AS varchar(8) DEFAULT 'a' CONSTRAINT d_ok CHECK (VALUE IN ('a','b')) CONSTRAINT d_len CHECK (length(VALUE) BETWEEN 1 AND 8);
CREATE TABLE m (c d);`},
	{"index predicate and expression", `CREATE TABLE m (c varchar(8), n int);
CREATE INDEX m_c ON m (n) WHERE c IN ('a','b');
CREATE UNIQUE INDEX m_u ON m ((c IN ('a','b')), lower(c)) WHERE c NOT IN ('x');`},
	{"trigger when", `CREATE TABLE m (c varchar(8));
CREATE FUNCTION t() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER tr BEFORE UPDATE ON m FOR EACH ROW WHEN (NEW.c IN ('a','b') AND OLD.c IS DISTINCT FROM NEW.c) EXECUTE FUNCTION t();`},
}

// TestFixpointRespelled holds the fixpoint property over expressions that
// PostgreSQL is known to re-spell.
func TestFixpointRespelled(t *testing.T) {
	for _, c := range respelled {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if err := fixpointHolds(t, strings.ReplaceAll(c.name, " ", "_"), c.sql, true); err != nil {
				t.Error(err)
			}
		})
	}
}

// planCorpus is the render package's plan corpus.
const planCorpus = "../../render/testdata/plans"

// TestFixpointPlanCorpus holds the fixpoint property over the to.sql side
// of every case of the plan corpus.
func TestFixpointPlanCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(planCorpus, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no plan corpus in %s (%v)", planCorpus, err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txtar")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ar, err := txtar.ParseFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, file := range ar.Files {
				if file.Name != "to.sql" {
					continue
				}
				err := fixpointHolds(t, name, string(file.Data), false)
				if nl := (errNotLoadable{}); errors.As(err, &nl) {
					t.Skipf("does not load as a declared source: %v", nl.err)
				}
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// TestFixpointPsqldef holds the fixpoint property over the desired schema
// of every psqldef case in scope (see TestPsqldefCorpus).
func TestFixpointPsqldef(t *testing.T) {
	if !*runPsqldef || testing.Short() {
		t.Skip("the psqldef corpus is left out by -psqldef=false or -short")
	}
	corpus := psqldefCorpus(t)
	files, _ := filepath.Glob(filepath.Join(corpus, "tests*.yml"))
	if len(files) == 0 {
		t.Fatalf("no psqldef corpus in %s", corpus)
	}
	major := devdbtest.Server(t).Major()
	for _, nc := range readPsqldefCases(t, files) {
		c := nc.c
		t.Run(nc.name, func(t *testing.T) {
			if why := c.outOfScope(major); why != "" || strings.TrimSpace(c.Desired) == "" {
				t.Skip("outside the corpus rule, or declares nothing")
			}
			t.Parallel()
			err := fixpointHolds(t, "desired", c.Desired, false)
			if nl := (errNotLoadable{}); errors.As(err, &nl) {
				t.Skipf("does not load: %v", nl.err)
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
}
