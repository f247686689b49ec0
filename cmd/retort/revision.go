package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/config"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/migrate/layout"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
)

// autogen is what revision --autogenerate and check compare: the schema the
// migrations (or the --url database) have, and the declared one.
type autogen struct {
	from, to *model.Schema
	plan     *render.Plan
}

// autogenerate plans the difference between the migrations head (replayed on
// the dev server) or the live database at url, and the declared schema.
func (g *globals) autogenerate(ctx context.Context, st *setup, desired, url string) (*autogen, error) {
	if desired == "" {
		return nil, errors.New("no declared schema: give --to or set desired in retort.yaml")
	}
	l := g.loader(st.s, nil, nil)
	l.Migrate = st.opts
	defer l.Close()
	var from, to *model.Schema
	if url != "" {
		conn, err := connect(ctx, url)
		if err != nil {
			return nil, err
		}
		pending, err := layout.Pending(ctx, conn, st.dir, st.layout, &st.opts)
		conn.Close(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		if len(pending) > 0 {
			//lint:ignore ST1005 Alembic's message, word for word, so that its users find it.
			return nil, fmt.Errorf("Target database is not up to date: %s pending (%s); run retort upgrade first", count(len(pending), "revision"), pending[0].Revision.ID)
		}
		if from, err = l.Load(ctx, url); err != nil {
			return nil, err
		}
		if to, err = l.Load(ctx, desired); err != nil {
			return nil, fmt.Errorf("declared schema: %w", err)
		}
	} else {
		// The replay and the declared schema, at once. On a terminal a
		// bar counts the revisions replayed: on a long history the replay
		// takes seconds (none when the cache has it).
		bar := g.progressBar("replay: revisions", len(st.dir.Revisions()))
		defer bar.Done()
		l.Migrate.Progress = func(_ migrate.Step, done, total int) {
			if done == total {
				bar.Add(1)
			}
		}
		var err error
		from, to, err = l.LoadPair(ctx, "migrations://"+st.s.Migrations, desired)
		bar.Done()
		if err != nil {
			if from != nil {
				err = fmt.Errorf("declared schema: %w", err)
			}
			return nil, err
		}
	}
	if _, err := l.Reconcile(ctx, from, to); err != nil {
		return nil, err
	}
	side := "migrations head"
	if url != "" {
		side = "database"
	}
	reportUnsupported(g, side, from)
	reportUnsupported(g, "declared schema", to)
	ropts := render.Options{Comments: true, Owners: st.s.Privileges, Privileges: st.s.Privileges, Partial: l.Partial()}
	plan, err := render.NewPlan(from, to, render.PlanOptions{
		Options: ropts,
		Diff:    diff.Options{Owners: st.s.Privileges, Privileges: st.s.Privileges, Renames: st.renames, IgnoreExtensionVersions: g.ignoreExtVersions},
		Online:  st.s.IsOnline(),
	})
	if err != nil {
		return nil, err
	}
	return &autogen{from: from, to: to, plan: plan}, nil
}

// locksTables reports whether hazards include a lock, a rewrite or an
// index build on a table that exists: those whose weight depends on the
// table's size.
func locksTables(hazards []render.Hazard) bool {
	for _, h := range hazards {
		switch h.Kind {
		case render.HazardExclusiveLock, render.HazardTableRewrite, render.HazardIndexBuild:
			return true
		}
	}
	return false
}

// statements converts rendered statements into a revision body.
func statements(stmts []render.Statement) []migrate.Statement {
	out := make([]migrate.Statement, 0, len(stmts)+1)
	if createsFunctions(stmts) {
		out = append(out, migrate.Statement{SQL: "-- Function bodies are checked when they run, not when created, as in pg_dump's\n" +
			"-- scripts: a body may use what this revision creates after it.\n" +
			"SET check_function_bodies = false"})
	}
	for _, st := range stmts {
		// Annotated folds each hazard onto its comment line: a name with a
		// line end in it must not end the comment and run as SQL.
		sql := strings.TrimSuffix(st.Annotated(), ";")
		out = append(out, migrate.Statement{SQL: sql, NoTransaction: !st.Transactional, Backfill: st.Backfill})
	}
	return out
}

// createsFunctions reports whether stmts create a function or procedure.
func createsFunctions(stmts []render.Statement) bool {
	for _, st := range stmts {
		for _, p := range st.Provides {
			if p.Kind == model.KindFunction {
				return true
			}
		}
	}
	return false
}

// revisionFlags are the flags of revision.
type revisionFlags struct {
	message, revID, head, layout, url, to string
	auto                                  bool
	renames                               []string
	filters                               func(*config.Settings)
	online                                func(*config.Settings)
}

func newRevision(g *globals) *cobra.Command {
	var f revisionFlags
	cmd := &cobra.Command{
		Use:   "revision [-m MSG] [--autogenerate]",
		Short: "Write a new revision file",
		Long: `revision writes a new revision file in the migrations directory. With
--autogenerate its up and down come from comparing the declared schema (--to,
or desired in retort.yaml) with the migrations head replayed on the dev server
(no live database needed) or, given --url, with that database, which must be
at head. When there is nothing to change it says so and writes nothing.

--layout (or layout in retort.yaml) writes the revision as goose,
golang-migrate, dbmate, Flyway or Atlas files instead of retort's own, and
reads the directory back in that layout, each migration following the one
before. The paths written are printed one a line.`,
		Example: `  retort revision -m "add items" --autogenerate
  retort revision -m "add items" --autogenerate --layout goose
  retort revision -m "backfill prices"          # empty, to fill by hand
  retort revision -m "add items" --autogenerate --url postgres://app@localhost/app`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRevision(cmd.Context(), g, &f)
		},
	}
	fs := cmd.Flags()
	// No -m is an empty message, as in Alembic: not a required flag.
	fs.StringVarP(&f.message, "message", "m", "", "the revision's message")
	fs.BoolVar(&f.auto, "autogenerate", false, "fill up and down from the declared schema")
	fs.StringArrayVar(&f.renames, "rename", nil, "with --autogenerate, rename hint old=new (repeatable), as diff takes it")
	fs.StringVar(&f.revID, "rev-id", "", "the revision id (default: 12 random hex digits); in another tool's layout, the version (default: the time, YYYYMMDDHHMMSS)")
	fs.StringVar(&f.head, "head", "", "the head to build on when there are several")
	fs.StringVar(&f.layout, "layout", "", "file layout of the migrations directory: "+layout.Names()+" (default: layout in retort.yaml, else native)")
	fs.StringVar(&f.url, "url", "", "compare with this database (at head) instead of the replayed migrations")
	fs.StringVar(&f.to, "to", "", "the declared schema (default: desired in retort.yaml)")
	ignoreExtensionVersions(fs, g)
	fs.BoolVar(&g.noCache, "no-cache", false, noCacheUsage)
	f.filters = filterFlags(cmd)
	f.online = onlineFlag(cmd)
	return cmd
}

