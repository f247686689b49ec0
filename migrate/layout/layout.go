// Package layout writes retort revisions in the file layouts of other
// migration tools (goose, golang-migrate, dbmate, Flyway and Atlas) and
// reads such a directory back as a linear revision history, so that a team
// can keep the runner it deploys with while retort writes the migrations.
//
// # Writing
//
// [Write] renders a [migrate.Revision] (its up and down statements, their
// directives and the plan's hazards) in a tool's own format and naming:
//
//	goose           VERSION_slug.sql            -- +goose Up / -- +goose Down
//	golang-migrate  VERSION_slug.up.sql         and VERSION_slug.down.sql
//	dbmate          VERSION_slug.sql            -- migrate:up / -- migrate:down
//	flyway          VVERSION__slug.sql          and the undo UVERSION__slug.sql
//	atlas           VERSION_slug.sql            up only, and atlas.sum rewritten
//
// VERSION is the revision's creation time as YYYYMMDDHHMMSS (the form each
// tool's own "create" command uses), moved on past the directory's last
// version when the clock would not sort after it. Statements that cannot run
// in a transaction turn off the tool's transaction for the file (goose's
// NO TRANSACTION, dbmate's transaction:false, a Flyway script configuration
// file with executeInTransaction=false, Atlas's txmode none). None of these
// tools has a per-statement timeout, so retort's statement_timeout and
// lock_timeout directives become SET and RESET statements around the
// statement. Hazards become "-- hazard:" comments at the top of the file.
// Files are written to temporary files first and linked into place: all of
// a revision's files appear, or none, and an existing file is never
// overwritten.
//
// # Reading
//
// [ReadDir] reads a directory in one of these layouts into a [migrate.Dir]
// whose revisions form a line, in the tool's own version order: each
// revision's id is its version and its parent is the revision before it.
// Statements are split as retort splits its own files, SET/RESET pairs that
// [Write] put around a statement become its timeouts again, and a file that
// runs outside a transaction gives statements marked NoTransaction. A
// migration with no down at all (every Atlas file, a golang-migrate or Flyway
// migration without its down or undo file) is marked [migrate.Revision.NoDown],
// so that a downgrade over it fails instead of doing nothing.
package layout

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/retortdb/retort/internal/userfile"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/migrate/internal/tmpfile"
)

// A Layout names how a migrations directory is laid out: retort's own files
// or another migration tool's.
type Layout string

// The layouts retort reads and writes.
const (
	// Native is retort's own layout: one file per revision with a
	// "-- retort:" header (see package migrate).
	Native Layout = "native"
	// Goose is pressly/goose's SQL migrations.
	Goose Layout = "goose"
	// GolangMigrate is golang-migrate/migrate's pairs of up and down files.
	GolangMigrate Layout = "golang-migrate"
	// Dbmate is amacneil/dbmate's migrations.
	Dbmate Layout = "dbmate"
	// Flyway is Redgate Flyway's versioned SQL migrations and undo scripts.
	Flyway Layout = "flyway"
	// Atlas is Atlas's versioned migration directory with its atlas.sum.
	Atlas Layout = "atlas"
)

// All lists every layout, native first, in the order messages list them.
var All = []Layout{Native, Goose, GolangMigrate, Dbmate, Flyway, Atlas}

