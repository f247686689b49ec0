package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/sqlq"
)

// A PartialError reports a run that stopped at a failing step. The steps
// in Applied are committed; the failed revision's transactional work was
// rolled back, so the version table names the last good revision. A
// revision with statements that cannot run in a transaction runs statement
// by statement: its first Committed statements ran and stay committed (some
// perhaps in an earlier run that this one resumed), the progress table
// records them, and the next run resumes after them.
type PartialError struct {
	Applied   []Step     // steps committed before the failure, in order
	Failed    Step       // the step that failed
	Statement *Statement // the failing statement; nil when retort's own bookkeeping (version, history, progress) failed
	Committed int        // statements of Failed that ran outside a transaction and stay committed
	Invalid   []string   // invalid indexes the failing statement left behind, qualified
	Tries     int        // how many times the failed unit was tried, when its lock_timeout ran out (see [Options.LockTries])
	Err       error      // the cause

	rebuilds bool // Invalid is the index the failed statement builds, which the next run drops and builds again
}

func (e *PartialError) Error() string {
	var b strings.Builder
	r := e.Failed.Revision
	fmt.Fprintf(&b, "%s %s failed", e.Failed.Direction, r.ID)
	if e.Statement != nil {
		fmt.Fprintf(&b, " at %s:%d", r.Filename, e.Statement.Line)
	} else {
		fmt.Fprintf(&b, " updating retort's own tables (%s)", r.Filename)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	if lockTimedOut(e.Err) {
		b.WriteString(" (another session holds a lock the statement needs: retry when it is released, or raise lock_timeout")
		if e.Tries > 1 {
			fmt.Fprintf(&b, "; tried %d times", e.Tries)
		}
		b.WriteString(")")
	}
	if len(e.Applied) == 0 {
		b.WriteString("; no revision was applied before it")
	} else {
		ids := make([]string, len(e.Applied))
		for i, s := range e.Applied {
			ids[i] = s.Revision.ID
		}
		fmt.Fprintf(&b, "; applied before it: %s", strings.Join(ids, ", "))
	}
	stmts := e.Failed.statements()
	if e.Committed > 0 && e.Committed <= len(stmts) {
		fmt.Fprintf(&b, "; %s runs outside a transaction: %d of its %d %s ran and stay committed (%s)",
			r.ID, e.Committed, len(stmts), plural(len(stmts), "statement", "statements"), lines(r.Filename, stmts[:e.Committed]))
	}
	switch len(e.Invalid) {
	case 0:
	case 1:
		fmt.Fprintf(&b, "; the failed statement left the invalid index %s: drop it with DROP INDEX CONCURRENTLY %s;", e.Invalid[0], e.Invalid[0])
		if e.rebuilds {
			b.WriteString(" or leave it to the next run, which drops it and builds it again")
		}
	default:
		drops := make([]string, len(e.Invalid))
		for i, n := range e.Invalid {
			drops[i] = "DROP INDEX CONCURRENTLY " + n + ";"
		}
		fmt.Fprintf(&b, "; the failed statement left the invalid indexes %s: drop them with %s", strings.Join(e.Invalid, ", "), strings.Join(drops, " "))
	}
	if e.Committed > 0 {
		verb := "upgrade"
		if e.Failed.Direction == Down {
			verb = "downgrade"
		}
		if e.Statement != nil {
			fmt.Fprintf(&b, "; the next %s resumes %s at %s:%d", verb, r.ID, r.Filename, e.Statement.Line)
		} else {
			fmt.Fprintf(&b, "; the next %s resumes %s after them", verb, r.ID)
		}
	}
	return b.String()
}

func (e *PartialError) Unwrap() error { return e.Err }

// A ChecksumError reports an applied revision whose file was edited after
// it was applied.
type ChecksumError struct {
	Revision string
	Filename string
	Applied  string // checksum recorded when it was applied
	Now      string // checksum of the file now
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("revision %s (%s) was edited after it was applied (checksum %.12s…, now %.12s…); restore the file, or add a new revision for the change",
		e.Revision, e.Filename, e.Applied, e.Now)
}

// Current returns the revisions the version table names, sorted; none when
// the table does not exist.
func Current(ctx context.Context, conn *pgx.Conn, opts *Options) ([]string, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return current(ctx, conn, opts.withDefaults())
}

func current(ctx context.Context, conn *pgx.Conn, o Options) ([]string, error) {
	var exists bool
	err := conn.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", o.versionTable()).Scan(&exists)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", o.versionTable(), err)
	}
	if !exists {
		return nil, nil
	}
	rows, err := conn.Query(ctx, "SELECT version_num FROM "+o.versionTable()+" ORDER BY version_num")
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", o.versionTable(), err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", o.versionTable(), err)
	}
	return ids, nil
}

