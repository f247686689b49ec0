package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/config"
	"github.com/retortdb/retort/internal/connstr"
	"github.com/retortdb/retort/internal/devdb"
	"github.com/retortdb/retort/introspect"
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
		// The replay and the declared schema, at once.
		var err error
		if from, to, err = l.LoadPair(ctx, "migrations://"+st.s.Migrations, desired); err != nil {
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
		out = append(out, migrate.Statement{SQL: sql, NoTransaction: !st.Transactional})
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

func newRevision(g *globals) *cobra.Command {
	var (
		message, revID, head, layoutName, url, to string
		auto                                      bool
		renames                                   []string
		filters                                   func(*config.Settings)
	)
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
			// No -m is an empty message, as in Alembic.
			if err := g.ensureMigrationsDir(cmd); err != nil {
				return err
			}
			st, err := g.migrations(cmd) // reads the directory in --layout
			if err != nil {
				return err
			}
			if st.renames, err = parseRenames(renames); err != nil {
				return err
			}
			filters(&st.s)
			var parents []string
			if head != "" {
				parents = []string{head}
			}
			// Another tool's layout has no revision ids: the version is the
			// id, and --rev-id gives the version.
			id, version := revID, ""
			if st.layout != layout.Native {
				id, version = "", revID
			}
			rev, err := migrate.NewRevision(st.dir, id, message, parents)
			if err != nil {
				return err
			}
			if heads := st.dir.Heads(); st.layout != layout.Native && !slices.Equal(rev.Parents, heads) {
				return fmt.Errorf("the %s layout keeps a linear history: a new migration follows the last one (%s), so --head cannot name another", st.layout, strings.Join(heads, ", "))
			}
			// Read before autogenerate's slow work: a broken template
			// fails at once.
			tmpl, err := g.revisionTemplate(st)
			if err != nil {
				return err
			}
			var notes []string
			if auto {
				if cmd.Flags().Changed("to") {
					st.s.Desired = to
				}
				live := ""
				if cmd.Flags().Changed("url") {
					live = url
				}
				ag, err := g.autogenerate(cmd.Context(), st, st.s.Desired, live)
				if err != nil {
					return err
				}
				if len(ag.plan.Changes) == 0 {
					fmt.Fprintln(g.stderr, "retort: no changes; no revision written")
					return nil
				}
				rev.Up, rev.Down = statements(ag.plan.Up), statements(ag.plan.Down)
				rev.Hazards = render.SummarizeHazards(ag.plan.Hazards())
				looks := diff.PossibleRenames(ag.plan.Changes)
				for _, l := range looks {
					notes = append(notes, describeLookAlike(l))
				}
				noteLookAlikes(g, looks, "renamed_from in the declared schema")
				if live == "" && locksTables(ag.plan.Hazards()) {
					// The replayed head holds no rows: no hazard can say
					// how large a locked table is.
					n := "table sizes are unknown (the migrations head is replayed empty), so the lock hazards cannot say how large each table is; " +
						"revision --autogenerate --url DATABASE (at head) reads them from that database"
					notes = append(notes, n)
					fmt.Fprintln(g.stderr, "retort: note: "+n)
				}
			}
			if tmpl != nil {
				return writeTemplated(g, st, tmpl, rev, notes)
			}
			return writeRevision(g, st, rev, version)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&message, "message", "m", "", "the revision's message")
	f.BoolVar(&auto, "autogenerate", false, "fill up and down from the declared schema")
	f.StringArrayVar(&renames, "rename", nil, "with --autogenerate, rename hint old=new (repeatable), as diff takes it")
	f.StringVar(&revID, "rev-id", "", "the revision id (default: 12 random hex digits); in another tool's layout, the version (default: the time, YYYYMMDDHHMMSS)")
	f.StringVar(&head, "head", "", "the head to build on when there are several")
	f.StringVar(&layoutName, "layout", "", "file layout of the migrations directory: "+layout.Names()+" (default: layout in retort.yaml, else native)")
	f.StringVar(&url, "url", "", "compare with this database (at head) instead of the replayed migrations")
	f.StringVar(&to, "to", "", "the declared schema (default: desired in retort.yaml)")
	ignoreExtensionVersions(f, g)
	f.BoolVar(&g.noCache, "no-cache", false, noCacheUsage)
	filters = filterFlags(cmd)
	return cmd
}

