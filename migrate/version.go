package migrate

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/sqlq"
)

// Default names of retort's own tables.
const (
	DefaultVersionSchema = "public"
	DefaultVersionTable  = "retort_version"
	DefaultHistoryTable  = "retort_history"
	DefaultProgressTable = "retort_progress"
)

// Options configure the runner. The zero value (or nil) uses the defaults.
type Options struct {
	VersionSchema string // schema of the version and history tables; default "public"
	VersionTable  string // one row per applied head; default "retort_version"
	HistoryTable  string // one row per applied step; default "retort_history"
	// ProgressTable records how far a revision that runs outside a
	// transaction got, so that a failed run can resume; default
	// "retort_progress".
	ProgressTable string

	// LockTimeout is the lock_timeout of every statement of a revision:
	// zero means [DefaultLockTimeout], a negative value ([NoLockTimeout])
	// sets none. When it is not zero it also bounds the wait for the
	// advisory lock that serializes runs; by default a run waits for the
	// one before it to finish. StatementTimeout, when not zero, is set for
	// every revision. A statement's own directives override both.
	LockTimeout      time.Duration
	StatementTimeout time.Duration

	// IgnoreChecksums lets Upgrade run although an applied file was
	// edited since (see [ChecksumError]).
	IgnoreChecksums bool

	// Logf, when set, receives progress and warnings (a revision that runs
	// outside a transaction), one line per call: "up ID, message" as each
	// step starts, and warnings beginning "warning: ".
	Logf func(format string, args ...any)
	// Debugf, when set, receives detail for finding out what a run did or
	// where it spends its time: each step's file and each statement it
	// runs, with its duration. The statements of a transaction are sent to
	// the server together, in one round trip: each of them is logged with
	// the time of that round trip.
	Debugf func(format string, args ...any)

	// LockTries is how many times, in all, a revision's transaction (or a
	// statement of it that runs outside a transaction) is tried when it
	// fails on its lock_timeout (SQLSTATE 55P03, lock_not_available): the
	// transaction rolled back whole, and such a statement committed
	// nothing, so trying again repeats nothing that took effect. A
	// concurrent index build that left an invalid index is not tried
	// again. Retries wait 0.5 s, 1 s, 2 s … (plus up to a tenth at random)
	// and are logged through Logf. Zero means [DefaultLockTries]; a
	// negative value (or 1) retries nothing.
	LockTries int

	// Progress, when set, is called after each statement or batch of
	// statements of a step has run, with how many of the step's statements
	// have run (those an earlier run committed included) and how many it
	// has, so that a caller can show a live counter. When a transaction is
	// retried (see LockTries), the count starts again where it began.
	Progress func(step Step, done, total int)

	// Gate, when set, is called by Upgrade and Downgrade once they hold
	// the advisory lock and know the steps they will run, before any of
	// them runs; an error stops the run with nothing applied. retort sets
	// it to the hazard gate of package migrate/gate, which refuses steps
	// whose statements carry hazards the revision does not acknowledge.
	Gate func(ctx context.Context, conn *pgx.Conn, steps []Step) error
}

// Validate reports options that cannot work: a negative statement timeout,
// or table and schema names longer than PostgreSQL's 63 bytes. The runner
// calls it.
func (o *Options) Validate() error {
	if o == nil {
		return nil
	}
	if o.StatementTimeout < 0 {
		return fmt.Errorf("migrate options: negative statement timeout %v", o.StatementTimeout)
	}
	for _, n := range []struct{ what, name string }{
		{"version_schema", o.VersionSchema}, {"version_table", o.VersionTable}, {"history table", o.HistoryTable},
		{"progress table", o.ProgressTable},
	} {
		if len(n.name) > 63 {
			return fmt.Errorf("migrate options: %s %q is longer than 63 bytes", n.what, n.name)
		}
	}
	d := o.withDefaults()
	if d.VersionTable == d.HistoryTable || d.VersionTable == d.ProgressTable || d.HistoryTable == d.ProgressTable {
		return fmt.Errorf("migrate options: the version, history and progress tables must differ (%q, %q, %q)",
			d.VersionTable, d.HistoryTable, d.ProgressTable)
	}
	return nil
}

