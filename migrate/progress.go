package migrate

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/sqlq"
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
