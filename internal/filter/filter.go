// Package filter leaves objects out of a [model.Schema] by name: the
// --include and --exclude patterns and retort.yaml's include and exclude
// lists (DESIGN.md, "Sources"), and the version tables of other migration
// tools. It works on the model after loading, so a live database and a
// declared schema are filtered alike, whatever they were read from.
//
// A pattern without a dot is a glob on schema names: it matches a schema
// and everything in it, and the objects that have no schema (event
// triggers, foreign-data wrappers, servers) by their name. A pattern with
// a dot is a glob on schema.name ([path.Match]) for every kind of object
// that lives in a schema. Indexes and constraints are part of their table;
// triggers, rules and policies go with their table or view, the sequences
// a column owns with its table, partitions with their parent and user
// mappings with their server. Casts and the default privileges of a role
// in every schema belong to no schema and are always kept.
package filter

import (
	"fmt"
	"path"
	"strings"

	"github.com/retortdb/retort/model"
)

// A Filter keeps the objects that match an include pattern (every object
// when there is none) and no exclude pattern. The zero value keeps
// everything.
type Filter struct {
	include, exclude []pattern
}

type pattern struct {
	glob string
	// schema is the part before the first dot of a qualified pattern; ""
	// for a pattern on schema names.
	schema string
}

func (p pattern) qualified() bool { return p.schema != "" }

// New returns the filter of the given patterns; a pattern that is not a
// valid glob is an error naming it.
func New(include, exclude []string) (*Filter, error) {
	f := &Filter{}
	var err error
	if f.include, err = parse("include", include); err != nil {
		return nil, err
	}
	if f.exclude, err = parse("exclude", exclude); err != nil {
		return nil, err
	}
	return f, nil
}

func parse(what string, globs []string) ([]pattern, error) {
	var out []pattern
	for _, g := range globs {
		if g == "" {
			return nil, fmt.Errorf("%s: empty pattern", what)
		}
		// path.Match reports a bad pattern only when it gets that far in
		// the name; matching the pattern against itself reaches its end.
		if _, err := path.Match(g, g); err != nil {
			return nil, fmt.Errorf("%s %q: %w", what, g, err)
		}
		p := pattern{glob: g}
		if i := strings.IndexByte(g, '.'); i >= 0 {
			if i == 0 || i == len(g)-1 {
				return nil, fmt.Errorf("%s %q: want a schema name or schema.name", what, g)
			}
			p.schema = g[:i]
		}
		out = append(out, p)
	}
	return out, nil
}

// Empty reports whether the filter keeps everything.
func (f *Filter) Empty() bool {
	return f == nil || len(f.include) == 0 && len(f.exclude) == 0
}

// SchemaNames returns the exclude patterns that name one schema exactly
// (no dot, no glob), which an inspection can leave out without reading.
func SchemaNames(exclude []string) []string {
	var out []string
	for _, e := range exclude {
		if e != "" && !strings.ContainsAny(e, `.*?[\`) {
			out = append(out, e)
		}
	}
	return out
}

func match(glob, name string) bool {
	ok, _ := path.Match(glob, name) // validated by New
	return ok
}

// keepObject reports whether an object of a schema passes the filter.
func (f *Filter) keepObject(q model.QName) bool {
	hit := func(ps []pattern) bool {
		for _, p := range ps {
			if p.qualified() && match(p.glob, q.Schema+"."+q.Name) || !p.qualified() && match(p.glob, q.Schema) {
				return true
			}
		}
		return false
	}
	return (len(f.include) == 0 || hit(f.include)) && !hit(f.exclude)
}

// keepSchema reports whether a schema (or what belongs to a whole schema,
// such as default privileges) passes. A qualified include keeps the schemas
// that may hold what it includes; a qualified exclude never drops a schema.
func (f *Filter) keepSchema(name string) bool {
	included := len(f.include) == 0
	for _, p := range f.include {
		if match(p.glob, name) || p.qualified() && match(p.schema, name) {
			included = true
		}
	}
	if !included {
		return false
	}
	for _, p := range f.exclude {
		if !p.qualified() && match(p.glob, name) {
			return false
		}
	}
	return true
}

// keepGlobal reports whether an object without a schema passes: only
// patterns without a dot can name it.
func (f *Filter) keepGlobal(name string) bool {
	included := len(f.include) == 0
	for _, p := range f.include {
		if !p.qualified() && match(p.glob, name) {
			included = true
		}
	}
	if !included {
		return false
	}
	for _, p := range f.exclude {
		if !p.qualified() && match(p.glob, name) {
			return false
		}
	}
	return true
}

// Apply removes from s what the filter leaves out and returns how many
// objects it removed.
func (f *Filter) Apply(s *model.Schema) int {
	if f.Empty() {
		return 0
	}
	return Remove(s, Rules{Object: f.keepObject, Schema: f.keepSchema, Global: f.keepGlobal})
}
