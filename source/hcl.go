package source

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/retortdb/retort/internal/filter"
	"github.com/retortdb/retort/internal/userfile"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/hcl"
	"github.com/retortdb/retort/render"
)

// loadHCL decodes HCL schema files (a file, or a directory's .hcl files)
// and normalizes them through the dev server.
func (l *run) loadHCL(ctx context.Context, spec Spec) (*model.Schema, error) {
	files, err := declaredFiles(spec.Path, ".hcl")
	if err != nil {
		return nil, err
	}
	decoded, err := hcl.DecodeFiles(files)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", spec, err)
	}
	s, err := l.declared(ctx, spec, decoded)
	if err != nil {
		return nil, locateRejection(files, err)
	}
	return s, nil
}

// declaredFiles lists the schema files of path: the file itself, or the
// files of a directory with one of exts, in lexical order.
func declaredFiles(path string, exts ...string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", path, err)
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", path, err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && slices.Contains(exts, strings.ToLower(filepath.Ext(e.Name()))) {
			files = append(files, filepath.Join(path, e.Name()))
		}
	}
	slices.Sort(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("source %s: directory holds no %s files", path, strings.Join(exts, " or "))
	}
	return files, nil
}

// declared makes a decoded HCL or YAML schema exact through the dev server
// and keeps its rename hints. With --dev-url none it is returned as
// decoded, normalized, with a warning that comparisons are not exact.
func (l *run) declared(ctx context.Context, spec Spec, decoded *model.Schema) (*model.Schema, error) {
	if l.DevURL == "none" {
		if err := decoded.Validate(); err != nil {
			return nil, fmt.Errorf("source %s: %w", spec, err)
		}
		return l.withoutDevServer(spec, decoded), nil
	}
	s, err := l.normalize(ctx, spec, decoded)
	if err != nil {
		return nil, err
	}
	keepRenameHints(decoded, s)
	return s, nil
}

// withoutDevServer is a declared schema read with --dev-url none: its SQL
// texts in pg_query_go's canonical form (see [offline]), with a warning
// that names the comparisons this cannot make exactly.
func (l *run) withoutDevServer(spec Spec, decoded *model.Schema) *model.Schema {
	inexact := offline(decoded)
	if decoded.Declares() && !filter.Declares(decoded, "public") {
		// As through the dev server: a schema that says nothing about
		// public keeps it as a new database has it (here PostgreSQL 15's,
		// which --privileges may find differs on an older server).
		decoded.Namespaces = append(decoded.Namespaces, model.Namespace{Name: "public", Owner: "pg_database_owner", Comment: "standard public schema"})
	}
	decoded.Normalize()
	msg := fmt.Sprintf("source %s: no dev server (--dev-url none): the schema's SQL is compared in pg_query's canonical text, "+
		"not PostgreSQL's, so what PostgreSQL would add or resolve (implicit casts, qualified names) may show as a change", spec)
	if d := describeInexact(inexact); d != "" {
		msg += "; not exact: " + d
	}
	l.logf("%s", msg)
	return decoded
}

// keepRenameHints copies the renamed_from hints of a declared schema to
// the same tables and columns of its normalized form: the dev server does
// not know them.
func keepRenameHints(from, to *model.Schema) {
	type col struct {
		t    model.QName
		name string
	}
	tables := map[model.QName]string{}
	cols := map[col]string{}
	for _, t := range from.Tables {
		if t.RenamedFrom != "" {
			tables[t.QName] = t.RenamedFrom
		}
		for _, c := range t.Columns {
			if c.RenamedFrom != "" {
				cols[col{t.QName, c.Name}] = c.RenamedFrom
			}
		}
	}
	if len(tables) == 0 && len(cols) == 0 {
		return
	}
	for i := range to.Tables {
		t := &to.Tables[i]
		t.RenamedFrom = tables[t.QName]
		for j := range t.Columns {
			t.Columns[j].RenamedFrom = cols[col{t.QName, t.Columns[j].Name}]
		}
	}
}

// quotedName finds the name a server error complains about: the first
// quoted name after the rejected statement, as in `type "foo" does not
// exist`.
var quotedName = regexp.MustCompile(`"([^"]+)"`)

// locateRejection points a dev server's [*Rejection] of a declared schema
// (a type or relation PostgreSQL does not know, a cycle), or a cycle of
// declared dependencies that no order satisfies, at the first place the
// files name what it is about, as file:line:col. Other errors are
// returned as they are.
func locateRejection(files []string, err error) error {
	var (
		r     *Rejection
		cycle *render.CycleError
		name  string
	)
	switch {
	case errors.As(err, &r):
		name = r.name()
	case errors.As(err, &cycle) && len(cycle.Cycle) > 0:
		// Declarations whose depends_on make a loop: the first of them.
		name = cycle.Cycle[0].Name
	default:
		return err
	}
	if k := strings.LastIndexByte(name, '.'); k >= 0 {
		name = name[k+1:]
	}
	if name == "" {
		return err
	}
	for _, f := range files {
		text, rerr := userfile.Read(f, 0)
		if rerr != nil {
			continue
		}
		if line, col, ok := findWord(string(text), name); ok {
			return fmt.Errorf("%s:%d:%d: %w", f, line, col, err)
		}
	}
	return err
}

// findWord finds the first place word stands alone in text, as a 1-based
// line and column in characters.
func findWord(text, word string) (line, col int, ok bool) {
	isWord := func(r rune) bool {
		return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r >= 0x80
	}
	for from := 0; word != ""; {
		k := strings.Index(text[from:], word)
		if k < 0 {
			return 0, 0, false
		}
		at := from + k
		before, _ := utf8.DecodeLastRuneInString(text[:at])
		after, _ := utf8.DecodeRuneInString(text[at+len(word):])
		if (at == 0 || !isWord(before)) && (at+len(word) == len(text) || !isWord(after)) {
			line = 1 + strings.Count(text[:at], "\n")
			col = 1 + utf8.RuneCountInString(text[strings.LastIndexByte(text[:at], '\n')+1:at])
			return line, col, true
		}
		from = at + len(word)
	}
	return 0, 0, false
}
