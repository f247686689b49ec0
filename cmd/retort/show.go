package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/retortdb/retort/internal/userfile"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/migrate/layout"
)

// maxShow bounds the revision file show reads: far above any migration a
// person reviews, far below what would exhaust memory.
const maxShow = 64 << 20

// oneRevision resolves a command's REV argument to one revision of the
// directory.
func oneRevision(st *setup, spec string) (*migrate.Revision, error) {
	ids, err := st.dir.Resolve(spec, nil)
	if err != nil {
		return nil, err
	}
	if len(ids) != 1 {
		return nil, fmt.Errorf("%s names %d revisions; name one", spec, len(ids))
	}
	return st.dir.Revision(ids[0]), nil
}

func newShow(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "show REV",
		Short: "Print a revision: its header, up and down",
		Long: `show prints the revision REV (an id, a unique prefix of one, a branch label,
head or LABEL@head): in the native layout its file as it is; in another
tool's layout the revision as retort reads it, written as a native file.`,
		Example: `  retort show head
  retort show 1a2b3c4d`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runShow(cmd.Context(), g, args[0])
		},
	}
}

func runShow(_ context.Context, g *globals, spec string) error {
	st, err := g.migrations()
	if err != nil {
		return err
	}
	r, err := oneRevision(st, spec)
	if err != nil {
		return err
	}
	if st.layout != layout.Native {
		_, err := g.stdout.Write(migrate.Format(r))
		return err
	}
	data, err := userfile.Read(filepath.Join(st.s.Migrations, r.Filename), maxShow)
	if err != nil {
		return fmt.Errorf("show %s: %w", r.ID, err)
	}
	_, err = g.stdout.Write(data)
	return err
}

func newBranches(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "branches",
		Short: "Print the branch points: revisions with more than one child",
		Long: `branches prints each revision that more than one revision names as parent,
as Alembic's branches does, followed by its children, one a line.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBranches(cmd.Context(), g)
		},
	}
}

func runBranches(_ context.Context, g *globals) error {
	st, err := g.migrations()
	if err != nil {
		return err
	}
	for _, r := range st.dir.Revisions() {
		children := st.dir.Children(r.ID)
		if len(children) < 2 {
			continue
		}
		fmt.Fprintf(g.stdout, "%s (branchpoint)%s, %s\n", r.ID, labels(r), r.Message)
		for _, id := range children {
			c := st.dir.Revision(id)
			fmt.Fprintf(g.stdout, "%s -> %s%s, %s\n", strings.Repeat(" ", len(r.ID)), c.ID, labels(c), c.Message)
		}
	}
	return nil
}

// An exitStatus is returned by a command whose exit status is another
// program's: run exits with it, having printed nothing more.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func newEdit(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "edit REV",
		Short: "Open a revision's file in $VISUAL or $EDITOR",
		Long: `edit runs $VISUAL, else $EDITOR, else vi, on the file of revision REV, with
retort's standard input, output and error, and exits with the editor's exit
status. In a layout with separate up and down files it opens the up file.
An applied revision that is edited needs retort stamp --rehash before the
next upgrade or downgrade.`,
		Example: `  retort edit head
  EDITOR="code --wait" retort edit 1a2b3c4d`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEdit(cmd.Context(), g, args[0])
		},
	}
}

func runEdit(ctx context.Context, g *globals, spec string) error {
	st, err := g.migrations()
	if err != nil {
		return err
	}
	r, err := oneRevision(st, spec)
	if err != nil {
		return err
	}
	editor := strings.Fields(os.Getenv("VISUAL"))
	if len(editor) == 0 {
		editor = strings.Fields(os.Getenv("EDITOR"))
	}
	if len(editor) == 0 {
		editor = []string{"vi"}
	}
	path := filepath.Join(st.s.Migrations, r.Filename)
	ed := exec.CommandContext(ctx, editor[0], append(editor[1:], path)...)
	ed.Stdin, ed.Stdout, ed.Stderr = g.stdin, g.stdout, g.stderr
	err = ed.Run()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) && ee.ExitCode() > 0 {
		return exitStatus(ee.ExitCode())
	}
	if err != nil {
		return fmt.Errorf("edit %s: run %s: %w", r.ID, editor[0], err)
	}
	return nil
}

// ensureVersionFlags are the flags of ensure-version.
type ensureVersionFlags struct {
	url string
}

func newEnsureVersion(g *globals) *cobra.Command {
	var f ensureVersionFlags
	cmd := &cobra.Command{
		Use:   "ensure-version",
		Short: "Create retort's version table (and history) in the database if missing",
		Long: `ensure-version creates retort's own tables in the live database (--url, or
url in retort.yaml) where they are missing: the version table, the history of
applied files and the progress table, in version_schema. It changes nothing
that exists; upgrade and stamp create them too.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEnsureVersion(cmd.Context(), g, &f)
		},
	}
	cmd.Flags().StringVar(&f.url, "url", "", "the live database (default: url in retort.yaml)")
	return cmd
}

func runEnsureVersion(ctx context.Context, g *globals, f *ensureVersionFlags) error {
	s, err := g.settings()
	if err != nil {
		return err
	}
	opts, err := migrateOptions(s, nil)
	if err != nil {
		return err
	}
	u, err := g.liveURL(s, f.url)
	if err != nil {
		return err
	}
	conn, err := connect(ctx, u)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return migrate.EnsureTables(ctx, conn, &opts)
}
