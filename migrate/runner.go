package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/retortdb/retort/internal/sqlq"
)

// A PartialError reports a run that stopped at a failing step. The steps
// in Applied are committed; the failed revision's transactional work was
// rolled back, so the version table names the last good revision. For a
// revision that runs outside a transaction, Committed counts its statements
// that were committed before the failure.
type PartialError struct {
	Applied   []Step     // steps committed before the failure, in order
	Failed    Step       // the step that failed
	Statement *Statement // the failing statement; nil when the version-table update failed
	Committed int        // statements of Failed committed outside a transaction
	Err       error      // the cause
}

func (e *PartialError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s failed", e.Failed.Direction, e.Failed.Revision.ID)
	if e.Statement != nil {
		fmt.Fprintf(&b, " at %s:%d", e.Failed.Revision.Filename, e.Statement.Line)
	} else {
		fmt.Fprintf(&b, " (%s)", e.Failed.Revision.Filename)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	if len(e.Applied) == 0 {
		b.WriteString("; nothing was applied")
	} else {
		ids := make([]string, len(e.Applied))
		for i, s := range e.Applied {
			ids[i] = s.Revision.ID
		}
		fmt.Fprintf(&b, "; applied before it: %s", strings.Join(ids, ", "))
	}
	if e.Committed > 0 {
		fmt.Fprintf(&b, "; %d statement(s) of %s ran outside a transaction and stay committed", e.Committed, e.Failed.Revision.ID)
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
	if err != nil {
		verb := "upgrade"
		if direction == Down {
			verb = "downgrade"
		}
		return nil, fmt.Errorf("%s to %s: %w", verb, target, err)
	}
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
		units := dir.program(o, step, ops, restoreLock, restoreStmt)
		if len(units) > 1 {
			o.Logf("warning: %s %s runs outside a transaction: a failure leaves its earlier statements applied", step.Direction, step.Revision.ID)
		}
		o.Logf("%s %s (%s)", step.Direction, step.Revision.ID, step.Revision.Filename)
		if perr := runUnits(ctx, conn, units, restoreLock, restoreStmt); perr != nil {
			perr.Applied, perr.Failed = done, step
			return done, perr
		}
		done = append(done, step)
		heads = next
	}
	return done, nil
}

// runUnits runs a step's units; the error carries the failing statement
// and the count of statements committed outside a transaction. When a unit
// outside a transaction fails, the session's timeouts are put back to
// restoreLock and restoreStmt, so that the connection is left as it was.
func runUnits(ctx context.Context, conn *pgx.Conn, units []unit, restoreLock, restoreStmt string) *PartialError {
	committed := 0
	for _, u := range units {
		var failed *Statement
		exec := func(ctx context.Context, db interface {
			Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
		}) error {
			for _, it := range u.items {
				tag, err := db.Exec(ctx, it.sql, pgx.QueryExecModeSimpleProtocol)
				if err != nil {
					failed = it.stmt
					return err
				}
				if it.one && tag.RowsAffected() != 1 {
					return fmt.Errorf("version table update %q changed %d rows, want 1: was it changed by hand?", it.sql, tag.RowsAffected())
				}
			}
			return nil
		}
		var err error
		if u.tx {
			err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error { return exec(ctx, tx) })
		} else {
			err = exec(ctx, conn)
		}
		if err != nil {
			if !u.tx && !conn.IsClosed() {
				// Best effort: the run has failed already.
				_, _ = conn.Exec(context.WithoutCancel(ctx), "SET lock_timeout = "+restoreLock+"; SET statement_timeout = "+restoreStmt, pgx.QueryExecModeSimpleProtocol)
			}
			return &PartialError{Statement: failed, Committed: committed, Err: err}
		}
		if len(units) > 1 {
			for _, it := range u.items {
				if it.stmt != nil {
					committed++
				}
			}
		}
	}
	return nil
}

// lock takes the session advisory lock on conn, waiting for it as long as
// ctx allows, and returns the function that releases it.
func lock(ctx context.Context, conn *pgx.Conn, o Options) (func() error, error) {
	key := o.lockKey()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return nil, fmt.Errorf("wait for the migration lock on %s: %w", o.versionTable(), err)
	}
	return func() error {
		// Unlock even when ctx is done: the session keeps the lock otherwise.
		if _, err := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key); err != nil && !conn.IsClosed() {
			return fmt.Errorf("release the migration lock: %w", err)
		}
		return nil
	}, nil
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
	rows, err := conn.Query(ctx, "SELECT DISTINCT ON (revision) revision, checksum, direction FROM "+o.historyTable()+" ORDER BY revision, id DESC")
	if err != nil {
		return fmt.Errorf("read %s: %w", o.historyTable(), err)
	}
	type rec struct{ rev, sum, dir string }
	recs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (rec, error) {
		var x rec
		err := r.Scan(&x.rev, &x.sum, &x.dir)
		return x, err
	})
	if err != nil {
		return fmt.Errorf("read %s: %w", o.historyTable(), err)
	}
	applied := dir.ancestors(heads)
	for _, x := range recs {
		r := dir.Revision(x.rev)
		if r == nil || !applied[x.rev] || x.dir == string(Down) || x.sum == r.Checksum {
			continue
		}
		return &ChecksumError{Revision: r.ID, Filename: r.Filename, Applied: x.sum, Now: r.Checksum}
	}
	return nil
}

// Stamp sets the version table to revs (targets as for [Dir.Resolve], e.g.
// "head" or "base") without running any migration, as Alembic's stamp
// does: current heads on the stamped revisions' lines are replaced, others
// are kept. With purge, the version table is emptied first, even of
// revisions the directory lacks. It returns the new heads.
func Stamp(ctx context.Context, conn *pgx.Conn, dir *Dir, revs []string, purge bool, opts *Options) (heads []string, err error) {
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
	if err := ensureTables(ctx, conn, o); err != nil {
		return nil, err
	}
	cur, err := current(ctx, conn, o)
	if err != nil {
		return nil, err
	}
	if purge {
		cur = nil
	} else if err := dir.checkKnown(cur); err != nil {
		return nil, err
	}
	next, err := dir.stampHeads(cur, revs)
	if err != nil {
		return nil, err
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
		return nil, fmt.Errorf("stamp %s: %w", strings.Join(revs, " "), err)
	}
	return next, nil
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
