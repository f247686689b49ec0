package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing/fstest"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/retortdb/retort/internal/userfile"
	"github.com/retortdb/retort/lint"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/migrate/layout"
	"github.com/retortdb/retort/render"
)

// maxLintFile bounds a file lint reads, as show does.
const maxLintFile = 64 << 20

// lintFlags are the flags of lint.
type lintFlags struct {
	since, format, failOn, layout string
}

func newLint(g *globals) *cobra.Command {
	var f lintFlags
	cmd := &cobra.Command{
		Use:   "lint [DIR|FILE…]",
		Short: "Report dangerous statements of migrations, hand-written ones included",
		Long: `lint reads migrations in any layout retort reads and reports, for each up
statement, what would lock a busy table for long, lose data or break the
application versions still running: file:line:col, severity, rule id and a
message. The rules and their severities are listed in docs/online.md.

With no argument it reads the configured migrations directory in the
configured layout (--layout wins); a DIR is read the same way; a FILE is read
in the layout whose markers it has (native, goose, dbmate, flyway,
golang-migrate), else as plain SQL run by psql. --since REV reports only the
revisions after REV (the earlier ones still say which tables exist).

A "-- retort:lint-ignore ID[,ID…]" comment on the lines right above a
statement silences those rules for it ("all" silences every rule).

Exit 2 when a finding at or above --fail-on (default warning) exists, 0
otherwise, 1 on error.`,
		Example: `  retort lint
  retort lint migrations/20240101_add_index.sql --format github
  retort lint --since 1a2b3c4d --fail-on danger`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLint(cmd.Context(), g, &f, args)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.since, "since", "", "report only the revisions after REV")
	fs.StringVar(&f.format, "format", "text", "text, json or github")
	fs.StringVar(&f.failOn, "fail-on", string(lint.Warning), "exit 2 when a finding of this severity or above exists: info, warning or danger")
	fs.StringVar(&f.layout, "layout", "", "layout of the migrations: "+layout.Names()+" (default: layout in retort.yaml)")
	return cmd
}

// runLint reports the findings of the migrations in paths (the configured
// directory when none): errChanges when some are at or above --fail-on.
func runLint(_ context.Context, g *globals, f *lintFlags, paths []string) error {
	switch f.format {
	case "text", "json", "github":
	default:
		return fmt.Errorf("--format %q: want text, json or github", f.format)
	}
	threshold, err := lint.ParseSeverity(f.failOn)
	if err != nil {
		return fmt.Errorf("--fail-on: %w", err)
	}
	s, err := g.settings()
	if err != nil {
		return err
	}
	if g.changed("layout") {
		s.Layout = f.layout
	}
	l, err := layout.Parse(s.Layout)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		paths = []string{s.Migrations}
	}
	if f.since != "" && (len(paths) != 1 || !isDir(paths[0])) {
		return errors.New("--since needs one migrations directory")
	}
	findings, err := lintPaths(paths, l, f.since)
	if err != nil {
		return err
	}
	if err := writeFindings(g, findings, f.format); err != nil {
		return err
	}
	failing := 0
	for _, f := range findings {
		if f.Severity.Rank() >= threshold.Rank() {
			failing++
		}
	}
	if failing > 0 {
		fmt.Fprintf(g.stderr, "retort: %s at or above %s\n", count(failing, "finding"), threshold)
		return errChanges
	}
	return nil
}

