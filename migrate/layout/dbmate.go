package layout

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"github.com/retortdb/retort/migrate"
)

// dbmateTool is amacneil/dbmate's layout: one VERSION_name.sql file with a
// "-- migrate:up" block and a "-- migrate:down" block, each with its own
// transaction option ("-- migrate:up transaction:false"). dbmate runs each
// block as one query, inside a transaction unless the option turns it off
// (pkg/dbmate/migration.go and db.go in github.com/amacneil/dbmate). Files
// are matched by `^(\d+).*\.sql$` and applied in file name order; other
// files are skipped.
type dbmateTool struct{}

var (
	dbmateName   = regexp.MustCompile(`^(\d+)(.*)\.sql$`)
	dbmateMarker = regexp.MustCompile(`^--\s*migrate:(up|down)(\s.*)?$`)
	// dbmateAnyMarker is wider than dbmateMarker: what a statement line must
	// never look like (dbmate finds its blocks with (?m)^--\s*migrate:up).
	dbmateAnyMarker = regexp.MustCompile(`^--\s*migrate:`)
)

func (dbmateTool) versionOf(name string) (string, bool) {
	m := dbmateName.FindStringSubmatch(name)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// compare orders versions as dbmate orders its files, by name: the same
// as by number while versions have one length, as timestamps do.
func (dbmateTool) compare(a, b string) int { return strings.Compare(a, b) }

func (dbmateTool) validVersion(v string) bool { return isDecimal(v) }

func (dbmateTool) render(rev *migrate.Revision, v, slug string, o Options) ([]output, error) {
	if err := refuseMarkerLines("dbmate", rev, dbmateAnyMarker.MatchString); err != nil {
		return nil, err
	}
	warnOneQuery("dbmate", rev, o)
	var b strings.Builder
	if h := hazardLines(rev.Hazards); h != "" {
		b.WriteString(h + "\n")
	}
	for _, sec := range []struct {
		marker string
		stmts  []migrate.Statement
	}{{"-- migrate:up", rev.Up}, {"-- migrate:down", rev.Down}} {
		if sec.marker == "-- migrate:down" {
			b.WriteByte('\n')
		}
		b.WriteString(sec.marker)
		if !migrate.Transactional(sec.stmts) {
			b.WriteString(" transaction:false")
		}
		b.WriteByte('\n')
		b.WriteString(renderBody(sec.stmts, terminate))
	}
	return []output{{name: v + "_" + slug + ".sql", data: []byte(b.String())}}, nil
}

func (t dbmateTool) read(fsys fs.FS, dir string) ([]*unit, error) {
	names, err := readNames(fsys, dir, false)
	if err != nil {
		return nil, err
	}
	var units []*unit
	for _, name := range names {
		m := dbmateName.FindStringSubmatch(name)
		if m == nil {
			continue // dbmate skips them too
		}
		data, err := readFile(fsys, dir, name)
		if err != nil {
			return nil, err
		}
		u, err := parseDbmate(name, data)
		if err != nil {
			return nil, err
		}
		u.version, u.desc = m[1], strings.TrimLeft(m[2], "_")
		units = append(units, u)
	}
	return units, nil
}

// parseDbmate reads one dbmate file: comments, then the up block, then the
// down block; dbmate requires both.
func parseDbmate(name string, data []byte) (*unit, error) {
	u := &unit{name: name, files: []string{name}, data: [][]byte{data}}
	lines := splitLines(data)
	perr := func(line int, format string, args ...any) error {
		return &migrate.ParseError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	upAt, downAt := -1, -1
	for i, l := range lines {
		m := dbmateMarker.FindStringSubmatch(strings.TrimRight(l, " \t"))
		if m == nil {
			if upAt < 0 {
				if ok, err := u.header.line(name, i, l); err != nil {
					return nil, err
				} else if ok {
					continue
				} else if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "--") {
					return nil, perr(i+1, "dbmate does not support statements before the -- migrate:up block")
				}
			}
			continue
		}
		noTx := false
		for _, opt := range strings.Fields(m[2]) {
			if k, v, ok := strings.Cut(opt, ":"); ok && k == "transaction" {
				noTx = v == "false"
			}
		}
		switch m[1] {
		case "up":
			if upAt >= 0 {
				return nil, perr(i+1, "a second -- migrate:up block (first at line %d): retort reads one up and one down block", upAt+1)
			}
			if downAt >= 0 {
				return nil, perr(i+1, "-- migrate:up after -- migrate:down")
			}
			upAt, u.upNoTx = i, noTx
		case "down":
			if upAt < 0 {
				return nil, perr(i+1, "-- migrate:down before -- migrate:up")
			}
			if downAt >= 0 {
				return nil, perr(i+1, "a second -- migrate:down block (first at line %d)", downAt+1)
			}
			downAt, u.downNoTx = i, noTx
		}
		blank(lines, i)
	}
	if upAt < 0 {
		return nil, perr(1, "dbmate requires a -- migrate:up block")
	}
	if downAt < 0 {
		return nil, perr(len(lines), "dbmate requires a -- migrate:down block")
	}
	var err error
	if u.up, err = parseSection(name, lines, upAt+1, downAt); err != nil {
		return nil, err
	}
	if u.down, err = parseSection(name, lines, downAt+1, len(lines)); err != nil {
		return nil, err
	}
	return u, nil
}
