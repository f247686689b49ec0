package main

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/retortdb/retort/internal/config"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/migrate/layout"
)

// revisionTemplate returns the template revision writes a native file
// from: revision_template in retort.yaml, else revision.sql.tmpl beside
// retort.yaml when it exists; nil for none. A file that revision_template
// names must exist, and applies to the native layout only.
func (g *globals) revisionTemplate(st *setup) (*migrate.RevisionTemplate, error) {
	path, explicit := st.s.RevisionTemplate, st.s.RevisionTemplate != ""
	if !explicit {
		path = filepath.Join(filepath.Dir(cmp.Or(g.configPath, config.DefaultFile)), migrate.DefaultTemplateFile)
	}
	if st.layout != layout.Native {
		if explicit {
			return nil, fmt.Errorf("revision_template %s: a template makes retort's own revision files, not %s ones", path, st.layout)
		}
		return nil, nil
	}
	t, err := migrate.ReadRevisionTemplate(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("revision_template: %w", err)
	}
	return t, nil
}

// writeTemplated writes rev from tmpl into the migrations directory and
// prints its path, as writeRevision does for a file without a template.
func writeTemplated(g *globals, st *setup, tmpl *migrate.RevisionTemplate, rev *migrate.Revision, notes []string) error {
	path, err := tmpl.WriteFile(st.s.Migrations, rev, notes, migrate.NameOptions{
		FileTemplate: st.s.FileTemplate, TruncateSlugLength: st.s.TruncateSlugLength, Timezone: st.s.Timezone,
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(g.stdout, filepath.Join(st.s.Migrations, filepath.Base(path)))
	return nil
}
