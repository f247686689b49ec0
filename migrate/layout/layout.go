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
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/retortdb/retort/internal/sqlq"
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

	hazards          []string
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
			ID:       id,
			Message:  strings.TrimSpace(strings.ReplaceAll(u.desc, "_", " ")),
			Created:  versionTime(u.version),
			Hazards:  u.hazards,
			Up:       markNoTx(u.up, u.upNoTx),
			Down:     markNoTx(u.down, u.downNoTx),
			NoDown:   u.noDown,
			Filename: u.name,
			Checksum: checksum(u.files, u.data),
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

// --- Rendering statements ---

// terminate ends a statement with a semicolon, on a line of its own when the
// statement's last line holds "--" (a line comment would swallow it).
func terminate(sql string) string {
	sql = strings.TrimRight(strings.TrimSpace(sql), "; \t\r\n")
	if strings.Contains(sql[strings.LastIndexByte(sql, '\n')+1:], "--") {
		return sql + "\n;"
	}
	return sql + ";"
}

// renderBody writes statements one after the other, blank lines between,
// each wrapped by wrap and, when it has timeouts, between the SET and
// RESET statements that give them (the tools have no timeout directive).
func renderBody(stmts []migrate.Statement, wrap func(sql string) string) string {
	var b strings.Builder
	for i, s := range stmts {
		if i > 0 {
			b.WriteByte('\n')
		}
		sets, resets := timeoutLines(s)
		for _, l := range sets {
			b.WriteString(l + "\n")
		}
		b.WriteString(wrap(s.SQL) + "\n")
		for _, l := range resets {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// timeoutLines returns the SET statements that give s its timeouts, in the
// order retort's own files write the directives, and the RESET statements
// that put the session's defaults back after it.
func timeoutLines(s migrate.Statement) (sets, resets []string) {
	for _, t := range []struct {
		name string
		d    time.Duration
	}{{"statement_timeout", s.StatementTimeout}, {"lock_timeout", s.LockTimeout}} {
		if t.d != 0 {
			sets = append(sets, fmt.Sprintf("SET %s = '%s';", t.name, pgDuration(t.d)))
			resets = append(resets, "RESET "+t.name+";")
		}
	}
	return sets, resets
}

// pgDuration writes d in a unit PostgreSQL accepts for a time setting,
// the largest that keeps it whole (at least a millisecond, the settings'
// own unit).
func pgDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "0" // off
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dmin", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	case d < time.Millisecond:
		return "1ms"
	}
	return fmt.Sprintf("%dms", d/time.Millisecond)
}

// hazardLines writes a revision's hazards as comments, each folded onto
// its line: the tools send these lines to PostgreSQL with the statements,
// and a line end in a hazard's names would end the comment there.
func hazardLines(hazards []string) string {
	var b strings.Builder
	for _, h := range hazards {
		b.WriteString(hazardPrefix + sqlq.CommentText(h) + "\n")
	}
	return b.String()
}

const hazardPrefix = "-- hazard: "

// refuseMarkerLines fails when a line of a statement of rev would be read
// by a line-based tool as one of its markers: goose and dbmate find their
// annotations by line, not by token, so a name, a comment or a function
// body holding such a line would end or start a section in the middle of a
// statement, and the tool would run what was never a statement of the plan.
func refuseMarkerLines(tool string, rev *migrate.Revision, isMarker func(line string) bool) error {
	for _, sec := range []struct {
		name  string
		stmts []migrate.Statement
	}{{"up", rev.Up}, {"down", rev.Down}} {
		for _, s := range sec.stmts {
			for _, l := range strings.Split(s.SQL, "\n") {
				if isMarker(strings.TrimRight(l, "\r")) {
					return fmt.Errorf("%s would read the line %q of the %s statement %q as one of its own markers, "+
						"and run the file differently from the plan; use another layout", tool, l, sec.name, firstLine(s.SQL))
				}
			}
		}
	}
	return nil
}

// --- Reading statements ---

// parseSection splits the text of one section (lines[from:to] of a file,
// directive lines already blanked) into statements, folding the SET/RESET
// pairs that renderBody writes back into timeouts.
func parseSection(file string, lines []string, from, to int) ([]migrate.Statement, error) {
	if from >= to {
		return nil, nil
	}
	stmts, err := migrate.ParseStatements(file, strings.Join(lines[from:to], "\n"), from+1)
	if err != nil {
		return nil, err
	}
	return foldTimeouts(stmts), nil
}

var (
	setTimeout   = regexp.MustCompile(`(?i)^SET\s+(SESSION\s+)?(statement_timeout|lock_timeout)\s*(=|TO)\s*'(\d+)(ms|s|min|h)?'$`)
	resetTimeout = regexp.MustCompile(`(?i)^RESET\s+(statement_timeout|lock_timeout)$`)
)

// foldTimeouts turns "SET x_timeout = 'v'; STMT; RESET x_timeout;" back into
// STMT with its timeout, as retort's own files say it. Only the exact shape
// is folded: SETs of distinct settings, one statement, then a RESET of each
// of them; anything else stays as written.
func foldTimeouts(stmts []migrate.Statement) []migrate.Statement {
	var out []migrate.Statement
	for i := 0; i < len(stmts); {
		set := map[string]time.Duration{}
		j := i
		for ; j < len(stmts); j++ {
			name, d, ok := parseSet(stmts[j].SQL)
			if !ok || set[name] != 0 {
				break
			}
			set[name] = d
		}
		k := j + 1
		reset := map[string]bool{}
		for ; len(set) > 0 && k < len(stmts) && len(reset) < len(set); k++ {
			m := resetTimeout.FindStringSubmatch(strings.TrimSpace(stmts[k].SQL))
			if m == nil {
				break
			}
			name := strings.ToLower(m[1])
			if set[name] == 0 || reset[name] {
				break
			}
			reset[name] = true
		}
		if len(set) == 0 || j >= len(stmts) || len(reset) != len(set) {
			out = append(out, stmts[i])
			i++
			continue
		}
		if _, _, isSet := parseSet(stmts[j].SQL); isSet || resetTimeout.MatchString(strings.TrimSpace(stmts[j].SQL)) {
			out = append(out, stmts[i])
			i++
			continue
		}
		s := stmts[j]
		if d := set["statement_timeout"]; d != 0 {
			s.StatementTimeout = d
		}
		if d := set["lock_timeout"]; d != 0 {
			s.LockTimeout = d
		}
		out = append(out, s)
		i = k
	}
	return out
}

// parseSet reads a SET of a timeout; 0 (off) reads as a negative
// duration, as a "-- retort:lock_timeout 0" directive does.
func parseSet(sql string) (string, time.Duration, bool) {
	m := setTimeout.FindStringSubmatch(strings.TrimSpace(sql))
	if m == nil {
		return "", 0, false
	}
	n, err := strconv.ParseInt(m[4], 10, 64)
	if err != nil || n < 0 {
		return "", 0, false
	}
	if n == 0 {
		return strings.ToLower(m[2]), -1, true
	}
	unit := map[string]time.Duration{"": time.Millisecond, "ms": time.Millisecond, "s": time.Second, "min": time.Minute, "h": time.Hour}[strings.ToLower(m[5])]
	return strings.ToLower(m[2]), time.Duration(n) * unit, true
}

// headerHazards reads the "-- hazard:" comments at the top of a file that
// has no section markers: groups of hazard lines (and, through isDirective,
// the tool's file directives), each group ended by a blank line. It returns
// the hazards and the index of the first line after the header. Hazard
// comments not followed by a blank line belong to the first statement and
// are left to it.
func headerHazards(lines []string, isDirective func(string) bool) ([]string, int) {
	var hazards []string
	i := 0
	for {
		for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
			i++
		}
		j := i
		var group []string
		for j < len(lines) {
			l := strings.TrimRight(lines[j], " \t\r")
			if h, ok := strings.CutPrefix(l, hazardPrefix); ok {
				group = append(group, strings.TrimSpace(h))
			} else if isDirective == nil || !isDirective(l) {
				break
			}
			j++
		}
		if j == i || j < len(lines) && strings.TrimSpace(lines[j]) != "" {
			return hazards, i
		}
		hazards = append(hazards, group...)
		i = j
	}
}

