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
// advisory lock, so that two runners never interleave. Each revision and its
// version-table update run in one transaction, unless the revision has
// statements that cannot run in one. A failure is a [*PartialError] saying
// what was applied and what failed. The version table (default
// public.retort_version) has one row per applied head; the history table
// (default public.retort_history) records each step with its file's
// checksum, and [Upgrade] refuses to run when an applied file was edited
// since ([*ChecksumError]). [Current] reads the version table and [Pending]
// lists what an upgrade would apply. [Script] writes the same run as a SQL
// script for psql, without connecting.
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