func runRevision(ctx context.Context, g *globals, f *revisionFlags) error {
	if err := g.ensureMigrationsDir(); err != nil {
		return err
	}
	st, err := g.migrations() // reads the directory in --layout
	if err != nil {
		return err
	}
	if st.renames, err = parseRenames(f.renames); err != nil {
		return err
	}
	f.filters(&st.s)
	f.online(&st.s)
	var parents []string
	if f.head != "" {
		parents = []string{f.head}
	}
	// Another tool's layout has no revision ids: the version is the id,
	// and --rev-id gives the version.
	id, version := f.revID, ""
	if st.layout != layout.Native {
		id, version = "", f.revID
	}
	rev, err := migrate.NewRevision(st.dir, id, f.message, parents)
	if err != nil {
		return err
	}
	if heads := st.dir.Heads(); st.layout != layout.Native && !slices.Equal(rev.Parents, heads) {
		return fmt.Errorf("the %s layout keeps a linear history: a new migration follows the last one (%s), so --head cannot name another", st.layout, strings.Join(heads, ", "))
	}
	// Read before autogenerate's slow work: a broken template fails at
	// once.
	tmpl, err := g.revisionTemplate(st)
	if err != nil {
		return err
	}
	var notes []string
	if f.auto {
		var empty bool
		if notes, empty, err = autogenerateRevision(ctx, g, st, f, rev); err != nil {
			return err
		}
		if empty {
			fmt.Fprintln(g.stderr, "retort: no changes; no revision written")
			return nil
		}
	}
	if tmpl != nil {
		return writeTemplated(g, st, tmpl, rev, notes)
	}
	return writeRevision(g, st, rev, version)
}

