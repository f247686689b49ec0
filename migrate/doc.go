// Package migrate reads a directory of migration files, orders its
// revisions in a graph, and applies them to PostgreSQL, keeping a version
// table as Alembic keeps alembic_version.
//
// # Files
//
// Each revision is one ".sql" file directly in the migrations directory,
// with its up and down statements together. A header of "-- retort:"
// comments names the revision, its parents (several for a merge, none for
// the first), optional branch labels and dependencies, the message, the
// creation time and the plan's hazards:
//
//	-- retort:revision 3f2a9c1b7d4e
//	-- retort:parents 1a2b3c4d5e6f
//	-- retort:message add items
//	-- retort:created 2026-11-27T08:00:00Z
//	-- retort:hazard data-loss: drops column users.age
//
//	-- retort:up
//
//	ALTER TABLE public.users DROP COLUMN age;
//
//	-- retort:no-transaction
//	CREATE INDEX CONCURRENTLY users_name ON public.users (name);
//
//	-- retort:down
//
//	-- retort:statement_timeout 5s
//	ALTER TABLE public.users ADD COLUMN age integer;
//
// Directives before a statement apply to it alone: no-transaction,
// statement_timeout and lock_timeout. Bodies are split into statements with
// PostgreSQL's lexical rules, so dollar-quoted function bodies, DO blocks
// and BEGIN ATOMIC bodies stay whole. [Parse] reads a file and [Format]
// writes one; [NewRevision] starts a revision on the current head (or a
// merge of several), and [WriteFile] names its file from Alembic's
// file_template (see [FileName] and [Slug]) and never overwrites one.
// A [RevisionTemplate] (Alembic's script.py.mako) makes the file from a
// text/template instead, and refuses one that loses what Parse reads.
//
// # Graph
//
// [ReadDir] reads a directory from any [io/fs.FS], such as an [embed.FS],
// into a [Dir]; it rejects duplicate ids, unknown parents and cycles, naming
// the files. [Dir.Resolve] understands the targets of Alembic's command line
// (head, heads, base, +N, -N, ids and id prefixes, LABEL@head), and
// [Dir.UpgradeSteps] and [Dir.DowngradeSteps] list what a run would do.
//
// # Running
//
// [Upgrade], [Downgrade] and [Stamp] take a [*pgx.Conn] and hold a session
// advisory lock, so that two runners never interleave: by default a second
// run waits for the first however long it takes. Each revision and its
// version-table update run in one transaction, unless the revision has
// statements that cannot run in one. The version table (default
// public.retort_version) has one row per applied head; the history table
// (default public.retort_history) records each step with its file's
// checksum, and [Upgrade] refuses to run when an applied file was edited
// since ([*ChecksumError]). [Current] reads the version table and [Pending]
// lists what an upgrade would apply. [Script] writes the same run as a SQL
// script for psql, without connecting.
//
// Every statement runs under lock_timeout [DefaultLockTimeout] (2s) unless
// [Options.LockTimeout] says otherwise: a statement that cannot get its
// lock in time fails instead of queueing behind a long transaction, where
// its ACCESS EXCLUSIVE request would block every reader of the table.
// [NoLockTimeout] turns it off. A LockTimeout that is set also bounds the
// wait for the advisory lock. A transaction that fails on its lock_timeout
// is rolled back and tried again after a pause, [DefaultLockTries] times in
// all unless [Options.LockTries] says otherwise, and so is a statement
// outside a transaction (which committed nothing); each retry is logged.
//
// The statements of one transaction go to the server in one round trip, as
// one simple-protocol batch, so that a revision of thousands of statements
// costs a few round trips, not thousands; a statement with its own
// timeouts runs by itself. A failure still names the statement that failed.
//
// The runner pins the session settings revisions are written for, and
// puts the session's own back afterwards: client_encoding UTF8,
// standard_conforming_strings on (so 'a\b' is three characters on any
// database), and search_path public (rendered statements qualify every
// name; hand-written ones are read as a session with the usual search_path
// reads them, the same in a replay on the dev server as on the target).
//
// # Failures
//
// A failure is a [*PartialError] saying what was applied and what failed.
// A revision with statements that cannot run in a transaction runs
// statement by statement; the progress table (default
// public.retort_progress) records, per revision and direction, how many of
// its statements committed, with the file's checksum. When such a revision
// fails midway, the error lists the statements that stay committed (by
// file:line) and any invalid index the failing statement left (a unique
// index built CONCURRENTLY on duplicate rows, say), with the DROP INDEX
// CONCURRENTLY that removes it; the next run of the same file resumes
// after the statements that ran, and an edited file is refused rather than
// resumed blindly. A [Stamp] that changes whether a revision is applied
// forgets its progress.
//
// An application can embed its migrations and upgrade at start-up:
//
//	//go:embed migrations/*.sql
//	var migrations embed.FS
//
//	func upgrade(ctx context.Context, conn *pgx.Conn) error {
//		dir, err := migrate.ReadDir(migrations, "migrations")
//		if err != nil {
//			return err
//		}
//		_, err = migrate.Upgrade(ctx, conn, dir, "heads", nil)
//		return err
//	}
package migrate