func (o *Options) withDefaults() Options {
	var v Options
	if o != nil {
		v = *o
	}
	if v.VersionSchema == "" {
		v.VersionSchema = DefaultVersionSchema
	}
	if v.VersionTable == "" {
		v.VersionTable = DefaultVersionTable
	}
	if v.HistoryTable == "" {
		v.HistoryTable = DefaultHistoryTable
	}
	if v.ProgressTable == "" {
		v.ProgressTable = DefaultProgressTable
	}
	if v.Logf == nil {
		v.Logf = func(string, ...any) {}
	}
	if v.Debugf == nil {
		v.Debugf = func(string, ...any) {}
	}
	return v
}

func (o Options) versionTable() string { return sqlq.Qualified(o.VersionSchema, o.VersionTable) }
func (o Options) historyTable() string { return sqlq.Qualified(o.VersionSchema, o.HistoryTable) }
func (o Options) progressTable() string {
	return sqlq.Qualified(o.VersionSchema, o.ProgressTable)
}

// lockKey is the advisory lock key upgrades hold: a hash of the version
// table's qualified name, so that projects sharing a database but not a
// version table do not wait on each other.
func (o Options) lockKey() int64 {
	h := fnv.New64a()
	h.Write([]byte("retort:" + o.VersionSchema + "." + o.VersionTable))
	return int64(h.Sum64())
}

