package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/retortdb/retort/internal/progress"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/migrate/gate"
)

// upgradeFlags are the flags of upgrade and downgrade.
type upgradeFlags struct {
	url                  string
	sql, ignoreChecksums bool
	// allowHazards are the hazard kinds --allow-hazards lets through the
	// gate (package migrate/gate).
	allowHazards string
	// direction is the command's: upgrade's Up, downgrade's Down.
	direction migrate.Direction
}

// upgradeOrDowngrade runs or prints the steps towards target.
func upgradeOrDowngrade(g *globals, direction migrate.Direction) *cobra.Command {
	f := upgradeFlags{direction: direction}
	use, short := "upgrade [TARGET]", "Upgrade the database to TARGET (default heads)"
	args := cobra.MaximumNArgs(1)
	example := `  retort upgrade
  retort upgrade +1
  retort upgrade 1a2b3c4d
  retort upgrade --sql base:head > upgrade.sql`
	if direction == migrate.Down {
		use, short, args = "downgrade TARGET", "Downgrade the database to TARGET", cobra.ExactArgs(1)
		example = `  retort downgrade -1
  retort downgrade 1a2b3c4d
  retort downgrade base
  retort downgrade --sql head:base > downgrade.sql`
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + `.

TARGET is head, heads, base, +N or -N (relative to the current revisions),
REV+N, a revision id or a unique prefix of one (at least 4 characters), or a
branch label (LABEL@head). --sql prints the script instead of running it,
without connecting; FROM:TO gives its range.

Before running anything, the hazard gate refuses the steps whose statements
carry a danger hazard (dropping data, rewriting a table, building an index,
scanning a table under an ACCESS EXCLUSIVE lock, a NOT NULL column without a
default) on a table that holds rows or whose size cannot be told, unless the
revision's header acknowledges the kind ("-- retort:allow-hazard KIND") or
--allow-hazards names it; each step is judged by the statements it runs (a
downgrade by the downs).
A backfill step still marked TODO is always refused. See docs/online.md.`,
		Example: example,
		Args:    args,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUpgrade(cmd.Context(), g, &f, args)
		},
	}
	cmd.Flags().StringVar(&f.url, "url", "", "the live database (default: url in retort.yaml)")
	cmd.Flags().BoolVar(&f.sql, "sql", false, "print the script instead of running it (no connection)")
	cmd.Flags().BoolVar(&f.ignoreChecksums, "ignore-checksums", false, "run even though applied revision files were edited since (this once; stamp --rehash records the edits)")
	cmd.Flags().StringVar(&f.allowHazards, "allow-hazards", "", "let these hazard kinds through the gate for this run, after review: "+
		strings.Join(gate.Kinds, ", ")+", or all")
	return cmd
}

