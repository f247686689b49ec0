package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/hcl"
)

// loadHCL decodes HCL schema files (a file, or a directory's .hcl files)
// and normalizes them through the dev server.
func (l *Loader) loadHCL(ctx context.Context, spec Spec) (*model.Schema, error) {
	files, err := declaredFiles(spec.Path, ".hcl")
	if err != nil {
		return nil, err
	}
	decoded, err := hcl.DecodeFiles(files)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", spec, err)
	}
	return l.declared(ctx, spec, decoded)
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
func (l *Loader) declared(ctx context.Context, spec Spec, decoded *model.Schema) (*model.Schema, error) {
	if l.DevURL == "none" {
		if err := decoded.Validate(); err != nil {
			return nil, fmt.Errorf("source %s: %w", spec, err)
		}
		decoded.Normalize()
		if l.Logf != nil {
			l.Logf("source %s: no dev server (--dev-url none): the schema is taken as written, not in PostgreSQL's canonical text, "+
				"so types, defaults, expressions and definitions are not compared exactly and may show differences that are not there", spec)
		}
		return decoded, nil
	}
	s, err := l.normalize(ctx, spec, decoded)
	if err != nil {
		return nil, err
	}
	keepRenameHints(decoded, s)
	return s, nil
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
