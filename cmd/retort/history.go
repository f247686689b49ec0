package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/retortdb/retort/migrate"
)

// currentFlags are the flags of current.
type currentFlags struct {
	url string
}

func newCurrent(g *globals) *cobra.Command {
	var f currentFlags
	cmd := &cobra.Command{
		Use:   "current",
		Short: "Print the revisions the database is at",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCurrent(cmd.Context(), g, &f)
		},
	}
	cmd.Flags().StringVar(&f.url, "url", "", "the live database (default: url in retort.yaml)")
	return cmd
}

func runCurrent(ctx context.Context, g *globals, f *currentFlags) error {
	st, err := g.migrations()
	if err != nil {
		return err
	}
	conn, err := g.liveConn(ctx, st, f.url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	cur, err := migrate.Current(ctx, conn, &st.opts)
	if err != nil {
		return err
	}
	heads := st.dir.Heads()
	var unknown []string
	for _, id := range cur {
		line := id
		if slices.Contains(heads, id) {
			line += " (head)"
		}
		if st.dir.Revision(id) == nil {
			unknown = append(unknown, id)
		}
		fmt.Fprintln(g.stdout, line)
	}
	if len(unknown) > 0 {
		// Printed all the same: it is what the version table says.
		return &migrate.UnknownRevisionError{IDs: unknown}
	}
	return nil
}

func newHeads(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "heads",
		Short: "Print the head revisions of the migrations directory",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHeads(cmd.Context(), g)
		},
	}
}

func runHeads(_ context.Context, g *globals) error {
	st, err := g.migrations()
	if err != nil {
		return err
	}
	for _, id := range st.dir.Heads() {
		r := st.dir.Revision(id)
		fmt.Fprintf(g.stdout, "%s (head)%s\n", id, labels(r))
	}
	return nil
}

func labels(r *migrate.Revision) string {
	if len(r.BranchLabels) == 0 {
		return ""
	}
	return " (" + strings.Join(r.BranchLabels, ", ") + ")"
}

// historyFlags are the flags of history.
type historyFlags struct {
	url      string
	indicate bool
	revRange string
}

func newHistory(g *globals) *cobra.Command {
	var f historyFlags
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List revisions, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHistory(cmd.Context(), g, &f)
		},
	}
	cmd.Flags().StringVar(&f.url, "url", "", "the live database, for --indicate-current")
	cmd.Flags().BoolVarP(&f.indicate, "indicate-current", "i", false, "mark the revisions the database is at")
	cmd.Flags().StringVarP(&f.revRange, "rev-range", "r", "", "only the revisions FROM:TO, both included (either side may be empty, base, heads, an id, current, ±N)")
	return cmd
}

func runHistory(ctx context.Context, g *globals, f *historyFlags) error {
	st, err := g.migrations()
	if err != nil {
		return err
	}
	var cur []string
	needsCurrent := false
	for _, side := range strings.SplitN(f.revRange, ":", 2) {
		side = strings.TrimSpace(side)
		needsCurrent = needsCurrent || side == "current" || strings.HasPrefix(side, "+") || strings.HasPrefix(side, "-")
	}
	if f.indicate || needsCurrent {
		conn, err := g.liveConn(ctx, st, f.url)
		if err != nil {
			return err
		}
		cur, err = migrate.Current(ctx, conn, &st.opts)
		conn.Close(context.WithoutCancel(ctx))
		if err != nil {
			return err
		}
	}
	revs := st.dir.Revisions()
	if f.revRange != "" {
		if revs, err = historyRange(st.dir, f.revRange, cur); err != nil {
			return err
		}
	}
	heads := st.dir.Heads()
	for i := len(revs) - 1; i >= 0; i-- {
		fmt.Fprintln(g.stdout, historyLine(revs[i], heads, cur))
	}
	return nil
}

// historyLine is history's line for r: "parents -> id (marks), message".
func historyLine(r *migrate.Revision, heads, cur []string) string {
	parents := "<base>"
	if len(r.Parents) > 0 {
		parents = strings.Join(r.Parents, ", ")
	}
	line := fmt.Sprintf("%s -> %s", parents, r.ID)
	var marks []string
	if slices.Contains(heads, r.ID) {
		marks = append(marks, "head")
	}
	if slices.Contains(cur, r.ID) {
		marks = append(marks, "current")
	}
	if len(r.Parents) > 1 {
		marks = append(marks, "mergepoint")
	}
	if len(marks) > 0 {
		line += " (" + strings.Join(marks, ") (") + ")"
	}
	return line + ", " + r.Message
}

// historyRange resolves history's -r FROM:TO: each side as upgrade targets
// are resolved ("current" is the database's revisions), an empty FROM
// meaning base and an empty TO every head.
func historyRange(d *migrate.Dir, spec string, cur []string) ([]*migrate.Revision, error) {
	fromSpec, toSpec, ok := strings.Cut(spec, ":")
	if !ok {
		return nil, fmt.Errorf("--rev-range %q: want FROM:TO (either side may be empty)", spec)
	}
	resolve := func(s string) ([]string, error) {
		switch s = strings.TrimSpace(s); s {
		case "":
			return nil, nil
		case "current":
			return cur, nil
		}
		ids, err := d.Resolve(s, cur)
		if err != nil {
			return nil, fmt.Errorf("--rev-range %q: %w", spec, err)
		}
		return ids, nil
	}
	from, err := resolve(fromSpec)
	if err != nil {
		return nil, err
	}
	to, err := resolve(toSpec)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(toSpec) == "current" && len(to) == 0 {
		return nil, nil // the database is at base: nothing up to it
	}
	return d.Between(from, to), nil
}