// Pending returns the steps that upgrading to "heads" would apply, without
// taking the lock or changing anything: what `retort check` and
// autogenerate's "Target database is not up to date" test need. Like
// [Upgrade], it returns an [*UnknownRevisionError] or a [*ChecksumError]
// when the version table or the history disagree with dir.
func Pending(ctx context.Context, conn *pgx.Conn, dir *Dir, opts *Options) ([]Step, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	o := opts.withDefaults()
	heads, err := current(ctx, conn, o)
	if err != nil {
		return nil, err
	}
	if err := dir.checkKnown(heads); err != nil {
		return nil, err
	}
	if heads != nil && !o.IgnoreChecksums {
		if err := checkChecksums(ctx, conn, dir, heads, o); err != nil {
			return nil, err
		}
	}
	return dir.UpgradeSteps(heads, "heads")
}

// Upgrade applies the revisions between the database's current heads and
// target (see [Dir.Resolve]; usually "head" or "heads"), each with its
// version-table update, and returns the steps it applied. It holds a
// session advisory lock while it runs, so concurrent upgrades serialize. A
// failure is a [*PartialError]; a version table naming revisions dir lacks
// is an [*UnknownRevisionError]; an applied file edited since is a
// [*ChecksumError] unless opts.IgnoreChecksums.
func Upgrade(ctx context.Context, conn *pgx.Conn, dir *Dir, target string, opts *Options) ([]Step, error) {
	return run(ctx, conn, dir, target, Up, opts)
}

// Downgrade undoes the applied revisions that descend from target ("-1",
// "base", an id…), children first, and returns the steps it ran. Errors are
// as for [Upgrade].
func Downgrade(ctx context.Context, conn *pgx.Conn, dir *Dir, target string, opts *Options) ([]Step, error) {
	return run(ctx, conn, dir, target, Down, opts)
}

func run(ctx context.Context, conn *pgx.Conn, dir *Dir, target string, direction Direction, opts *Options) (steps []Step, err error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	o := opts.withDefaults()
	unlock, err := lock(ctx, conn, o)
	if err != nil {
		return nil, err
	}
	defer func() {
		if uerr := unlock(); uerr != nil && err == nil {
			err = uerr
		}
	}()
	unpin, err := pin(ctx, conn)
	if err != nil {
		return nil, err
	}
	defer func() {
		if uerr := unpin(); uerr != nil && err == nil {
			err = uerr
		}
	}()
	if err := ensureTables(ctx, conn, o); err != nil {
		return nil, err
	}
	heads, err := current(ctx, conn, o)
	if err != nil {
		return nil, err
	}
	if err := dir.checkKnown(heads); err != nil {
		return nil, err
	}
	if !o.IgnoreChecksums {
		if err := checkChecksums(ctx, conn, dir, heads, o); err != nil {
			return nil, err
		}
	}
	if direction == Up {
		steps, err = dir.UpgradeSteps(heads, target)
	} else {
		steps, err = dir.DowngradeSteps(heads, target)
	}
	if te := (*TargetError)(nil); errors.As(err, &te) {
		return nil, err // it names the target and the direction already
	} else if err != nil {
		verb := "upgrade"
		if direction == Down {
			verb = "downgrade"
		}
		return nil, fmt.Errorf("%s to %s: %w", verb, target, err)
	}
	if o.Gate != nil && len(steps) > 0 {
		if err := o.Gate(ctx, conn, steps); err != nil {
			return nil, err
		}
	}
	prog, err := readProgress(ctx, conn, o)
	if err != nil {
		return nil, err
	}
	warnLeftover(o, dir, steps, prog)
	var restoreLock, restoreStmt string
	err = conn.QueryRow(ctx, "SELECT current_setting('lock_timeout'), current_setting('statement_timeout')").Scan(&restoreLock, &restoreStmt)
	if err != nil {
		return nil, fmt.Errorf("read session timeouts: %w", err)
	}
	restoreLock, restoreStmt = sqlq.Literal(restoreLock), sqlq.Literal(restoreStmt)
	var done []Step
	for _, step := range steps {
		ops, next, err := dir.versionOps(heads, step)
		if err != nil {
			return done, &PartialError{Applied: done, Failed: step, Err: err}
		}
		p, ok := prog[progressKey{step.Revision.ID, step.Direction}]
		from, err := resumeFrom(o, step, p, ok)
		if err != nil {
			return done, err
		}
		units := dir.program(o, step, ops, from, restoreLock, restoreStmt)
		if len(units) > 1 {
			o.Logf("warning: %s %s runs outside a transaction: a failure leaves its earlier statements applied, and the next run resumes after them", step.Direction, step.Revision.ID)
		}
		o.Logf("%s %s, %s", step.Direction, step.Revision.ID, step.Revision.Message)
		o.Debugf("%s %s: %s", step.Direction, step.Revision.ID, step.Revision.Filename)
		file := step.Revision.Filename
		logRan := func(st *Statement, d time.Duration) {
			o.Debugf("%s:%d: %s (%v)", file, st.Line, statementSummary(st.SQL), d.Round(time.Microsecond))
		}
		sr := &stepRun{o: o, step: step, restoreLock: restoreLock, restoreStmt: restoreStmt, logRan: logRan, startedAt: startedAt(step, p, ok, from)}
		if perr := sr.runUnits(ctx, conn, units, from); perr != nil {
			perr.Applied, perr.Failed = done, step
			return done, perr
		}
		done = append(done, step)
		heads = next
	}
	return done, nil
}

