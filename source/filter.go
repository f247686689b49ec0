package source

import (
	"fmt"

	"github.com/retortdb/retort/internal/filter"
	"github.com/retortdb/retort/migrate/layout"
	"github.com/retortdb/retort/model"
)

// Partial reports whether the schemas the loader reads hold only some of
// a database's objects (a schema list, an include or an exclude pattern),
// so that the absence of schema public from them means nothing.
func (l *Loader) Partial() bool {
	return len(l.Inspect.Schemas) > 0 || len(l.Include) > 0 || len(l.Exclude) > 0
}

// filter removes from a loaded schema what the include and exclude
// patterns leave out, and other tools' version tables (see
// [layout.ForeignVersionTable]), the same way for every kind of source.
func (l *Loader) filter(spec Spec, s *model.Schema) error {
	f, err := filter.New(l.Include, l.Exclude)
	if err != nil {
		return err
	}
	f.Apply(s)
	lay := l.Layout
	if lay == "" {
		lay = layout.Native
	}
	drop := map[model.QName]bool{}
	dropSchema := map[string]bool{}
	for _, t := range s.Tables {
		cols := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = c.Name
		}
		v, ok := layout.ForeignVersionTable(lay, t.Schema, t.Name, cols)
		if !ok {
			continue
		}
		drop[t.QName] = true
		if v.Schema != "" {
			dropSchema[v.Schema] = true
		}
		if v.Tool != string(lay) {
			l.logf("note: %s %s is left out: it is %s's version table (a database migrated by %s before retort keeps it)",
				spec, t.QName, v.Tool, v.Tool)
		}
	}
	if len(drop) > 0 {
		filter.Remove(s, filter.Rules{
			Object: func(q model.QName) bool { return !drop[q] },
			Schema: func(n string) bool { return !dropSchema[n] },
		})
	}
	return nil
}

// Filter removes from s, read elsewhere than through [Loader.Load] and
// named name in notes, what Load would remove: so a schema the caller
// inspected itself compares with loaded ones.
func (l *Loader) Filter(name string, s *model.Schema) error {
	return l.filter(Spec{Raw: name}, s)
}

func (l *Loader) logf(format string, args ...any) {
	if l.Logf != nil {
		l.Logf(format, args...)
	}
}

// checkPatterns validates the include and exclude patterns before any
// source is read.
func (l *Loader) checkPatterns() error {
	if _, err := filter.New(l.Include, l.Exclude); err != nil {
		return fmt.Errorf("filter: %w", err)
	}
	return nil
}
