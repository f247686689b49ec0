package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/internal/sqltext"
)

// progressDDL creates the progress table. A row says that the first done
// statements of a revision's up or down body (in file order) ran and
// committed outside a transaction, in a run that did not finish the
// revision; checksum is its file's when they ran. The row goes in the
// transaction that records the revision in the version table, and with a
// stamp that changes whether the revision is applied.
func progressDDL(o Options) string {
	return fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
    revision varchar(32) NOT NULL,
    direction text NOT NULL CHECK (direction IN ('up', 'down')),
    filename text NOT NULL,
    checksum text NOT NULL,
    done integer NOT NULL CHECK (done >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (revision, direction)
)`, o.progressTable())
}

// progressSQL records that the first done statements of step ran.
func progressSQL(o Options, step Step, done int) string {
	r := step.Revision
	return fmt.Sprintf(`INSERT INTO %s (revision, direction, filename, checksum, done) VALUES (%s, %s, %s, %s, %d)
ON CONFLICT (revision, direction) DO UPDATE SET filename = EXCLUDED.filename, checksum = EXCLUDED.checksum, done = EXCLUDED.done, updated_at = now()`,
		o.progressTable(), sqlq.Literal(r.ID), sqlq.Literal(string(step.Direction)), sqlq.Literal(r.Filename), sqlq.Literal(r.Checksum), done)
}

// clearProgressSQL forgets the progress of revision id in both directions.
func clearProgressSQL(o Options, id string) string {
	return fmt.Sprintf("DELETE FROM %s WHERE revision = %s", o.progressTable(), sqlq.Literal(id))
}

// A progressKey names a revision's body.
type progressKey struct {
	revision  string
	direction Direction
}

// A progress row: what an earlier run left of a revision's body.
type progress struct {
	filename, checksum string
	done               int
}

func readProgress(ctx context.Context, conn *pgx.Conn, o Options) (map[progressKey]progress, error) {
	rows, err := conn.Query(ctx, "SELECT revision, direction, filename, checksum, done FROM "+o.progressTable())
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", o.progressTable(), err)
	}
	out := map[progressKey]progress{}
	var rev, dir string
	var p progress
	_, err = pgx.ForEachRow(rows, []any{&rev, &dir, &p.filename, &p.checksum, &p.done}, func() error {
		out[progressKey{rev, Direction(dir)}] = p
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", o.progressTable(), err)
	}
	return out, nil
}

// statements returns the body a step runs.
func (s Step) statements() []Statement {
	if s.Direction == Down {
		return s.Revision.Down
	}
	return s.Revision.Up
}

// lines lists where stmts are in file, as "file.sql:8, 10".
func lines(file string, stmts []Statement) string {
	l := make([]string, len(stmts))
	for i, s := range stmts {
		l[i] = strconv.Itoa(s.Line)
	}
	return file + ":" + strings.Join(l, ", ")
}

// resumeFrom returns the index of the first statement of step to run: after
// those an earlier run committed, when the file is the one they came from.
func resumeFrom(o Options, step Step, p progress, ok bool) (int, error) {
	if !ok || p.done == 0 {
		return 0, nil
	}
	r, stmts := step.Revision, step.statements()
	if p.done > len(stmts) {
		return 0, fmt.Errorf("%s %s: %s records %d of its statements as run, but %s has %d; delete its row from %s once the database is repaired",
			step.Direction, r.ID, o.progressTable(), p.done, r.Filename, len(stmts), o.progressTable())
	}
	ran := lines(r.Filename, stmts[:p.done])
	if p.checksum != r.Checksum {
		if !o.IgnoreChecksums {
			return 0, fmt.Errorf("%s %s was left partly applied by an earlier run (statements at %s committed), and %s was edited since (checksum %.12s…, now %.12s…): restore the file so that the run resumes after them, or undo them by hand and then run DELETE FROM %s WHERE revision = %s",
				step.Direction, r.ID, ran, r.Filename, p.checksum, r.Checksum, o.progressTable(), sqlq.Literal(r.ID))
		}
		o.Logf("warning: %s was edited since an earlier run committed its statements at %s; resuming anyway, as checksums are ignored", r.Filename, ran)
	}
	if p.done == len(stmts) {
		o.Logf("resuming %s %s: every statement ran in an earlier run (%s); recording it in the version table", step.Direction, r.ID, ran)
	} else {
		o.Logf("resuming %s %s at %s:%d (statement %d of %d): statements at %s ran in an earlier run",
			step.Direction, r.ID, r.Filename, stmts[p.done].Line, p.done+1, len(stmts), ran)
	}
	return p.done, nil
}

// warnLeftover logs the progress rows of revisions that steps do not
// resume: their committed statements stay in the database until the
// revision is run again, or undone by hand.
func warnLeftover(o Options, dir *Dir, steps []Step, prog map[progressKey]progress) {
	keys := make([]progressKey, 0, len(prog))
	for k := range prog {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b progressKey) int {
		return strings.Compare(a.revision+string(a.direction), b.revision+string(b.direction))
	})
	for _, k := range keys {
		if prog[k].done == 0 || slices.ContainsFunc(steps, func(s Step) bool { return s.Revision.ID == k.revision && s.Direction == k.direction }) {
			continue
		}
		where := prog[k].filename
		if r := dir.Revision(k.revision); r != nil && prog[k].checksum == r.Checksum {
			stmts := Step{Revision: r, Direction: k.direction}.statements()
			where = lines(r.Filename, stmts[:min(prog[k].done, len(stmts))])
		}
		o.Logf("warning: %s %s was left partly applied by an earlier run (%d %s committed, %s); they stay until it is run again or undone by hand",
			k.direction, k.revision, prog[k].done, plural(prog[k].done, "statement", "statements"), where)
	}
}

// invalidIndexes returns the database's invalid indexes by oid, with their
// qualified names: an index whose concurrent build or drop failed.
func invalidIndexes(ctx context.Context, conn *pgx.Conn) (map[uint32]string, error) {
	rows, err := conn.Query(ctx, `SELECT c.oid, n.nspname, c.relname
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE NOT i.indisvalid`)
	if err != nil {
		return nil, fmt.Errorf("list invalid indexes: %w", err)
	}
	out := map[uint32]string{}
	var oid uint32
	var schema, name string
	_, err = pgx.ForEachRow(rows, []any{&oid, &schema, &name}, func() error {
		out[oid] = sqlq.Qualified(schema, name)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list invalid indexes: %w", err)
	}
	return out, nil
}

// newInvalid returns the invalid indexes that are not in before, sorted.
func newInvalid(ctx context.Context, conn *pgx.Conn, before map[uint32]string) []string {
	if before == nil || conn.IsClosed() {
		return nil
	}
	after, err := invalidIndexes(context.WithoutCancel(ctx), conn)
	if err != nil {
		return nil // best effort: the run has failed already
	}
	var out []string
	for oid, name := range after {
		if _, ok := before[oid]; !ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// An indexBuild is the index a CREATE [UNIQUE] INDEX CONCURRENTLY
// statement builds.
type indexBuild struct {
	name  string   // unquoted
	table []string // the table as written: [[database.]schema.]name, unquoted
}

// concurrentIndexBuild reads the head of sql, "CREATE [UNIQUE] INDEX
// CONCURRENTLY [IF NOT EXISTS] name ON [ONLY] table", after its leading
// comments. ok is false for any other statement, and for a build that
// leaves the name to PostgreSQL: a later run cannot tell its index.
func concurrentIndexBuild(sql string) (b indexBuild, ok bool) {
	s := stripLeadingComments(sql)
	word := func(w string) bool {
		t := strings.TrimLeft(s, scannerSpace)
		if len(t) < len(w) || !strings.EqualFold(t[:len(w)], w) || len(t) > len(w) && isWordByte(t[len(w)]) {
			return false
		}
		s = t[len(w):]
		return true
	}
	if !word("create") {
		return b, false
	}
	word("unique")
	if !word("index") || !word("concurrently") {
		return b, false
	}
	// IF is not a reserved word: an index may be named if.
	if save := s; !word("if") || !word("not") || !word("exists") {
		s = save
	}
	parts, rest, ok := sqltext.Idents(strings.TrimLeft(s, scannerSpace))
	if !ok || len(parts) != 1 {
		return b, false
	}
	s = rest
	if !word("on") {
		return b, false
	}
	word("only")
	table, _, ok := sqltext.Idents(strings.TrimLeft(s, scannerSpace))
	if !ok || len(table) > 3 {
		return b, false
	}
	return indexBuild{name: parts[0], table: table}, true
}

// target returns the qualified name of the index b builds, in its table's
// schema as PostgreSQL puts it, and whether an index of that name on that
// table exists and is invalid; "" when the table does not exist (the build
// then fails as it would have).
func (b indexBuild) target(ctx context.Context, conn *pgx.Conn) (name string, invalid bool, err error) {
	table := sqlq.Ident(b.table[len(b.table)-1])
	if len(b.table) > 1 {
		table = sqlq.Ident(b.table[len(b.table)-2]) + "." + table
	}
	var schema string
	err = conn.QueryRow(ctx, `SELECT n.nspname, EXISTS (
    SELECT FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
    WHERE i.indrelid = t.oid AND c.relname = $2 AND NOT i.indisvalid)
FROM pg_catalog.pg_class t JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
WHERE t.oid = pg_catalog.to_regclass($1)`, table, b.name).Scan(&schema, &invalid)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("look up index %s: %w", b.name, err)
	}
	return sqlq.Qualified(schema, b.name), invalid, nil
}

// startedAt returns the index of the statement of step that an earlier
// run recorded it was about to run or running when it stopped (its
// progress row, written before each concurrent index build, points there
// and the file is the one it ran), or -1.
func startedAt(step Step, p progress, ok bool, from int) int {
	if !ok || p.checksum != step.Revision.Checksum || p.done != from {
		return -1
	}
	return from
}

// prepareBuild runs what comes before the statement of x's unit u, a unit
// outside a transaction, and returns the rest of its items to run. Before a
// concurrent index build it records the step's progress, so that a later
// run knows this revision started the build. An invalid index of the
// build's name on its table (what a failed build leaves) is dropped first
// when this revision started it: an earlier run's progress points at this
// statement, or an earlier try of this run left it. Any other is refused
// and left alone.
func (r *stepRun) prepareBuild(ctx context.Context, conn *pgx.Conn, x *unitRun, u unit) ([]item, error) {
	k := slices.IndexFunc(u.items, func(it item) bool { return it.stmt != nil })
	if k < 0 {
		return u.items, nil
	}
	st := u.items[k].stmt
	b, ok := concurrentIndexBuild(st.SQL)
	if !ok {
		return u.items, nil
	}
	x.failed = st // until the statement's own run says otherwise
	name, invalid, err := b.target(ctx, conn)
	if err != nil {
		return nil, err
	}
	x.build = name
	rev, where := r.step.Revision.ID, fmt.Sprintf("%s:%d", r.step.Revision.Filename, st.Line)
	if invalid && x.done != r.startedAt && !r.leftInvalid[name] {
		return nil, fmt.Errorf("index %s exists and is invalid (a concurrent build or drop that failed left it), and %s %s did not start it: no progress record of an earlier run points at %s; it is left alone: drop it with DROP INDEX CONCURRENTLY %s; or rename it, then run %s again",
			name, r.step.Direction, rev, where, name, r.verb())
	}
	if err := x.exec(ctx, u.items[:k]); err != nil { // the unit's SETs
		return nil, err
	}
	if _, err := conn.Exec(ctx, progressSQL(r.o, r.step, x.done)); err != nil {
		return nil, fmt.Errorf("record progress before %s: %w", where, err)
	}
	if invalid {
		x.dropping = true
		r.o.Logf("%s %s: dropping the invalid index %s that an earlier try of %s left, to build it again", r.step.Direction, rev, name, where)
		if _, err := conn.Exec(ctx, "DROP INDEX CONCURRENTLY IF EXISTS "+name, pgx.QueryExecModeSimpleProtocol); err != nil {
			return nil, fmt.Errorf("drop the invalid index %s: %w", name, err)
		}
		x.dropping = false
	}
	x.failed = nil
	return u.items[k:], nil
}

// verb is the command that runs the step's direction.
func (r *stepRun) verb() string {
	if r.step.Direction == Down {
		return "downgrade"
	}
	return "upgrade"
}