// ddl returns the statements that create the version, history and progress
// tables.
func (o Options) ddl() []string {
	var out []string
	if o.VersionSchema != "public" {
		out = append(out, "CREATE SCHEMA IF NOT EXISTS "+sqlq.QuoteIdent(o.VersionSchema))
	}
	out = append(out,
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (\n    version_num varchar(32) NOT NULL,\n    CONSTRAINT %s PRIMARY KEY (version_num)\n)",
			o.versionTable(), sqlq.QuoteIdent(o.VersionTable+"_pkc")),
		fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
    id bigserial PRIMARY KEY,
    revision varchar(32) NOT NULL,
    filename text NOT NULL,
    checksum text NOT NULL,
    direction text NOT NULL CHECK (direction IN ('up', 'down', 'stamp')),
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT current_user
)`, o.historyTable()),
		progressDDL(o))
	return out
}

// opKind is a change to the version table.
type opKind int

const (
	opInsert opKind = iota
	opDelete
	opUpdate
)

// A versionOp is one change to the version table's rows.
type versionOp struct {
	kind     opKind
	from, to string
}

func (op versionOp) sql(o Options) string {
	switch op.kind {
	case opInsert:
		return fmt.Sprintf("INSERT INTO %s (version_num) VALUES (%s)", o.versionTable(), sqlq.Literal(op.to))
	case opDelete:
		return fmt.Sprintf("DELETE FROM %s WHERE version_num = %s", o.versionTable(), sqlq.Literal(op.from))
	default:
		return fmt.Sprintf("UPDATE %s SET version_num = %s WHERE version_num = %s", o.versionTable(), sqlq.Literal(op.to), sqlq.Literal(op.from))
	}
}

func historySQL(o Options, r *Revision, dir Direction) string {
	return fmt.Sprintf("INSERT INTO %s (revision, filename, checksum, direction) VALUES (%s, %s, %s, %s)",
		o.historyTable(), sqlq.Literal(r.ID), sqlq.Literal(r.Filename), sqlq.Literal(r.Checksum), sqlq.Literal(string(dir)))
}

// versionOps returns how a step changes the version table, given the heads
// before it, and the heads after it. It follows Alembic's HeadMaintainer: an
// upgrade replaces its parent's row, inserts a row when it starts a branch,
// and folds several rows into one for a merge (dependencies count as
// parents); a downgrade does the reverse.
func (d *Dir) versionOps(heads []string, step Step) ([]versionOp, []string, error) {
	id := step.Revision.ID
	set := map[string]bool{}
	for _, h := range heads {
		set[h] = true
	}
	down := d.normalizedPrereqs(id)
	var inHeads []string
	for _, p := range down {
		if set[p] {
			inHeads = append(inHeads, p)
		}
	}
	// notAncestorsOfOthers drops from ids those that an other head (one not
	// in except) already implies.
	notAncestorsOfOthers := func(ids []string, except ...string) []string {
		var others []string
		for _, h := range heads {
			if !slices.Contains(except, h) {
				others = append(others, h)
			}
		}
		anc := d.ancestors(others)
		var out []string
		for _, x := range ids {
			if len(others) == 0 || !anc[x] {
				out = append(out, x)
			}
		}
		return out
	}
	var ops []versionOp
	switch step.Direction {
	case Up:
		switch {
		case len(inHeads) == 0:
			ops = append(ops, versionOp{kind: opInsert, to: id})
		case len(inHeads) > 1:
			from := notAncestorsOfOthers(inHeads, down...)
			if len(from) == 0 {
				from = inHeads
			}
			for _, x := range from[:len(from)-1] {
				ops = append(ops, versionOp{kind: opDelete, from: x})
			}
			ops = append(ops, versionOp{kind: opUpdate, from: from[len(from)-1], to: id})
		default:
			ops = append(ops, versionOp{kind: opUpdate, from: inHeads[0], to: id})
		}
	case Down:
		if !set[id] {
			return nil, nil, fmt.Errorf("downgrade %s: it is not a current head (%s)", id, orNone(heads))
		}
		to := notAncestorsOfOthers(down, id)
		switch {
		case len(to) == 0:
			ops = append(ops, versionOp{kind: opDelete, from: id})
		default:
			ops = append(ops, versionOp{kind: opUpdate, from: id, to: to[len(to)-1]})
			for _, x := range to[:len(to)-1] {
				ops = append(ops, versionOp{kind: opInsert, to: x})
			}
		}
	default:
		return nil, nil, fmt.Errorf("step %s: unknown direction %q", id, step.Direction)
	}
	next := applyOps(heads, ops)
	return ops, next, nil
}

func applyOps(heads []string, ops []versionOp) []string {
	next := slices.Clone(heads)
	for _, op := range ops {
		switch op.kind {
		case opInsert:
			next = append(next, op.to)
		case opDelete:
			next = slices.DeleteFunc(next, func(h string) bool { return h == op.from })
		case opUpdate:
			for i, h := range next {
				if h == op.from {
					next[i] = op.to
				}
			}
		}
	}
	slices.Sort(next)
	return slices.Compact(next)
}

// A unit is a group of commands run together: in one transaction when tx.
// done is the number of the step's statements that have run once it
// commits.
type unit struct {
	tx    bool
	items []item
	done  int
}

// An item is one command of a unit: a statement of the revision (stmt
// set), a version-table change that must touch one row (one), or another
// command of retort's.
type item struct {
	sql   string
	stmt  *Statement
	one   bool
	alone bool // run by itself, not in a batch: a statement with its own timeouts, and their SETs
}

// timeoutValue renders a duration as a PostgreSQL setting value.
func timeoutValue(d time.Duration) string {
	if d < 0 {
		return "'0'" // off
	}
	return sqlq.Literal(fmt.Sprintf("%dms", d.Milliseconds()))
}

// program turns one step into the units that run it, starting at its
// statement from (after those an earlier run committed): the statements
// with the version-table update in one transaction when every one of them
// can run in one; otherwise each run of transactional statements in its
// own transaction, each other statement alone, each followed by a
// progress-table update that says how far the step got, and the
// version-table update last in a transaction of its own. restoreLock and
// restoreStmt hold the SQL values that put lock_timeout and
// statement_timeout back after a statement's own directive ("DEFAULT"
// offline, the session's values online).
func (d *Dir) program(o Options, step Step, ops []versionOp, from int, restoreLock, restoreStmt string) []unit {
	all := step.statements()
	stmts := all[from:]
	lockT := o.statementLockTimeout()
	set := func(tx bool) string {
		if tx {
			return "SET LOCAL "
		}
		return "SET "
	}
	base := func(tx bool) []item {
		var out []item
		if lockT > 0 {
			out = append(out, item{sql: set(tx) + "lock_timeout = " + timeoutValue(lockT)})
		}
		if o.StatementTimeout > 0 {
			out = append(out, item{sql: set(tx) + "statement_timeout = " + timeoutValue(o.StatementTimeout)})
		}
		return out
	}
	revLock, revStmt := restoreLock, restoreStmt
	if lockT > 0 {
		revLock = timeoutValue(lockT)
	}
	if o.StatementTimeout > 0 {
		revStmt = timeoutValue(o.StatementTimeout)
	}
	withStatement := func(tx bool, s *Statement) []item {
		var pre, post []item
		if s.LockTimeout != 0 {
			pre = append(pre, item{sql: set(tx) + "lock_timeout = " + timeoutValue(s.LockTimeout)})
			post = append(post, item{sql: set(tx) + "lock_timeout = " + revLock})
		}
		if s.StatementTimeout != 0 {
			pre = append(pre, item{sql: set(tx) + "statement_timeout = " + timeoutValue(s.StatementTimeout)})
			post = append(post, item{sql: set(tx) + "statement_timeout = " + revStmt})
		}
		out := append(append(pre, item{sql: s.SQL, stmt: s}), post...)
		if len(pre) > 0 {
			// The directive's SETs and its statement run one by one.
			for i := range out {
				out[i].alone = true
			}
		}
		return out
	}
	var version []item
	for _, op := range ops {
		version = append(version, item{sql: op.sql(o), one: op.kind != opInsert})
	}
	if from > 0 || !Transactional(all) {
		version = append(version, item{sql: clearProgressSQL(o, step.Revision.ID)})
	}
	version = append(version, item{sql: historySQL(o, step.Revision, step.Direction)})

	if Transactional(stmts) {
		items := base(true)
		for i := range stmts {
			items = append(items, withStatement(true, &stmts[i])...)
		}
		return []unit{{tx: true, items: append(items, version...), done: len(all)}}
	}
	var units []unit
	for i := range stmts {
		s := &stmts[i]
		if s.Transactional() {
			if n := len(units); n > 0 && units[n-1].tx {
				units[n-1].items = append(units[n-1].items, withStatement(true, s)...)
				units[n-1].done = from + i + 1
				continue
			}
			units = append(units, unit{tx: true, items: append(base(true), withStatement(true, s)...), done: from + i + 1})
			continue
		}
		items := base(false)
		items = append(items, withStatement(false, s)...)
		if lockT > 0 {
			items = append(items, item{sql: "SET lock_timeout = " + restoreLock})
		}
		if o.StatementTimeout > 0 {
			items = append(items, item{sql: "SET statement_timeout = " + restoreStmt})
		}
		units = append(units, unit{items: items, done: from + i + 1})
	}
	for i := range units {
		// In a transaction, the record commits with the statements; after
		// a statement that runs alone, a crash between the two loses it.
		units[i].items = append(units[i].items, item{sql: progressSQL(o, step, units[i].done)})
	}
	return append(units, unit{tx: true, items: version, done: len(all)})
}

// SplitRange splits an offline "FROM:TO" target. ok is false when target
// is not a range.
func SplitRange(target string) (from, to string, ok bool) {
	return strings.Cut(target, ":")
}
