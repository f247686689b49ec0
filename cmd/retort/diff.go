package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/retortdb/retort/diff"
	"github.com/retortdb/retort/internal/config"
	"github.com/retortdb/retort/internal/connstr"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
)

func newDiff(g *globals) *cobra.Command {
	var (
		from, to    string
		down        bool
		format      string
		exitCode    bool
		renames     []string
		schemas     []string
		exclude     []string
		filters     func(*config.Settings)
		privileges  bool
		showSecrets bool
	)
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
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "sql", "json", "review", "markdown":
			default:
				return fmt.Errorf("--format %q: want sql, json, review or markdown", format)
			}
			if from == "" || to == "" {
				return fmt.Errorf("both --from and --to are required")
			}
			hints, err := parseRenames(renames)
			if err != nil {
				return err
			}
			s, err := g.settings(cmd)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("privileges") {
				s.Privileges = privileges
			}
			filters(&s)
			secrets, err := secretsShown(s.Privileges, showSecrets)
			if err != nil {
				return err
			}
			l := g.loader(s, schemas, exclude)
			defer l.Close()
			fromSchema, err := l.Load(cmd.Context(), from)
			if err != nil {
				return fmt.Errorf("--from: %w", err)
			}
			toSchema, err := l.Load(cmd.Context(), to)
			if err != nil {
				return fmt.Errorf("--to: %w", err)
			}
			if _, err := l.Reconcile(cmd.Context(), fromSchema, toSchema); err != nil {
				return err
			}
			if a, b := fromSchema.ServerMajor, toSchema.ServerMajor; a != 0 && b != 0 && a != b {
				fmt.Fprintf(g.stderr, "retort: warning: --from was read on PostgreSQL %d and --to on PostgreSQL %d; texts may differ between versions\n", a, b)
			}
			ropts := render.Options{Comments: true, Owners: s.Privileges, Privileges: s.Privileges, Partial: l.Partial(),
				Secrets: secrets}
			plan, err := render.NewPlan(fromSchema, toSchema, render.PlanOptions{
				Options: ropts,
				Diff:    diff.Options{Owners: s.Privileges, Privileges: s.Privileges, Renames: hints, IgnoreExtensionVersions: g.ignoreExtVersions},
			})
			if err != nil {
				return err
			}
			reportUnsupported(g, "--from", fromSchema)
			reportUnsupported(g, "--to", toSchema)
			script := plan.UpSQL()
			if down {
				script = plan.DownSQL()
			}
			looks := diff.PossibleRenames(plan.Changes)
			switch format {
			case "sql":
				fmt.Fprint(g.stdout, script)
				noteLookAlikes(g, looks, "")
			case "json":
				if err := writePlanJSON(g, plan, looks); err != nil {
					return err
				}
			case "review":
				if len(plan.Changes) > 0 {
					if err := writeReview(g, fromSchema, toSchema, plan, ropts, down, looks); err != nil {
						return err
					}
				}
			case "markdown":
				if len(plan.Changes) > 0 {
					fmt.Fprint(g.stdout, render.Markdown(plan, render.MarkdownOptions{Title: "retort diff", From: connstr.Redact(from), To: connstr.Redact(to),
						FromUnsupported: fromSchema.Unsupported, ToUnsupported: toSchema.Unsupported}))
				}
			}
			if exitCode && len(plan.Changes) > 0 {
				return errChanges
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "the schema as it is (SRC)")
	f.StringVar(&to, "to", "", "the schema as it should be (SRC)")
	f.BoolVar(&down, "down", false, "print the down script of the same plan")
	f.StringVar(&format, "format", "sql", "output format: sql, json, review or markdown")
	f.BoolVar(&exitCode, "exit-code", false, "exit 2 when there are changes")
	f.StringArrayVar(&renames, "rename", nil, "rename hint old=new (repeatable)")
	f.StringSliceVar(&schemas, "schema", nil, "only these schemas (repeatable)")
	f.StringSliceVar(&exclude, "exclude", nil, excludeUsage)
	filters = filterFlags(cmd)
	f.BoolVar(&privileges, "privileges", false, "also compare owners and grants")
	f.BoolVar(&showSecrets, "show-secrets", false, "with --privileges, also print user mapping passwords")
	ignoreExtensionVersions(f, g)
	f.BoolVar(&g.noCache, "no-cache", false, noCacheUsage)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"sql", "json", "review", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// planJSON is the documented shape of `diff --format json`.
type planJSON struct {
	Changes []changeJSON    `json:"changes"`
	Up      []statementJSON `json:"up"`
	Down    []statementJSON `json:"down"`
	// PossibleRenames are drops and creates that look like renames; the
	// plan does not rename them (see diff.PossibleRenames).
	PossibleRenames []possibleRenameJSON `json:"possible_renames,omitempty"`
}

type possibleRenameJSON struct {
	Kind   model.ObjectKind `json:"kind"`
	From   string           `json:"from"`
	To     string           `json:"to"`
	Why    string           `json:"why"`
	Rename string           `json:"rename"`
}

