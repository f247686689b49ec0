package render_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sergi/go-diff/diffmatchpatch"
	"golang.org/x/tools/txtar"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/sharedtest"
	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
)

// planDir holds the plan corpus: one txtar file per case, with the
// sections
//
//	from.sql   the source schema, run as one text (simple protocol)
//	to.sql     the target schema
//	hazards    optional: the hazard kinds of the up plan, one per line
//	renames    optional: rename hints, one per line, as --rename takes them
//	options    optional: "owners" and "privileges" compare and render those
//	up.sql     optional golden file: the up script (go test -update)
//	down.sql   optional golden file: the down script
//
// Each case is run on real PostgreSQL: the up script applied to a database
// built from from.sql must leave what to.sql builds, a second plan must be
// empty, and the down script must bring back what from.sql built.
const planDir = "testdata/plans"

var timing = flag.Bool("timing", false, "log how long each step of a plan case takes")

func TestPlanCorpus(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(planDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no cases in %s", planDir)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txtar"), func(t *testing.T) {
			t.Parallel()
			runPlanCase(t, f, false)
		})
	}
}

// TestPlanCorpusOnline runs every case of the plan corpus again with
// online plans: the end state, the empty second plan and the down are
// proved the same way; the golden files are online-up.sql and
// online-down.sql where a case has them, and the hazards section is the
// plain plan's.
func TestPlanCorpusOnline(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(planDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txtar"), func(t *testing.T) {
			t.Parallel()
			runPlanCase(t, f, true)
		})
	}
}

type planCase struct {
	path    string
	ar      *txtar.Archive
	files   map[string]string
	renames []diff.RenameHint
}

func readPlanCase(t *testing.T, path string) *planCase {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := &planCase{path: path, ar: ar, files: map[string]string{}}
	for _, f := range ar.Files {
		c.files[f.Name] = string(f.Data)
	}
	if _, ok := c.files["from.sql"]; !ok {
		t.Fatal("no from.sql section")
	}
	if _, ok := c.files["to.sql"]; !ok {
		t.Fatal("no to.sql section")
	}
	for _, line := range strings.Split(c.files["renames"], "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		h, err := diff.ParseRename(line)
		if err != nil {
			t.Fatal(err)
		}
		c.renames = append(c.renames, h)
	}
	return c
}

func runPlanCase(t *testing.T, path string, online bool) {
	start := time.Now()
	mark := func(what string) {
		if *timing {
			t.Logf("%-8s %v", what, time.Since(start))
			start = time.Now()
		}
	}
	defer mark("end")
	c := readPlanCase(t, path)
	fromURL, toURL := devdbtest.NewDatabase(t), devdbtest.NewDatabase(t)
	fromConn, toConn := inspectConn(t, fromURL), inspectConn(t, toURL)
	mark("dbs")
	execConn(t, fromConn, c.files["from.sql"])
	execConn(t, toConn, c.files["to.sql"])
	mark("exec")
	from, to := inspectWith(t, fromConn), inspectWith(t, toConn)
	mark("inspect")
	opts := render.PlanOptions{Options: render.Options{Comments: true}, Diff: diff.Options{Renames: c.renames}, Online: online}
	for _, o := range strings.Fields(c.files["options"]) {
		switch o {
		case "owners":
			opts.Owners, opts.Diff.Owners = true, true
		case "privileges":
			opts.Privileges, opts.Diff.Privileges = true, true
		default:
			t.Fatalf("unknown option %q", o)
		}
	}
	plan, err := render.NewPlan(from, to, opts)
	if err != nil {
		t.Fatalf("NewPlan: %v", err)
	}
	up, down := plan.UpSQL(), plan.DownSQL()
	if len(plan.Up) == 0 {
		t.Fatalf("the plan is empty: from.sql and to.sql give the same schema")
	}
	if online {
		checkGolden(t, c, "online-", render.Script(plan.Up), render.Script(plan.Down))
	} else {
		checkHazards(t, c, plan)
		checkGolden(t, c, "", render.Script(plan.Up), render.Script(plan.Down))
	}

	mark("plan")
	if err := psqlScript(fromURL, up); err != nil {
		t.Fatalf("up does not apply: %v\n%s", err, numbered(up))
	}
	mark("up")
	after := inspectWith(t, fromConn)
	mark("inspect")
	if !after.Equal(to) {
		t.Fatalf("after up, the schema differs from to.sql's (- after up, + to.sql):\n%s\nup:\n%s", schemaDiff(after, to), numbered(up))
	}
	// The renames have happened: a second plan has none to make.
	opts.Diff.Renames = nil
	again, err := render.NewPlan(after, to, opts)
	if err != nil {
		t.Fatalf("second NewPlan: %v", err)
	}
	if len(again.Up) > 0 {
		t.Fatalf("a second plan is not empty:\n%s", render.Script(again.Up))
	}
	if err := psqlScript(fromURL, down); err != nil {
		t.Fatalf("down does not apply: %v\n%s\nup was:\n%s", err, numbered(down), up)
	}
	back := inspectWith(t, fromConn)
	if !back.Equal(from) {
		t.Fatalf("after down, the schema differs from from.sql's (- after down, + from.sql):\n%s\ndown:\n%s", schemaDiff(back, from), numbered(down))
	}
}