// blank replaces lines[i] by an empty line, so that a directive is not
// part of a section and line numbers stay those of the file.
func blank(lines []string, i int) { lines[i] = "" }

// splitLines splits a file into lines without their "\r\n" or "\n" ends.
func splitLines(data []byte) []string {
	lines := strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// compareDecimal orders decimal strings by value, leading zeros ignored.
func compareDecimal(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

func isDecimal(v string) bool { return v != "" && strings.Trim(v, "0123456789") == "" }

// nonTxWithOthers returns the first statement of a block that cannot run in
// a transaction when the block also holds other statements (SET and RESET
// of timeouts included): a tool that sends a block to PostgreSQL as one
// query runs it as one implicit transaction, where such a statement fails.
// ALTER TYPE … ADD VALUE is such a statement only when a later statement of
// the block uses the new value: since PostgreSQL 12 it runs in a
// transaction, and only a use of the value before the commit fails.
func nonTxWithOthers(stmts []migrate.Statement) (migrate.Statement, bool) {
	n := 0
	var first *migrate.Statement
	for i, s := range stmts {
		sets, resets := timeoutLines(s)
		n += 1 + len(sets) + len(resets)
		if first == nil && !s.Transactional() && !addedValueUnused(stmts, i) {
			first = &stmts[i]
		}
	}
	if first == nil || n < 2 {
		return migrate.Statement{}, false
	}
	return *first, true
}

// addValue matches ALTER TYPE … ADD VALUE and captures the new value's
// literal.
var addValue = regexp.MustCompile(`(?is)^alter\s+type\s+.*?\badd\s+value\s+(?:if\s+not\s+exists\s+)?((?:[eE])?'(?:[^']|'')*')`)

// addedValueUnused reports whether stmts[i] adds an enum value that no
// later statement of the block names, so that it can share the block's
// implicit transaction. A later statement that holds
// the value's literal is taken to use it: a false alarm is a warning, a
// miss a failed migration.
func addedValueUnused(stmts []migrate.Statement, i int) bool {
	m := addValue.FindStringSubmatch(stripComments(stmts[i].SQL))
	if m == nil {
		return false
	}
	lit := strings.TrimLeft(m[1], "eE")
	for _, s := range stmts[i+1:] {
		if strings.Contains(s.SQL, lit) {
			return false
		}
	}
	return true
}

// stripComments drops a statement's leading comment lines (hazard notes).
func stripComments(sql string) string {
	lines := strings.Split(sql, "\n")
	for len(lines) > 0 {
		t := strings.TrimSpace(lines[0])
		if t != "" && !strings.HasPrefix(t, "--") {
			break
		}
		lines = lines[1:]
	}
	return strings.Join(lines, "\n")
}

// firstLine returns a statement's first line that is not a comment, for
// messages.
func firstLine(sql string) string {
	for _, l := range strings.Split(sql, "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "--") {
			if len(t) > 60 {
				t = t[:57] + "..."
			}
			return t
		}
	}
	return strings.TrimSpace(sql)
}