// runUpgrade runs, or with --sql prints, the steps towards the target in
// args (default heads).
func runUpgrade(ctx context.Context, g *globals, f *upgradeFlags, args []string) error {
	target, direction := "heads", f.direction
	if len(args) == 1 {
		target = args[0]
	}
	allow, err := gate.ParseAllow(f.allowHazards)
	if err != nil {
		return fmt.Errorf("--allow-hazards: %w", err)
	}
	st, err := g.migrations()
	if err != nil {
		return err
	}
	if f.sql {
		from, to, ok := migrate.SplitRange(target)
		if !ok {
			from, to = "", target
			if direction == migrate.Down {
				return errors.New("downgrade --sql needs a range FROM:TO, e.g. head:base")
			}
		}
		script, err := migrate.Script(st.dir, from, to, direction, &st.opts)
		if err != nil {
			return err
		}
		fmt.Fprint(g.stdout, script)
		return nil
	}
	conn, err := g.liveConn(ctx, st, f.url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	run := migrate.Upgrade
	if direction == migrate.Down {
		run = migrate.Downgrade
	}
	st.opts.IgnoreChecksums = f.ignoreChecksums
	// Only a run on the live database is gated: --sql prints, and verify,
	// check and replays run on scratch databases.
	if st.opts.Gate, err = gate.New(gate.Options{Allow: allow}); err != nil {
		return err
	}
	// The runner logs each step as it starts (st.opts.Logf); within a step,
	// a bar counts its statements on a terminal.
	bars := &stepBars{g: g}
	defer bars.done()
	st.opts.Progress = bars.update
	steps, err := run(ctx, conn, st.dir, target, &st.opts)
	bars.done()
	if re := (*gate.RefusedError)(nil); errors.As(err, &re) {
		// One refused hazard a line, as a compiler lists its errors: the
		// usual one-line error would run them together.
		fmt.Fprintf(g.stderr, "retort: %s\n", re)
		return exitStatus(exitError)
	}
	if err != nil {
		return checksumHint(err)
	}
	if len(steps) == 0 {
		fmt.Fprintln(g.stderr, "retort: nothing to do")
	}
	return nil
}

// stepBars shows, on a terminal, a bar per step of an upgrade or a
// downgrade that counts the step's statements: one revision can hold
// thousands of them.
type stepBars struct {
	g    *globals
	step migrate.Step // the step the bar counts; zero before the first
	bar  *progress.Bar
}

// update is [migrate.Options.Progress].
func (s *stepBars) update(step migrate.Step, done, total int) {
	if step != s.step {
		s.bar.Done()
		s.step = step
		s.bar = s.g.progressBar(string(step.Direction)+" "+step.Revision.ID, total)
	}
	s.bar.Set(done)
}

// done erases the bar of the last step.
func (s *stepBars) done() { s.bar.Done() }

// checksumHint adds the ways out to a refusal over an edited revision: the
// library's message cannot name the command's flags.
func checksumHint(err error) error {
	var ce *migrate.ChecksumError
	if !errors.As(err, &ce) {
		return err
	}
	return fmt.Errorf("%w; or, once the edit is reviewed, record it with retort stamp --rehash %s, or run this once with --ignore-checksums", err, ce.Revision)
}

// stampFlags are the flags of stamp.
type stampFlags struct {
	url           string
	purge, rehash bool
}

func newStamp(g *globals) *cobra.Command {
	var f stampFlags
	cmd := &cobra.Command{
		Use:   "stamp REV... | stamp --rehash [REV...]",
		Short: "Set the version table to REV without running migrations",
		Long: `stamp sets the version table to REV without running migrations, as
Alembic's stamp does. --purge empties the version table first.

--rehash changes no revision: it records the current checksums of applied
revision files that were edited after they were applied (all of them, or the
REVs named), once a reviewer has accepted the edits, so that upgrade and
downgrade run again. It prints each revision whose checksum it recorded.`,
		Example: `  retort stamp head
  retort stamp --purge base
  retort stamp --rehash            # accept every reviewed edit
  retort stamp --rehash 1a2b3c4d`,
		Args: func(cmd *cobra.Command, args []string) error {
			if f.rehash {
				return nil
			}
			return cobra.MinimumNArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStamp(cmd.Context(), g, &f, args)
		},
	}
	cmd.Flags().StringVar(&f.url, "url", "", "the live database (default: url in retort.yaml)")
	cmd.Flags().BoolVar(&f.purge, "purge", false, "empty the version table first")
	cmd.Flags().BoolVar(&f.rehash, "rehash", false, "record the checksums of edited applied revisions (all, or the REVs named)")
	return cmd
}

// runStamp stamps revs, or with --rehash records the checksums of the
// edited applied revisions among revs (all when none).
func runStamp(ctx context.Context, g *globals, f *stampFlags, revs []string) error {
	if f.rehash && f.purge {
		return errors.New("stamp: --rehash and --purge do not go together")
	}
	st, err := g.migrations()
	if err != nil {
		return err
	}
	conn, err := g.liveConn(ctx, st, f.url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if f.rehash {
		ids, err := migrate.Rehash(ctx, conn, st.dir, revs, &st.opts)
		if err != nil {
			return err
		}
		for _, id := range ids {
			fmt.Fprintln(g.stdout, id)
		}
		if len(ids) == 0 {
			fmt.Fprintln(g.stderr, "retort: no applied revision file changed; nothing to rehash")
		}
		return nil
	}
	heads, err := migrate.Stamp(ctx, conn, st.dir, revs, f.purge, &st.opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stderr, "retort: stamped %s\n", strings.Join(heads, ", "))
	return nil
}