// statementSummary folds a statement onto one line for the debug log,
// leaving out its leading comments (hazard notes) and cutting it at 120
// characters: the file and line name it in full.
func statementSummary(sql string) string {
	s := strings.Join(strings.Fields(stripLeadingComments(sql)), " ")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:119]) + "…"
	}
	return s
}

func ensureTables(ctx context.Context, conn *pgx.Conn, o Options) error {
	for _, s := range o.ddl() {
		if _, err := conn.Exec(ctx, s); err != nil {
			return fmt.Errorf("create version table: %w", err)
		}
	}
	return nil
}

// checkChecksums compares each applied revision's last recorded checksum
// with its file.
func checkChecksums(ctx context.Context, conn *pgx.Conn, dir *Dir, heads []string, o Options) error {
	edited, err := editedRevisions(ctx, conn, dir, heads, o)
	if err != nil || len(edited) == 0 {
		return err
	}
	e := edited[0]
	return &ChecksumError{Revision: e.rev.ID, Filename: e.rev.Filename, Applied: e.recorded, Now: e.rev.Checksum}
}

// Stamp sets the version table to revs (targets as for [Dir.Resolve], e.g.
// "head" or "base") without running any migration, as Alembic's stamp
// does: current heads on the stamped revisions' lines are replaced, others
// are kept. With purge, the version table is emptied first, even of
// revisions the directory lacks. It returns the new heads.
func Stamp(ctx context.Context, conn *pgx.Conn, dir *Dir, revs []string, purge bool, opts *Options) (heads []string, err error) {
	err = locked(ctx, conn, opts, func(o Options) error {
		if err := ensureTables(ctx, conn, o); err != nil {
			return err
		}
		cur, err := current(ctx, conn, o)
		if err != nil {
			return err
		}
		if purge {
			cur = nil
		} else if err := dir.checkKnown(cur); err != nil {
			return err
		}
		next, err := dir.stampHeads(cur, revs)
		if err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if purge {
				if _, err := tx.Exec(ctx, "DELETE FROM "+o.versionTable()); err != nil {
					return err
				}
			}
			for _, h := range cur {
				if !slices.Contains(next, h) {
					if _, err := tx.Exec(ctx, versionOp{kind: opDelete, from: h}.sql(o)); err != nil {
						return err
					}
				}
			}
			// What was applied or not is now what the stamp says: a partial
			// run of a revision whose state it changes is moot.
			if changed := stampChanged(dir, cur, next); len(changed) > 0 {
				if _, err := tx.Exec(ctx, "DELETE FROM "+o.progressTable()+" WHERE revision = ANY($1)", changed); err != nil {
					return err
				}
			}
			for _, h := range next {
				if slices.Contains(cur, h) {
					continue
				}
				if _, err := tx.Exec(ctx, versionOp{kind: opInsert, to: h}.sql(o)); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, historySQL(o, dir.Revision(h), Stamped)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("stamp %s: %w", strings.Join(revs, " "), err)
		}
		heads = next
		return nil
	})
	return heads, err
}

// stampChanged returns the revisions that a stamp from heads cur to next
// applies or unapplies.
func stampChanged(d *Dir, cur, next []string) []string {
	before, after := d.ancestors(cur), d.ancestors(next)
	var out []string
	for id := range before {
		if !after[id] {
			out = append(out, id)
		}
	}
	for id := range after {
		if !before[id] {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// stampHeads computes the heads after stamping revs over cur.
func (d *Dir) stampHeads(cur, revs []string) ([]string, error) {
	var targets []string
	base := false
	for _, r := range revs {
		ids, err := d.Resolve(r, cur)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			base = true
		}
		targets = append(targets, ids...)
	}
	if len(revs) == 0 {
		return nil, errors.New("stamp: no revision given")
	}
	var next []string
	for _, t := range targets {
		others := slices.DeleteFunc(slices.Clone(targets), func(x string) bool { return x == t })
		if !d.ancestors(others)[t] {
			next = append(next, t)
		}
	}
	if !base {
		for _, c := range cur {
			if !related(d, c, targets) {
				next = append(next, c)
			}
		}
	}
	slices.Sort(next)
	return slices.Compact(next), nil
}

// related reports whether c is an ancestor or a descendant of any target.
func related(d *Dir, c string, targets []string) bool {
	above := d.ancestors([]string{c})
	for _, t := range targets {
		if above[t] {
			return true
		}
	}
	return d.ancestors(targets)[c]
}
