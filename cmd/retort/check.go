package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/config"
	"github.com/retortdb/retort/internal/connstr"
	"github.com/retortdb/retort/migrate/layout"
	"github.com/retortdb/retort/render"
)

// checkFlags are the flags of check.
type checkFlags struct {
	url, to, format string
	renames         []string
	filters         func(*config.Settings)
	online          func(*config.Settings)
}

func newCheck(g *globals) *cobra.Command {
	var f checkFlags
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
			return runCheck(cmd.Context(), g, &f)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.url, "url", "", "check this database instead of the migrations")
	fs.StringVar(&f.to, "to", "", "the declared schema (default: desired in retort.yaml)")
	fs.StringVar(&f.format, "format", "review", "review, json, github or markdown (a pull-request comment)")
	fs.StringArrayVar(&f.renames, "rename", nil, "rename hint old=new (repeatable), as diff takes it")
	ignoreExtensionVersions(fs, g)
	fs.BoolVar(&g.noCache, "no-cache", false, noCacheUsage)
	f.filters = filterFlags(cmd)
	f.online = onlineFlag(cmd)
	return cmd
}

func (f *checkFlags) validate() error {
	switch f.format {
	case "review", "json", "github", "markdown":
		return nil
	}
	return fmt.Errorf("--format %q: want review, json, github or markdown", f.format)
}

func runCheck(ctx context.Context, g *globals, f *checkFlags) error {
	if err := f.validate(); err != nil {
		return err
	}
	st, err := g.migrations()
	if err != nil {
		return err
	}
	if st.renames, err = parseRenames(f.renames); err != nil {
		return err
	}
	f.filters(&st.s)
	f.online(&st.s)
	if g.changed("to") {
		st.s.Desired = f.to
	}
	live := ""
	if g.changed("url") {
		live = f.url
		if pending, err := checkPending(ctx, g, st, f.url); pending || err != nil {
			return err
		}
	}
	ag, err := g.autogenerate(ctx, st, st.s.Desired, live)
	if err != nil {
		return err
	}
	if len(ag.plan.Changes) == 0 {
		fmt.Fprintln(g.stderr, "No new upgrade operations detected.")
		return nil
	}
	if err := writeCheck(g, st, ag, f.format, live); err != nil {
		return err
	}
	what := "the migrations head differs from the declared schema; run retort revision --autogenerate"
	if live != "" {
		what = "the database differs from the declared schema"
	}
	fmt.Fprintf(g.stderr, "retort: %s (%s)\n", what, count(len(ag.plan.Changes), "change"))
	return errChanges
}

// checkPending prints the revisions the database at url has pending and
// reports whether there are any, with errChanges as the error then.
func checkPending(ctx context.Context, g *globals, st *setup, url string) (bool, error) {
	conn, err := connect(ctx, url)
	if err != nil {
		return false, err
	}
	pending, err := layout.Pending(ctx, conn, st.dir, st.layout, &st.opts)
	conn.Close(context.WithoutCancel(ctx))
	if err != nil {
		return false, err
	}
	if len(pending) == 0 {
		return false, nil
	}
	for _, p := range pending {
		fmt.Fprintf(g.stdout, "pending: %s %s, %s\n", p.Direction, p.Revision.ID, p.Revision.Message)
	}
	fmt.Fprintf(g.stderr, "retort: the database has %s pending\n", count(len(pending), "revision"))
	return true, errChanges
}

// writeCheck prints the difference check found in format; live is the
// database checked, empty for the migrations head.
func writeCheck(g *globals, st *setup, ag *autogen, format, live string) error {
	switch format {
	case "json":
		return render.WritePlanJSON(g.stdout, ag.plan, diff.PossibleRenames(ag.plan.Changes))
	case "markdown":
		from := "the migrations head"
		if live != "" {
			from = "the database"
		}
		fmt.Fprint(g.stdout, render.Markdown(ag.plan, render.MarkdownOptions{Title: "retort check", From: from, To: connstr.Redact(st.s.Desired),
			FromUnsupported: ag.from.Unsupported, ToUnsupported: ag.to.Unsupported}))
	case "github":
		for _, c := range ag.plan.Changes {
			// Names are the user's: escaped, a line end in one cannot
			// start a workflow command of its own.
			fmt.Fprintf(g.stdout, "::error title=retort check::%s\n",
				githubData(fmt.Sprintf("%s %s differs from the declared schema %s", c.Op(), c.Ref(), st.s.Desired)))
		}
		// What the revision to write would do on a busy database, as lint
		// would say once it is written.
		for _, f := range planFindings(ag.plan.Up) {
			fmt.Fprintln(g.stdout, githubAnnotation(f))
		}
	default:
		return render.Review(g.stdout, ag.from, ag.to, ag.plan, render.ReviewOptions{
			Options:         render.Options{Comments: true, Owners: st.s.Privileges, Privileges: st.s.Privileges},
			Color:           useColor(g),
			PossibleRenames: diff.PossibleRenames(ag.plan.Changes),
		})
	}
	return nil
}
