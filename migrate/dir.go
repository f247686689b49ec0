package migrate

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/retortdb/retort/internal/userfile"
)

// A Dir is a migrations directory read into a revision graph: every ".sql"
// file directly in it is one revision. Revisions name their parents; the
// graph has one or more bases (no parents) and heads (no children).
type Dir struct {
	revs     map[string]*Revision
	order    []string            // ids in a deterministic topological order, parents first
	children map[string][]string // parent id → child ids, sorted
	deps     map[string][]string // id → resolved depends_on ids
	labels   map[string]string   // branch label → id of the revision carrying it
}

// A GraphError reports a directory whose revisions do not form a valid
// graph: a duplicate id, an unknown parent, a cycle. Files names the files
// concerned.
type GraphError struct {
	Files []string
	Msg   string
}

func (e *GraphError) Error() string {
	return fmt.Sprintf("migrations: %s (%s)", e.Msg, strings.Join(e.Files, ", "))
}

// ReadDir reads every ".sql" file directly in fsys's directory name (use "."
// for the root; files whose names start with "." are skipped) and checks
// the graph they form. The error is a [*ParseError] for a malformed file or
// a [*GraphError].
func ReadDir(fsys fs.FS, name string) (*Dir, error) {
	entries, err := fs.ReadDir(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var revs []*Revision
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		data, err := userfile.ReadFS(fsys, path.Join(name, e.Name()), 0)
		if err != nil {
			return nil, fmt.Errorf("read migrations: %w", err)
		}
		r, err := Parse(e.Name(), data)
		if err != nil {
			return nil, err
		}
		revs = append(revs, r)
	}
	return NewDir(revs)
}