// Names returns the layouts' names for messages: "native, goose, …, or atlas".
func Names() string {
	names := make([]string, len(All))
	for i, l := range All {
		names[i] = string(l)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Parse returns the layout a name (retort.yaml's layout, the --layout flag)
// selects. The empty name is [Native], retort.yaml's default.
func Parse(name string) (Layout, error) {
	if name == "" {
		return Native, nil
	}
	for _, l := range All {
		if string(l) == name {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown layout %q: want %s", name, Names())
}

// Options control how [Write] names and reports a revision.
type Options struct {
	// Name gives the slug's length (TruncateSlugLength) and the time zone
	// of the version timestamp (Timezone, default UTC). FileTemplate
	// applies to the native layout only: the other tools fix their names.
	Name migrate.NameOptions
	// Version, when not empty, is the version to write instead of one made
	// from the revision's creation time. It must sort after every version
	// in the directory.
	Version string
	// Warnf receives what the target tool loses or may not run as written
	// (an Atlas file has no down; a dbmate block runs as one query); nil
	// discards it.
	Warnf func(format string, args ...any)
}

func (o Options) warnf(format string, args ...any) {
	if o.Warnf != nil {
		o.Warnf(format, args...)
	}
}

// tool is what one foreign layout knows: its names, its version order, how
// it renders a revision and how it reads its directory.
type tool interface {
	// versionOf returns the version a file name carries and whether the
	// file is one of the layout's migration files.
	versionOf(name string) (string, bool)
	// compare orders two versions as the tool applies them.
	compare(a, b string) int
	// validVersion reports whether v can be written as a version.
	validVersion(v string) bool
	// render returns the files of rev at version v.
	render(rev *migrate.Revision, v, slug string, o Options) ([]output, error)
	// read returns the directory's migrations, in no particular order.
	read(fsys fs.FS, dir string) ([]*unit, error)
}

func toolFor(l Layout) (tool, error) {
	switch l {
	case Goose:
		return gooseTool{}, nil
	case GolangMigrate:
		return golangMigrateTool{}, nil
	case Dbmate:
		return dbmateTool{}, nil
	case Flyway:
		return flywayTool{}, nil
	case Atlas:
		return atlasTool{}, nil
	}
	_, err := Parse(string(l))
	if err == nil {
		err = fmt.Errorf("layout %q has no tool", l)
	}
	return nil, err
}

// An output is one file to write. replace is for the one file a write may
// change in place (Atlas's atlas.sum); every other file must be new.
type output struct {
	name    string
	data    []byte
	replace bool
}

// Write writes rev as a new migration in the directory dirPath in layout l
// and returns the paths it wrote (dirPath joined with each name), in the
// order a person would open them. For [Native] it is [migrate.WriteFile].
// For the others the revision's id, parents and branch labels are not
// written: the version is the id, and the parent is the migration before.
// Nothing is written when any file exists already; for Atlas, atlas.sum is
// rewritten to cover the new file, and an atlas.sum that does not match the
// directory is an error (as in Atlas, run "atlas migrate hash" first).
func Write(dirPath string, l Layout, rev *migrate.Revision, opts Options) ([]string, error) {
	if l == Native || l == "" {
		p, err := migrate.WriteFile(dirPath, rev, opts.Name)
		if err != nil {
			return nil, err
		}
		return []string{p}, nil
	}
	t, err := toolFor(l)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dirPath)
	if err != nil {
		return nil, fmt.Errorf("write %s migration: %w", l, err)
	}
	var last string
	for _, e := range entries {
		if v, ok := t.versionOf(e.Name()); ok && !e.IsDir() && (last == "" || t.compare(v, last) > 0) {
			last = v
		}
	}
	v, err := chooseVersion(t, l, rev, opts, last)
	if err != nil {
		return nil, err
	}
	slug := migrate.Slug(rev.Message, opts.Name.TruncateSlugLength)
	if slug == "" {
		slug = "revision" // every tool wants a name after the version
	}
	outs, err := t.render(rev, v, slug, opts)
	if err != nil {
		return nil, fmt.Errorf("write %s migration: %w", l, err)
	}
	if l == Atlas {
		sum, err := atlasSumWith(dirPath, outs)
		if err != nil {
			return nil, err
		}
		outs = append(outs, sum)
	}
	return writeAll(dirPath, outs)
}

// chooseVersion returns the version of a new migration: opts.Version, or
// the creation time as YYYYMMDDHHMMSS, which must sort after last. A clock
// version that does not (two revisions in one second, a clock behind the
// directory) becomes last+1, so the new migration still comes last.
func chooseVersion(t tool, l Layout, rev *migrate.Revision, opts Options, last string) (string, error) {
	if v := opts.Version; v != "" {
		if !t.validVersion(v) {
			return "", fmt.Errorf("version %q is not a valid %s version", v, l)
		}
		if last != "" && t.compare(v, last) <= 0 {
			return "", fmt.Errorf("version %s does not come after %s, the directory's last %s migration", v, last, l)
		}
		return v, nil
	}
	loc := time.UTC
	if tz := opts.Name.Timezone; tz != "" {
		var err error
		if loc, err = time.LoadLocation(tz); err != nil {
			return "", fmt.Errorf("timezone %q: %w", tz, err)
		}
	}
	created := rev.Created
	if created.IsZero() {
		created = time.Now()
	}
	v := created.In(loc).Format("20060102150405")
	if last == "" || t.compare(v, last) > 0 {
		return v, nil
	}
	if next, ok := increment(last); ok && t.validVersion(next) && t.compare(next, last) > 0 {
		return next, nil
	}
	return "", fmt.Errorf("the time version %s does not come after %s, the directory's last %s migration; give the version (--rev-id)", v, last, l)
}

// increment adds one to a decimal version.
func increment(v string) (string, bool) {
	if v == "" || strings.Trim(v, "0123456789") != "" {
		return "", false
	}
	b := []byte(v)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < '9' {
			b[i]++
			return string(b), true
		}
		b[i] = '0'
	}
	return "1" + string(b), true
}

// writeAll writes outs into dir all or nothing: every file goes to a
// temporary file first; new files are then linked into place (a link never
// replaces an existing file), and a replace file renamed over its old self
// last. A failure removes what was linked.
func writeAll(dir string, outs []output) (_ []string, err error) {
	for _, o := range outs {
		if o.replace {
			continue
		}
		if _, err := os.Lstat(filepath.Join(dir, o.name)); err == nil {
			return nil, fmt.Errorf("%s: %w; nothing written", filepath.Join(dir, o.name), fs.ErrExist)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	tmps := make([]string, len(outs))
	defer func() {
		for _, t := range tmps {
			if t != "" {
				os.Remove(t)
			}
		}
	}()
	for i, o := range outs {
		f, err := tmpfile.Create(dir)
		if err != nil {
			return nil, err
		}
		tmps[i] = f.Name()
		_, werr := f.Write(o.data)
		if werr == nil {
			werr = f.Sync()
		}
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return nil, werr
		}
	}
	var linked []string
	defer func() {
		if err != nil {
			for _, p := range linked {
				os.Remove(p)
			}
		}
	}()
	var paths []string
	for i, o := range outs {
		if o.replace {
			continue
		}
		p := filepath.Join(dir, o.name)
		if err := os.Link(tmps[i], p); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return nil, fmt.Errorf("%s: %w; nothing written", p, fs.ErrExist)
			}
			return nil, err
		}
		linked = append(linked, p)
		paths = append(paths, p)
	}
	for i, o := range outs {
		if !o.replace {
			continue
		}
		p := filepath.Join(dir, o.name)
		if err := os.Rename(tmps[i], p); err != nil {
			return nil, err
		}
		tmps[i] = ""
		paths = append(paths, p)
	}
	return paths, nil
}

// A unit is one migration of a foreign layout as its files hold it.
type unit struct {
	version string
	name    string   // the main file, the revision's Filename
	desc    string   // the description part of the name
	files   []string // every file of the migration, for the checksum
	data    [][]byte

	header
	up, down         []migrate.Statement
	noDown           bool
	upNoTx, downNoTx bool
}

// ReadDir reads the migrations of layout l in fsys's directory dir (use "."
// for the root) as a linear history: revisions in the tool's version order,
// each the child of the one before, ids made from the versions. [Native] is
// [migrate.ReadDir]. A file that does not follow the layout's naming, two
// migrations with one version, or a feature retort cannot replay (goose's
// ENVSUBST, Flyway's repeatable migrations, an Atlas checkpoint) is an
// error naming the file.
func ReadDir(fsys fs.FS, dir string, l Layout) (*migrate.Dir, error) {
	if l == Native || l == "" {
		return migrate.ReadDir(fsys, dir)
	}
	t, err := toolFor(l)
	if err != nil {
		return nil, err
	}
	units, err := t.read(fsys, dir)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(units, func(a, b *unit) int { return t.compare(a.version, b.version) })
	revs := make([]*migrate.Revision, 0, len(units))
	ids := map[string]*unit{}
	for i, u := range units {
		if i > 0 && t.compare(units[i-1].version, u.version) == 0 {
			return nil, &migrate.GraphError{Files: []string{units[i-1].name, u.name}, Msg: fmt.Sprintf("two %s migrations have version %s", l, u.version)}
		}
		id := versionID(u.version)
		if !migrate.ValidID(id) {
			return nil, &migrate.GraphError{Files: []string{u.name}, Msg: fmt.Sprintf("version %s does not make a revision id (1 to 32 letters, digits or underscores)", u.version)}
		}
		if prev, dup := ids[id]; dup {
			return nil, &migrate.GraphError{Files: []string{prev.name, u.name}, Msg: fmt.Sprintf("versions %s and %s make the same revision id %s", prev.version, u.version, id)}
		}
		ids[id] = u
		r := &migrate.Revision{
			ID:      id,
			Message: strings.TrimSpace(strings.ReplaceAll(u.desc, "_", " ")),
			Created: versionTime(u.version),
			Hazards: u.hazards,
			// A reviewer's acknowledgements in the file's header.
			AllowHazards: u.allow,
			Up:           markNoTx(u.up, u.upNoTx),
			Down:         markNoTx(u.down, u.downNoTx),
			NoDown:       u.noDown,
			Filename:     u.name,
			Checksum:     checksum(u.files, u.data),
		}
		if i > 0 {
			r.Parents = []string{revs[i-1].ID}
		}
		revs = append(revs, r)
	}
	return migrate.NewDir(revs)
}

// versionID makes a revision id of a version: Flyway's dots and Atlas's
// free-form characters become underscores.
func versionID(v string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, v)
}

// versionTime reads a YYYYMMDDHHMMSS version as a UTC time; other versions
// have none.
func versionTime(v string) time.Time {
	if len(v) != 14 {
		return time.Time{}
	}
	t, err := time.Parse("20060102150405", v)
	if err != nil {
		return time.Time{}
	}
	return t
}

// checksum is the history table's checksum of a migration: the files' own
// SHA-256 for one file (as for a native revision), else the SHA-256 of every
// file's name and bytes.
func checksum(names []string, data [][]byte) string {
	if len(data) == 1 {
		return migrate.Checksum(data[0])
	}
	var all []byte
	for i := range names {
		all = append(all, names[i]...)
		all = append(all, 0)
		all = append(all, data[i]...)
		all = append(all, 0)
	}
	return migrate.Checksum(all)
}

func markNoTx(stmts []migrate.Statement, noTx bool) []migrate.Statement {
	if noTx {
		for i := range stmts {
			stmts[i].NoTransaction = true
		}
	}
	return stmts
}

// readNames lists the regular files of dir, sorted, skipping names that
// start with "." unless dots is set.
func readNames(fsys fs.FS, dir string, dots bool) ([]string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() || !dots && strings.HasPrefix(e.Name(), ".") {
			continue
		}
		names = append(names, e.Name())
	}
	return names, nil
}

func readFile(fsys fs.FS, dir, name string) ([]byte, error) {
	data, err := userfile.ReadFS(fsys, path.Join(dir, name), 0)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	return data, nil
}