func newCheck(g *globals) *cobra.Command {
	var (
		url, to, format string
		renames         []string
		filters         func(*config.Settings)
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Exit 2 when the migrations (or a database) differ from the declared schema",
		Long: `check exits 0 when the migrations head matches the declared schema and 2 when
revision --autogenerate would write something, showing the difference. With
--url it checks that database instead: exit 2 when it has revisions pending
or differs from the declared schema, saying which. Exit 1 on error, including
a database whose version table names a revision the directory lacks.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "review", "json", "github", "markdown":
			default:
				return fmt.Errorf("--format %q: want review, json, github or markdown", format)
			}
			st, err := g.migrations(cmd)
			if err != nil {
				return err
			}
			if st.renames, err = parseRenames(renames); err != nil {
				return err
			}
			filters(&st.s)
			if cmd.Flags().Changed("to") {
				st.s.Desired = to
			}
			live := ""
			if cmd.Flags().Changed("url") {
				live = url
				conn, err := connect(cmd.Context(), url)
				if err != nil {
					return err
				}
				pending, err := layout.Pending(cmd.Context(), conn, st.dir, st.layout, &st.opts)
				conn.Close(context.WithoutCancel(cmd.Context()))
				if err != nil {
					return err
				}
				if len(pending) > 0 {
					for _, p := range pending {
						fmt.Fprintf(g.stdout, "pending: %s %s, %s\n", p.Direction, p.Revision.ID, p.Revision.Message)
					}
					fmt.Fprintf(g.stderr, "retort: the database has %s pending\n", count(len(pending), "revision"))
					return errChanges
				}
			}
			ag, err := g.autogenerate(cmd.Context(), st, st.s.Desired, live)
			if err != nil {
				return err
			}
			if len(ag.plan.Changes) == 0 {
				fmt.Fprintln(g.stderr, "No new upgrade operations detected.")
				return nil
			}
			switch format {
			case "json":
				if err := writePlanJSON(g, ag.plan, diff.PossibleRenames(ag.plan.Changes)); err != nil {
					return err
				}
			case "markdown":
				from := "the migrations head"
				if live != "" {
					from = "the database"
				}
				fmt.Fprint(g.stdout, render.Markdown(ag.plan, render.MarkdownOptions{Title: "retort check", From: from, To: connstr.Redact(st.s.Desired),
					FromUnsupported: ag.from.Unsupported, ToUnsupported: ag.to.Unsupported}))
			case "github":
				for _, c := range ag.plan.Changes {
					// Names are the user's: escaped, a line end in one
					// cannot start a workflow command of its own.
					fmt.Fprintf(g.stdout, "::error title=retort check::%s\n",
						githubData(fmt.Sprintf("%s %s differs from the declared schema %s", c.Op(), c.Ref(), st.s.Desired)))
				}
				// What the revision to write would do on a busy database,
				// as lint would say once it is written.
				for _, f := range planFindings(ag.plan.Up) {
					fmt.Fprintln(g.stdout, githubAnnotation(f))
				}
			default:
				ropts := render.Options{Comments: true, Owners: st.s.Privileges, Privileges: st.s.Privileges}
				if err := writeReview(g, ag.from, ag.to, ag.plan, ropts, false, diff.PossibleRenames(ag.plan.Changes)); err != nil {
					return err
				}
			}
			what := "the migrations head differs from the declared schema; run retort revision --autogenerate"
			if live != "" {
				what = "the database differs from the declared schema"
			}
			fmt.Fprintf(g.stderr, "retort: %s (%s)\n", what, count(len(ag.plan.Changes), "change"))
			return errChanges
		},
	}
	f := cmd.Flags()
	f.StringVar(&url, "url", "", "check this database instead of the migrations")
	f.StringVar(&to, "to", "", "the declared schema (default: desired in retort.yaml)")
	f.StringVar(&format, "format", "review", "review, json, github or markdown (a pull-request comment)")
	f.StringArrayVar(&renames, "rename", nil, "rename hint old=new (repeatable), as diff takes it")
	ignoreExtensionVersions(f, g)
	f.BoolVar(&g.noCache, "no-cache", false, noCacheUsage)
	filters = filterFlags(cmd)
	return cmd
}

func newVerify(g *globals) *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Prove that every revision's down undoes its up",
		Long: `verify replays every revision on a scratch database: up, inspect, down,
inspect, compare, then up again before the next. It names the first revision
whose down does not restore the state before its up. With --to (or desired in
retort.yaml) it also checks that head equals the declared schema.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := g.migrations(cmd)
			if err != nil {
				return err
			}
			dev, err := devdb.Open(ctx, st.s.DevURL, devdb.Options{Logf: g.logf, Debugf: g.debugf, Trusted: st.s.DevTrusted})
			if err != nil {
				return err
			}
			defer dev.Close()
			sc, err := dev.Scratch(ctx)
			if err != nil {
				return err
			}
			defer sc.Close(context.WithoutCancel(ctx))
			// The revisions are replayed as declared sources are applied:
			// without superuser rights unless trusted.
			applier, err := sc.Applier(ctx)
			if err != nil {
				return err
			}
			conn, err := connect(ctx, applier)
			if err != nil {
				return err
			}
			defer conn.Close(context.WithoutCancel(ctx))
			l := g.loader(st.s, nil, nil)
			l.Migrate = st.opts
			defer l.Close()
			iopts := introspect.Options{IgnoreTables: []model.QName{
				{Schema: st.s.VersionSchema, Name: st.s.VersionTable}, {Schema: st.s.VersionSchema, Name: "retort_history"},
				{Schema: st.s.VersionSchema, Name: migrate.DefaultProgressTable}}}
			iopts.Debugf = g.debugf
			steps, err := st.dir.UpgradeSteps(nil, "heads")
			if err != nil {
				return err
			}
			for _, step := range steps {
				before, err := introspect.Inspect(ctx, conn, iopts)
				if err != nil {
					return err
				}
				id := step.Revision.ID
				if _, err := migrate.Upgrade(ctx, conn, st.dir, id, &st.opts); err != nil {
					return fmt.Errorf("verify %s: up: %w", id, err)
				}
				if _, err := migrate.Downgrade(ctx, conn, st.dir, "-1", &st.opts); err != nil {
					return fmt.Errorf("verify %s: down: %w", id, err)
				}
				after, err := introspect.Inspect(ctx, conn, iopts)
				if err != nil {
					return err
				}
				if cs, _ := diff.Compare(after, before, diff.Options{}); len(cs) > 0 {
					var what []string
					for _, c := range cs {
						what = append(what, c.Op().String()+" "+c.Ref().String())
					}
					return fmt.Errorf("revision %s (%s): down does not restore the state before up: %s",
						id, step.Revision.Filename, strings.Join(what, "; "))
				}
				if _, err := migrate.Upgrade(ctx, conn, st.dir, id, &st.opts); err != nil {
					return fmt.Errorf("verify %s: up again: %w", id, err)
				}
				fmt.Fprintf(g.stderr, "retort: %s ok (%s)\n", id, step.Revision.Message)
			}
			if cmd.Flags().Changed("to") {
				st.s.Desired = to
			}
			check := cmd.Flags().Changed("to") || st.s.Desired != ""
			if check && !cmd.Flags().Changed("to") && !strings.Contains(st.s.Desired, "://") {
				// desired defaults to schema.sql: a project without one has
				// no declared schema to hold head to, which is no error here.
				if _, err := os.Stat(st.s.Desired); errors.Is(err, fs.ErrNotExist) {
					fmt.Fprintf(g.stderr, "retort: no declared schema (%s does not exist): head not compared with one\n", st.s.Desired)
					check = false
				}
			}
			if check {
				head, err := introspect.Inspect(ctx, conn, iopts)
				if err != nil {
					return err
				}
				// Filtered as the declared side is (include, exclude).
				if err := l.Filter("migrations head", head); err != nil {
					return err
				}
				want, err := l.Load(ctx, st.s.Desired)
				if err != nil {
					return fmt.Errorf("declared schema: %w", err)
				}
				if _, err := l.Reconcile(ctx, head, want); err != nil {
					return err
				}
				if cs, _ := diff.Compare(head, want, diff.Options{}); len(cs) > 0 {
					fmt.Fprintf(g.stderr, "retort: head differs from the declared schema %s in %s\n", st.s.Desired, count(len(cs), "change"))
					return errChanges
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the declared schema head must equal (default: desired in retort.yaml)")
	return cmd
}