// NewDir builds a Dir from revisions, checking that ids are unique, that
// parents, depends_on and branch labels resolve, and that there is no cycle.
func NewDir(revs []*Revision) (*Dir, error) {
	d := &Dir{
		revs:     map[string]*Revision{},
		children: map[string][]string{},
		deps:     map[string][]string{},
		labels:   map[string]string{},
	}
	for _, r := range revs {
		if prev, dup := d.revs[r.ID]; dup {
			return nil, &GraphError{Files: []string{prev.Filename, r.Filename}, Msg: fmt.Sprintf("two files have revision id %s", r.ID)}
		}
		d.revs[r.ID] = r
		for _, l := range r.BranchLabels {
			if other, dup := d.labels[l]; dup {
				return nil, &GraphError{Files: []string{d.revs[other].Filename, r.Filename}, Msg: fmt.Sprintf("two revisions have branch label %q", l)}
			}
			if _, isID := d.revs[l]; isID || !ValidID(l) {
				return nil, &GraphError{Files: []string{r.Filename}, Msg: fmt.Sprintf("branch label %q is not a valid label", l)}
			}
			d.labels[l] = r.ID
		}
	}
	ids := d.sortedIDs()
	for _, id := range ids {
		r := d.revs[id]
		for _, p := range r.Parents {
			if _, ok := d.revs[p]; !ok {
				return nil, &GraphError{Files: []string{r.Filename}, Msg: fmt.Sprintf("revision %s names unknown parent %s", id, p)}
			}
			if p == id {
				return nil, &GraphError{Files: []string{r.Filename}, Msg: fmt.Sprintf("revision %s is its own parent", id)}
			}
			d.children[p] = append(d.children[p], id)
		}
		for _, dep := range r.DependsOn {
			target := dep
			if l, ok := d.labels[dep]; ok {
				target = l
			}
			if _, ok := d.revs[target]; !ok {
				return nil, &GraphError{Files: []string{r.Filename}, Msg: fmt.Sprintf("revision %s depends on unknown revision %s", id, dep)}
			}
			d.deps[id] = append(d.deps[id], target)
		}
	}
	if err := d.sort(); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *Dir) sortedIDs() []string {
	ids := make([]string, 0, len(d.revs))
	for id := range d.revs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// prereqs returns the revisions that must be applied before id: its parents
// and its dependencies.
func (d *Dir) prereqs(id string) []string {
	return append(slices.Clone(d.revs[id].Parents), d.deps[id]...)
}

// sort orders the revisions parents (and dependencies) first, ties broken
// by creation time then id, and reports a cycle naming its files.
func (d *Dir) sort() error {
	indeg := map[string]int{}
	dependents := map[string][]string{}
	for id := range d.revs {
		pre := d.prereqs(id)
		indeg[id] = len(pre)
		for _, p := range pre {
			dependents[p] = append(dependents[p], id)
		}
	}
	less := func(a, b string) int {
		ra, rb := d.revs[a], d.revs[b]
		if c := ra.Created.Compare(rb.Created); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	}
	var ready []string
	for id, n := range indeg {
		if n == 0 {
			ready = append(ready, id)
		}
	}
	for len(ready) > 0 {
		slices.SortFunc(ready, less)
		id := ready[0]
		ready = ready[1:]
		d.order = append(d.order, id)
		for _, c := range dependents[id] {
			if indeg[c]--; indeg[c] == 0 {
				ready = append(ready, c)
			}
		}
	}
	if len(d.order) < len(d.revs) {
		var files []string
		for _, id := range d.sortedIDs() {
			if indeg[id] > 0 {
				files = append(files, d.revs[id].Filename)
			}
		}
		return &GraphError{Files: files, Msg: "the revisions form a cycle"}
	}
	for p := range d.children {
		slices.Sort(d.children[p])
	}
	return nil
}

// Revision returns the revision with the exact id, or nil.
func (d *Dir) Revision(id string) *Revision {
	if d == nil {
		return nil
	}
	return d.revs[id]
}

// Revisions returns every revision, parents (and dependencies) before
// children.
func (d *Dir) Revisions() []*Revision {
	out := make([]*Revision, len(d.order))
	for i, id := range d.order {
		out[i] = d.revs[id]
	}
	return out
}

// Children returns the ids of the revisions whose parent is id, sorted.
func (d *Dir) Children(id string) []string { return slices.Clone(d.children[id]) }

// Heads returns the ids of the revisions that no revision names as parent,
// sorted.
func (d *Dir) Heads() []string {
	var out []string
	for _, id := range d.order {
		if len(d.children[id]) == 0 {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// Bases returns the ids of the revisions without parents, sorted.
func (d *Dir) Bases() []string {
	var out []string
	for _, id := range d.order {
		if len(d.revs[id].Parents) == 0 {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// ancestors returns ids and everything they need (parents and
// dependencies, transitively), ids included.
func (d *Dir) ancestors(ids []string) map[string]bool {
	seen := map[string]bool{}
	stack := slices.Clone(ids)
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[id] {
			continue
		}
		seen[id] = true
		stack = append(stack, d.prereqs(id)...)
	}
	return seen
}

// descendants returns ids and everything that needs them (children and
// dependents, transitively), ids included.
func (d *Dir) descendants(ids []string) map[string]bool {
	dependents := map[string][]string{}
	for id := range d.revs {
		for _, p := range d.prereqs(id) {
			dependents[p] = append(dependents[p], id)
		}
	}
	seen := map[string]bool{}
	stack := slices.Clone(ids)
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[id] {
			continue
		}
		seen[id] = true
		stack = append(stack, dependents[id]...)
	}
	return seen
}

// normalizedPrereqs returns id's parents and dependencies less those that
// are ancestors of another of them, as Alembic's _normalized_down_revisions.
func (d *Dir) normalizedPrereqs(id string) []string {
	pre := d.prereqs(id)
	var out []string
	for i, p := range pre {
		implied := slices.Contains(pre[:i], p)
		for j, q := range pre {
			if j != i && q != p && d.ancestors([]string{q})[p] {
				implied = true
			}
		}
		if !implied {
			out = append(out, p)
		}
	}
	return out
}

// checkKnown returns an [*UnknownRevisionError] when ids name revisions the
// directory lacks.
func (d *Dir) checkKnown(ids []string) error {
	var missing []string
	for _, id := range ids {
		if d.revs[id] == nil {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return &UnknownRevisionError{IDs: missing}
	}
	return nil
}

// An UnknownRevisionError reports a database whose version table names
// revisions the migrations directory does not have (applied from another
// branch of the code, or deleted files).
type UnknownRevisionError struct {
	IDs []string
}

func (e *UnknownRevisionError) Error() string {
	return fmt.Sprintf("the database is at revision %s, which the migrations directory does not have", strings.Join(e.IDs, ", "))
}

// ErrNoRevisions is returned by Resolve when the directory is empty and a
// revision is needed.
var ErrNoRevisions = errors.New("the migrations directory has no revisions")

// Between returns the revisions from from to to, both included, oldest
// first, as Alembic's history -r FROM:TO lists them: those that are one of
// from or follow it, and are one of to or precede it. An empty from is
// base (every revision up to to); an empty to is every head.
func (d *Dir) Between(from, to []string) []*Revision {
	upper := d.ancestors(to)
	if len(to) == 0 {
		upper = d.ancestors(d.Heads())
	}
	var lower map[string]bool
	if len(from) > 0 {
		lower = d.descendants(from)
	}
	var out []*Revision
	for _, r := range d.Revisions() {
		if upper[r.ID] && (lower == nil || lower[r.ID]) {
			out = append(out, r)
		}
	}
	return out
}
