package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/config"
	"github.com/retortdb/retort/internal/connstr"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
	"github.com/retortdb/retort/source"
)

// diffFlags are the flags of diff.
type diffFlags struct {
	from, to, format        string
	down, exitCode          bool
	renames                 []string
	schemas, exclude        []string
	filters                 func(*config.Settings)
	online                  func(*config.Settings)
	privileges, showSecrets bool
}

func newDiff(g *globals) *cobra.Command {
	var f diffFlags
	cmd := &cobra.Command{
		Use:   "diff --from SRC --to SRC",
		Short: "Print the migration that turns one schema into another",
		Long: `diff compares FROM with TO and prints the up script of the plan that turns
FROM into TO; --down prints the down script of the same plan, which undoes it
from the state after up. Nothing is printed when the two match.

The script runs as is under psql -v ON_ERROR_STOP=1 -f: transactional
statements inside BEGIN; … COMMIT;, statements that cannot run in a
transaction outside it, each hazard as a "-- hazard:" comment above its
statement. --format review shows the change as a diff of the two schemas' DDL
followed by the hazards; --format json gives the plan; --format markdown a
pull-request comment (a table of the changes and their hazards, both
scripts, notes).

Renames are never guessed: --rename old=new (schema.table=new for a table,
schema.table.column=new for a column) turns a drop and an add into a rename.`,
		Example: `  # The migration that creates everything a schema file declares
  retort diff --from empty --to schema.sql

  # What it takes to bring a database to the declared schema, and back
  retort diff --from postgres://app@localhost/app --to schema.sql
  retort diff --from postgres://app@localhost/app --to schema.sql --down

  # In CI: exit 2 when the database drifted from the declared schema
  retort diff --from "$DATABASE_URL" --to schema.sql --exit-code --format review`,
		Args: cobra.NoArgs,
		// Before cobra's check of the required flags, so that the message
		// says what diff needs.
		PreRunE: func(cmd *cobra.Command, args []string) error {
			return f.validate()
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiff(cmd.Context(), g, &f)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.from, "from", "", "the schema as it is (SRC)")
	fs.StringVar(&f.to, "to", "", "the schema as it should be (SRC)")
	fs.BoolVar(&f.down, "down", false, "print the down script of the same plan")
	fs.StringVar(&f.format, "format", "sql", "output format: sql, json, review or markdown")
	fs.BoolVar(&f.exitCode, "exit-code", false, "exit 2 when there are changes")
	fs.StringArrayVar(&f.renames, "rename", nil, "rename hint old=new (repeatable)")
	fs.StringSliceVar(&f.schemas, "schema", nil, "only these schemas (repeatable)")
	fs.StringSliceVar(&f.exclude, "exclude", nil, excludeUsage)
	f.filters = filterFlags(cmd)
	f.online = onlineFlag(cmd)
	fs.BoolVar(&f.privileges, "privileges", false, "also compare owners and grants")
	fs.BoolVar(&f.showSecrets, "show-secrets", false, "with --privileges, also print user mapping passwords")
	ignoreExtensionVersions(fs, g)
	fs.BoolVar(&g.noCache, "no-cache", false, noCacheUsage)
	_ = cmd.MarkFlagRequired("from")
	_ = cmd.MarkFlagRequired("to")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"sql", "json", "review", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (f *diffFlags) validate() error {
	switch f.format {
	case "sql", "json", "review", "markdown":
	default:
		return fmt.Errorf("--format %q: want sql, json, review or markdown", f.format)
	}
	if f.from == "" || f.to == "" {
		return fmt.Errorf("both --from and --to are required")
	}
	return nil
}

// diffResult is what diff compared and the plan between them.
type diffResult struct {
	from, to *model.Schema
	plan     *render.Plan
	ropts    render.Options
}

func runDiff(ctx context.Context, g *globals, f *diffFlags) error {
	hints, err := parseRenames(f.renames)
	if err != nil {
		return err
	}
	s, err := g.settings()
	if err != nil {
		return err
	}
	if g.changed("privileges") {
		s.Privileges = f.privileges
	}
	f.filters(&s)
	f.online(&s)
	secrets, err := secretsShown(s.Privileges, f.showSecrets)
	if err != nil {
		return err
	}
	l := g.loader(s, f.schemas, f.exclude)
	defer l.Close()
	r, err := diffPlan(ctx, g, l, f, s, hints, secrets)
	if err != nil {
		return err
	}
	reportUnsupported(g, "--from", r.from)
	reportUnsupported(g, "--to", r.to)
	if err := writeDiff(g, f, r); err != nil {
		return err
	}
	if f.exitCode && len(r.plan.Changes) > 0 {
		return errChanges
	}
	return nil
}

// diffPlan loads --from and --to through l and plans the change between
// them.
func diffPlan(ctx context.Context, g *globals, l *source.Loader, f *diffFlags, s config.Settings, hints []diff.RenameHint, secrets bool) (*diffResult, error) {
	from, err := l.Load(ctx, f.from)
	if err != nil {
		return nil, fmt.Errorf("--from: %w", err)
	}
	to, err := l.Load(ctx, f.to)
	if err != nil {
		return nil, fmt.Errorf("--to: %w", err)
	}
	if _, err := l.Reconcile(ctx, from, to); err != nil {
		return nil, err
	}
	if a, b := from.ServerMajor, to.ServerMajor; a != 0 && b != 0 && a != b {
		fmt.Fprintf(g.stderr, "retort: warning: --from was read on PostgreSQL %d and --to on PostgreSQL %d; texts may differ between versions\n", a, b)
	}
	ropts := render.Options{Comments: true, Owners: s.Privileges, Privileges: s.Privileges, Partial: l.Partial(),
		Secrets: secrets}
	plan, err := render.NewPlan(from, to, render.PlanOptions{
		Options: ropts,
		Diff:    diff.Options{Owners: s.Privileges, Privileges: s.Privileges, Renames: hints, IgnoreExtensionVersions: g.ignoreExtVersions},
		Online:  s.IsOnline(),
	})
	if err != nil {
		return nil, err
	}
	return &diffResult{from: from, to: to, plan: plan, ropts: ropts}, nil
}

// writeDiff prints the plan of r in --format.
func writeDiff(g *globals, f *diffFlags, r *diffResult) error {
	plan := r.plan
	looks := diff.PossibleRenames(plan.Changes)
	switch f.format {
	case "sql":
		script := plan.UpSQL()
		if f.down {
			script = plan.DownSQL()
		}
		fmt.Fprint(g.stdout, script)
		noteLookAlikes(g, looks, "")
	case "json":
		return render.WritePlanJSON(g.stdout, plan, looks)
	case "review":
		if len(plan.Changes) > 0 {
			return render.Review(g.stdout, r.from, r.to, plan, render.ReviewOptions{
				Options: r.ropts, Down: f.down, Color: useColor(g), PossibleRenames: looks})
		}
	case "markdown":
		if len(plan.Changes) > 0 {
			fmt.Fprint(g.stdout, render.Markdown(plan, render.MarkdownOptions{Title: "retort diff", From: connstr.Redact(f.from), To: connstr.Redact(f.to),
				FromUnsupported: r.from.Unsupported, ToUnsupported: r.to.Unsupported}))
		}
	}
	return nil
}

// useColor reports whether output for people should be colored: only on a
// terminal, and never when NO_COLOR is set.
func useColor(g *globals) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	f, ok := g.stdout.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// noteLookAlikes tells stderr about drops and creates that look like
// renames, and how to ask for the rename: --rename, or what the caller
// names instead (a declared schema's renamed_from).
func noteLookAlikes(g *globals, looks []diff.PossibleRename, how string) {
	for _, l := range looks {
		if how == "" {
			fmt.Fprintf(g.stderr, "retort: note: %s; if it is a rename, pass --rename %s\n", render.DescribePossibleRename(l), l.Hint())
			continue
		}
		fmt.Fprintf(g.stderr, "retort: note: %s; if it is a rename, use %s\n", render.DescribePossibleRename(l), how)
	}
}

// ignoreExtensionVersions registers --ignore-extension-versions on a
// command that compares schemas.
func ignoreExtensionVersions(f *pflag.FlagSet, g *globals) {
	f.BoolVar(&g.ignoreExtVersions, "ignore-extension-versions", false, "compare extensions by name only, not by version")
}

// parseRenames reads the --rename flags of diff, revision and check.
func parseRenames(flags []string) ([]diff.RenameHint, error) {
	var hints []diff.RenameHint
	for _, r := range flags {
		h, err := diff.ParseRename(r)
		if err != nil {
			return nil, err
		}
		hints = append(hints, h)
	}
	return hints, nil
}