// autogenerateRevision fills rev's up, down and hazards from the plan
// between the migrations head (or --url) and the declared schema, and
// returns the notes for its file; empty reports a plan without changes.
func autogenerateRevision(ctx context.Context, g *globals, st *setup, f *revisionFlags, rev *migrate.Revision) (notes []string, empty bool, err error) {
	if g.changed("to") {
		st.s.Desired = f.to
	}
	live := ""
	if g.changed("url") {
		live = f.url
	}
	ag, err := g.autogenerate(ctx, st, st.s.Desired, live)
	if err != nil {
		return nil, false, err
	}
	if len(ag.plan.Changes) == 0 {
		return nil, true, nil
	}
	rev.Up, rev.Down = statements(ag.plan.Up), statements(ag.plan.Down)
	rev.Hazards = render.SummarizeHazards(ag.plan.Hazards())
	looks := diff.PossibleRenames(ag.plan.Changes)
	for _, l := range looks {
		notes = append(notes, render.DescribePossibleRename(l))
	}
	noteLookAlikes(g, looks, "renamed_from in the declared schema")
	if live == "" && locksTables(ag.plan.Hazards()) {
		// The replayed head holds no rows: no hazard can say how large a
		// locked table is.
		n := "table sizes are unknown (the migrations head is replayed empty), so the lock hazards cannot say how large each table is; " +
			"revision --autogenerate --url DATABASE (at head) reads them from that database"
		notes = append(notes, n)
		fmt.Fprintln(g.stderr, "retort: note: "+n)
	}
	return notes, false, nil
}

// mergeFlags are the flags of merge.
type mergeFlags struct {
	message string
	revID   string
}

func newMerge(g *globals) *cobra.Command {
	var f mergeFlags
	cmd := &cobra.Command{
		Use:   "merge REV... -m MSG",
		Short: "Write a revision that merges several heads",
		Args:  cobra.ArbitraryArgs, // fewer than two is said in runMerge, in words
		// Before cobra's check of the required flag, so that the message
		// says what merge needs.
		PreRunE: func(cmd *cobra.Command, args []string) error {
			return f.validate()
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMerge(cmd.Context(), g, &f, args)
		},
	}
	cmd.Flags().StringVarP(&f.message, "message", "m", "", "the revision's message")
	cmd.Flags().StringVar(&f.revID, "rev-id", "", "the revision id (default: 12 random hex digits)")
	_ = cmd.MarkFlagRequired("message")
	return cmd
}

func (f *mergeFlags) validate() error {
	if f.message == "" {
		return errors.New("merge needs -m MSG")
	}
	return nil
}

func runMerge(_ context.Context, g *globals, f *mergeFlags, revs []string) error {
	st, err := g.migrations()
	if err != nil {
		return err
	}
	if st.layout != layout.Native {
		return fmt.Errorf("the %s layout keeps a linear history, which has nothing to merge; merges need the native layout", st.layout)
	}
	if len(revs) == 1 && revs[0] == "heads" {
		revs = st.dir.Heads()
	}
	switch len(revs) {
	case 0:
		return errors.New("merge needs at least two revisions to merge (or heads), got none")
	case 1:
		return fmt.Errorf("merge needs at least two revisions to merge (or heads), got only %s", revs[0])
	}
	rev, err := migrate.NewRevision(st.dir, f.revID, f.message, revs)
	if err != nil {
		return err
	}
	return writeRevision(g, st, rev, "")
}