type changeJSON struct {
	Op     string          `json:"op"`
	Object model.ObjectRef `json:"object"`
}

type statementJSON struct {
	SQL           string          `json:"sql"`
	Transactional bool            `json:"transactional"`
	Hazards       []render.Hazard `json:"hazards,omitempty"`
}

func writePlanJSON(g *globals, p *render.Plan, looks []diff.PossibleRename) error {
	out := planJSON{Changes: []changeJSON{}, Up: statementsJSON(p.Up), Down: statementsJSON(p.Down)}
	for _, c := range p.Changes {
		out.Changes = append(out.Changes, changeJSON{Op: c.Op().String(), Object: c.Ref()})
	}
	for _, l := range looks {
		from, to := lookAlikeNames(l)
		out.PossibleRenames = append(out.PossibleRenames, possibleRenameJSON{Kind: l.Kind, From: from, To: to, Why: l.Why, Rename: l.Hint()})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	_, err = fmt.Fprintf(g.stdout, "%s\n", b)
	return err
}

func statementsJSON(stmts []render.Statement) []statementJSON {
	out := []statementJSON{}
	for _, st := range stmts {
		out = append(out, statementJSON{SQL: st.SQL, Transactional: st.Transactional, Hazards: st.Hazards})
	}
	return out
}

// writeReview prints a unified line diff of the DDL of both schemas, then the
// plan's hazards, so a reviewer sees the change as schema text rather than as
// ALTER statements.
func writeReview(g *globals, from, to *model.Schema, p *render.Plan, opts render.Options, down bool, looks []diff.PossibleRename) error {
	a, err := render.SchemaSQL(from, opts)
	if err != nil {
		return err
	}
	b, err := render.SchemaSQL(to, opts)
	if err != nil {
		return err
	}
	if down {
		a, b = b, a
	}
	color := useColor(g)
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return "\x1b[" + code + "m" + s + "\x1b[0m"
	}
	dmp := diffmatchpatch.New()
	ca, cb, lines := dmp.DiffLinesToChars(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lines)
	var out strings.Builder
	const context = 3
	for i, d := range diffs {
		ls := strings.Split(strings.TrimSuffix(d.Text, "\n"), "\n")
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			for _, l := range ls {
				out.WriteString(paint("31", "-"+l) + "\n")
			}
		case diffmatchpatch.DiffInsert:
			for _, l := range ls {
				out.WriteString(paint("32", "+"+l) + "\n")
			}
		default:
			head, tail := ls, []string(nil)
			if i > 0 && len(ls) > context {
				head = ls[:context]
			} else if i == 0 {
				head = nil
			}
			if i < len(diffs)-1 {
				tail = ls[max(len(ls)-context, len(head)):]
			}
			for _, l := range head {
				out.WriteString(" " + l + "\n")
			}
			if len(head)+len(tail) < len(ls) {
				out.WriteString(paint("36", "@@") + "\n")
			}
			for _, l := range tail {
				out.WriteString(" " + l + "\n")
			}
		}
	}
	hazards := p.Hazards()
	if down {
		hazards = nil
		for _, st := range p.Down {
			hazards = append(hazards, st.Hazards...)
		}
	}
	if len(hazards) > 0 {
		out.WriteString("\n" + paint("1", "Hazards:") + "\n")
		for _, h := range hazards {
			fmt.Fprintf(&out, "  %s (%s): %s\n", paint("33", h.Kind), h.Severity, h.Message)
		}
	}
	if len(looks) > 0 {
		out.WriteString("\n" + paint("1", "Possible renames (not applied; retort does not guess):") + "\n")
		for _, l := range looks {
			fmt.Fprintf(&out, "  %s\n    to rename instead, pass --rename %s\n", describeLookAlike(l), l.Hint())
		}
	}
	_, err = fmt.Fprint(g.stdout, out.String())
	return err
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

// lookAlikeNames are the full names of a possible rename's two sides.
func lookAlikeNames(l diff.PossibleRename) (from, to string) {
	if l.Kind == diff.KindColumn {
		return l.Table.String() + "." + l.From.Name, l.Table.String() + "." + l.To.Name
	}
	return l.From.String(), l.To.String()
}

// describeLookAlike says, in one line, which drop and create look alike.
func describeLookAlike(l diff.PossibleRename) string {
	from, to := lookAlikeNames(l)
	return fmt.Sprintf("%s %s is dropped and %s is created (%s)", l.Kind, from, to, l.Why)
}

// noteLookAlikes tells stderr about drops and creates that look like
// renames, and how to ask for the rename: --rename, or what the caller
// names instead (a declared schema's renamed_from).
func noteLookAlikes(g *globals, looks []diff.PossibleRename, how string) {
	for _, l := range looks {
		if how == "" {
			fmt.Fprintf(g.stderr, "retort: note: %s; if it is a rename, pass --rename %s\n", describeLookAlike(l), l.Hint())
			continue
		}
		fmt.Fprintf(g.stderr, "retort: note: %s; if it is a rename, use %s\n", describeLookAlike(l), how)
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