// lintPaths checks the migrations of every path, read in layout l, and
// returns the findings in the files to report (after since, when given).
func lintPaths(paths []string, l layout.Layout, since string) ([]lint.Finding, error) {
	var revs []lint.Revision
	report := map[string]bool{} // the files whose findings are shown
	for _, a := range paths {
		rs, shown, err := lintInputs(a, l, since)
		if err != nil {
			return nil, err
		}
		revs = append(revs, rs...)
		for _, f := range shown {
			report[f] = true
		}
	}
	var findings []lint.Finding
	for _, f := range lint.Check(revs) {
		if report[f.File] {
			findings = append(findings, f)
		}
	}
	return findings, nil
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// lintInputs reads one argument of lint: a migrations directory in layout
// l, or one file. It returns the revisions in order and the names of those
// to report (after since, when given).
func lintInputs(path string, l layout.Layout, since string) ([]lint.Revision, []string, error) {
	if !isDir(path) {
		rev, err := lintFile(path)
		if err != nil {
			return nil, nil, err
		}
		return []lint.Revision{rev}, []string{rev.File}, nil
	}
	dir, err := layout.ReadDir(os.DirFS(path), ".", l)
	if err != nil {
		return nil, nil, fmt.Errorf("migrations %s (read as the %s layout): %w", path, l, err)
	}
	after := map[string]bool{}
	if since != "" {
		ids, err := dir.Resolve(since, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("--since: %w", err)
		}
		for _, r := range dir.Between(ids, nil) {
			if !slices.Contains(ids, r.ID) {
				after[r.ID] = true
			}
		}
	}
	var revs []lint.Revision
	var shown []string
	for _, r := range dir.Revisions() {
		rev, err := lintRevision(os.DirFS(path), path, r, l)
		if err != nil {
			return nil, nil, err
		}
		revs = append(revs, rev)
		if since == "" || after[r.ID] {
			shown = append(shown, rev.File)
		}
	}
	return revs, shown, nil
}

// fileLayouts are the layouts a single file is tried in, those with markers
// of their own first; a file none of them reads is plain SQL.
var fileLayouts = []layout.Layout{layout.Native, layout.Goose, layout.Dbmate, layout.Flyway, layout.GolangMigrate}

// lintFile reads one migration file in the first layout that reads it.
func lintFile(path string) (lint.Revision, error) {
	data, err := userfile.Read(path, maxLintFile)
	if err != nil {
		return lint.Revision{}, fmt.Errorf("lint: %w", err)
	}
	name := filepath.Base(path)
	fsys := fstest.MapFS{name: &fstest.MapFile{Data: data, Mode: 0o644}}
	for _, l := range fileLayouts {
		dir, err := layout.ReadDir(fsys, ".", l)
		if err != nil || len(dir.Revisions()) != 1 {
			continue
		}
		return lintRevision(fsys, filepath.Dir(path), dir.Revisions()[0], l)
	}
	return lint.FromSQL(path, data, false)
}

// lintRevision turns a revision read from fsys (the directory dirPath) into
// what lint reads: its up statements, located in its file, and how they
// run.
func lintRevision(fsys fs.FS, dirPath string, r *migrate.Revision, l layout.Layout) (lint.Revision, error) {
	file := filepath.Join(dirPath, r.Filename)
	data, err := userfile.ReadFS(fsys, r.Filename, maxLintFile)
	if err != nil {
		return lint.Revision{}, fmt.Errorf("lint %s: %w", file, err)
	}
	lines := strings.Split(string(data), "\n")
	// retort's runner runs a revision in one transaction unless one of its
	// statements cannot run in one; another tool runs the file in one
	// unless its directive says not to.
	native := l == layout.Native || l == ""
	oneTx := migrate.Transactional(r.Up)
	rev := lint.Revision{File: file, Src: data, RunnerSetsLockTimeout: native}
	for _, s := range r.Up {
		inTx := !s.NoTransaction
		if native {
			inTx = oneTx
		}
		rev.Statements = append(rev.Statements, lint.Statement{SQL: s.SQL, Line: s.Line, Col: firstCol(lines, s.Line), InTransaction: inTx})
	}
	return rev, nil
}

// firstCol is the 1-based column of the first character of line that is
// not blank.
func firstCol(lines []string, line int) int {
	if line < 1 || line > len(lines) {
		return 1
	}
	l := lines[line-1]
	return utf8.RuneCountInString(l) - utf8.RuneCountInString(strings.TrimLeft(l, " \t")) + 1
}

// writeFindings prints findings in format.
func writeFindings(g *globals, findings []lint.Finding, format string) error {
	switch format {
	case "json":
		if findings == nil {
			findings = []lint.Finding{}
		}
		b, err := json.MarshalIndent(findings, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(g.stdout, "%s\n", b)
		return err
	case "github":
		for _, f := range findings {
			fmt.Fprintln(g.stdout, githubAnnotation(f))
		}
	default:
		for _, f := range findings {
			fmt.Fprintln(g.stdout, f)
		}
	}
	return nil
}

// githubAnnotation writes a finding as a GitHub Actions workflow command:
// danger as an error, warning as a warning, info as a notice. A finding
// without a file (a statement of a plan not written yet) has no location.
func githubAnnotation(f lint.Finding) string {
	level := "notice"
	switch f.Severity {
	case lint.Danger:
		level = "error"
	case lint.Warning:
		level = "warning"
	}
	props := "title=" + githubProperty("retort lint "+f.Rule)
	if f.File != "" {
		props = fmt.Sprintf("file=%s,line=%d,col=%d,%s", githubProperty(filepath.ToSlash(f.File)), f.Line, f.Col, props)
	}
	return "::" + level + " " + props + "::" + githubData(f.Message)
}

// githubData escapes a workflow command's message, githubProperty one of
// its properties, as the Actions toolkit does: a line end in a name must
// not end the command.
func githubData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func githubProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// planFindings lints the up statements of a plan as the revision that
// revision --autogenerate would write (retort's runner, which sets
// lock_timeout); the findings carry no file.
func planFindings(stmts []render.Statement) []lint.Finding {
	rev := lint.Revision{RunnerSetsLockTimeout: true}
	oneTx := true
	for _, st := range stmts {
		oneTx = oneTx && st.Transactional
	}
	for i, st := range stmts {
		rev.Statements = append(rev.Statements, lint.Statement{SQL: st.SQL, Line: i + 1, Col: 1, InTransaction: oneTx})
	}
	return lint.Check([]lint.Revision{rev})
}