func checkHazards(t *testing.T, c *planCase, plan *render.Plan) {
	t.Helper()
	want, ok := c.files["hazards"]
	if !ok {
		return
	}
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
		t.Errorf("hazard kinds = %v, want %v\n%s", got, wantKinds, render.Script(plan.Up))
	}
}

// goldenMu serializes the rewrites of plan case files under -update.
var goldenMu sync.Mutex

// checkGolden compares the scripts with the case's up.sql and down.sql
// sections, when it has them, and rewrites them under -update.
func checkGolden(t *testing.T, c *planCase, prefix, up, down string) {
	t.Helper()
	upName, downName := prefix+"up.sql", prefix+"down.sql"
	_, hasUp := c.files[upName]
	_, hasDown := c.files[downName]
	if !hasUp && !hasDown {
		return
	}
	if *update {
		// The plain and online runs of a case rewrite its file in turn.
		goldenMu.Lock()
		defer goldenMu.Unlock()
		if ar, err := txtar.ParseFile(c.path); err == nil {
			c.ar = ar
		}
		for i := range c.ar.Files {
			switch c.ar.Files[i].Name {
			case upName:
				c.ar.Files[i].Data = []byte(up)
			case downName:
				c.ar.Files[i].Data = []byte(down)
			}
		}
		if err := os.WriteFile(c.path, txtar.Format(c.ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if hasUp && c.files[upName] != up {
		t.Errorf("up script differs from %s (go test -update rewrites it):\n%s\ngot:\n%s", upName, lineDiff(c.files[upName], up), up)
	}
	if hasDown && c.files[downName] != down {
		t.Errorf("down script differs from %s (go test -update rewrites it):\n%s\ngot:\n%s", downName, lineDiff(c.files[downName], down), down)
	}
}

// inspectConn connects to a database for a case's SQL and inspections.
// The connection plans its statements once (a generic plan): inspecting
// one database several times then costs the server little.
func inspectConn(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	conn, err := pgx.ConnectConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// execConn runs SQL text as one simple-protocol query, as a user's file.
func execConn(t *testing.T, conn *pgx.Conn, sql string) {
	t.Helper()
	if _, err := conn.PgConn().Exec(t.Context(), sql).ReadAll(); err != nil {
		t.Fatalf("%v\n%s", err, numbered(sql))
	}
}

func inspectWith(t *testing.T, conn *pgx.Conn) *model.Schema {
	t.Helper()
	s, err := introspect.Inspect(t.Context(), conn, introspect.Options{})
	if err != nil {
		t.Fatalf("inspect: %v", err)
	}
	return s
}

func inspectDB(t *testing.T, url string) *model.Schema {
	t.Helper()
	s, err := introspect.InspectURL(context.Background(), url, introspect.Options{})
	if err != nil {
		t.Fatalf("inspect: %v", err)
	}
	return s
}

// psqlScript applies a script as a user would: psql -v ON_ERROR_STOP=1 -f.
func psqlScript(url, script string) error {
	if strings.TrimSpace(script) == "" {
		return nil
	}
	f, err := os.CreateTemp("", "retort-plan-*.sql")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(script); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return psqlFile(url, f.Name())
}

func psqlFile(url, file string) error {
	cmd := osexec.Command("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", file)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = append(os.Environ(), "PGOPTIONS=-c client_min_messages=warning")
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("psql: %v: %s", err, strings.TrimSpace(out.String()))
	}
	return nil
}

// numbered prefixes each line with its number, as psql's errors name lines.
func numbered(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := range lines {
		lines[i] = fmt.Sprintf("%4d  %s", i+1, lines[i])
	}
	return strings.Join(lines, "\n")
}

// schemaDiff shows how two schemas differ, as a line diff of their JSON.
func schemaDiff(a, b *model.Schema) string {
	ja, _ := json.MarshalIndent(a, "", "  ")
	jb, _ := json.MarshalIndent(b, "", "  ")
	dmp := diffmatchpatch.New()
	ca, cb, lines := dmp.DiffLinesToChars(string(ja), string(jb))
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lines)
	var out strings.Builder
	for _, d := range diffs {
		text := strings.TrimSuffix(d.Text, "\n")
		var prefix string
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			prefix = "+ "
		case diffmatchpatch.DiffDelete:
			prefix = "- "
		default:
			ls := strings.Split(text, "\n")
			if len(ls) > 6 {
				ls = append(append(ls[:3:3], "…"), ls[len(ls)-3:]...)
			}
			text, prefix = strings.Join(ls, "\n"), "  "
		}
		out.WriteString(prefix + strings.ReplaceAll(text, "\n", "\n"+prefix) + "\n")
		if out.Len() > 20000 {
			out.WriteString("(cut)\n")
			break
		}
	}
	return out.String()
}

// pagila, of ../shared/schemas, is a real schema with every common kind of
// object.
const pagila = "pagila.sql"

// TestPlanSameIsEmpty checks the invariant plan(x, x) = nothing on a real
// schema.
func TestPlanSameIsEmpty(t *testing.T) {
	t.Parallel()
	url := devdbtest.NewDatabase(t)
	if err := psqlFile(url, sharedtest.Schema(t, pagila)); err != nil {
		t.Fatal(err)
	}
	s := inspectDB(t, url)
	plan, err := render.NewPlan(s, s, render.PlanOptions{
		Options: render.Options{Comments: true, Owners: true, Privileges: true},
		Diff:    diff.Options{Owners: true, Privileges: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Changes)+len(plan.Up)+len(plan.Down) > 0 {
		t.Fatalf("plan(pagila, pagila) is not empty:\n%s", render.Script(plan.Up))
	}
}

// TestPlanFromEmpty plans a whole real schema from an empty database and
// back: up must build it, down must leave the database empty again.
func TestPlanFromEmpty(t *testing.T) {
	t.Parallel()
	srcURL, url := devdbtest.NewDatabase(t), devdbtest.NewDatabase(t)
	if err := psqlFile(srcURL, sharedtest.Schema(t, pagila)); err != nil {
		t.Fatal(err)
	}
	to, empty := inspectDB(t, srcURL), inspectDB(t, url)
	plan, err := render.NewPlan(empty, to, render.PlanOptions{
		Options: render.Options{Comments: true, Owners: true, Privileges: true},
		Diff:    diff.Options{Owners: true, Privileges: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	up, down := plan.UpSQL(), plan.DownSQL()
	if err := psqlScript(url, up); err != nil {
		t.Fatalf("up does not apply: %v", err)
	}
	if after := inspectDB(t, url); !after.Equal(to) {
		t.Fatalf("after up (- after, + pagila):\n%s", schemaDiff(after, to))
	}
	if err := psqlScript(url, down); err != nil {
		t.Fatalf("down does not apply: %v", err)
	}
	if back := inspectDB(t, url); !back.Equal(empty) {
		t.Fatalf("after down (- after, + empty):\n%s", schemaDiff(back, empty))
	}
}
