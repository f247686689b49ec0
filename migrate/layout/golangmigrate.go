package layout

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"github.com/retortdb/retort/migrate"
)

// golangMigrateTool is golang-migrate/migrate's layout: a migration is
// {version}_{title}.up.sql and {version}_{title}.down.sql, plain SQL with
// no directives, versions unsigned integers applied in numeric order
// (MIGRATIONS.md, "Migration Filename Format"). Its PostgreSQL driver sends
// a file as one query, which PostgreSQL runs as one implicit transaction, so
// a statement that cannot run in a transaction must be alone in its file
// (database/postgres/README.md, "Multi-statement mode").
type golangMigrateTool struct{}

var golangMigrateName = regexp.MustCompile(`^(\d+)_(.*)\.(up|down)\.sql$`)

func (golangMigrateTool) versionOf(name string) (string, bool) {
	m := golangMigrateName.FindStringSubmatch(name)
	if m == nil {
		return "", false
	}
	return m[1], true
}

func (golangMigrateTool) compare(a, b string) int { return compareDecimal(a, b) }

func (golangMigrateTool) validVersion(v string) bool {
	return isDecimal(v) && len(v) <= 19 // a uint64
}

func (golangMigrateTool) render(rev *migrate.Revision, v, slug string, o Options) ([]output, error) {
	warnOneQuery("golang-migrate", rev, o)
	up := hazardLines(rev.Hazards)
	if up != "" {
		up += "\n"
	}
	up += renderBody(rev.Up, terminate)
	base := v + "_" + slug
	return []output{
		{name: base + ".up.sql", data: []byte(up)},
		{name: base + ".down.sql", data: []byte(renderBody(rev.Down, terminate))},
	}, nil
}

// warnOneQuery says when a tool that runs a block as one query (so in one
// implicit transaction) gets a block that holds a statement that cannot run
// in one among others: the file is written as asked, and the warning says
// how to make it run.
func warnOneQuery(tool string, rev *migrate.Revision, o Options) {
	for _, sec := range []struct {
		name  string
		stmts []migrate.Statement
	}{{"up", rev.Up}, {"down", rev.Down}} {
		s, ok := nonTxWithOthers(sec.stmts)
		switch {
		case !ok:
		case addValue.MatchString(stripComments(s.SQL)):
			o.warnf("%s sends the %s migration to PostgreSQL as one query, which runs in one transaction, where the value that %q adds "+
				"cannot be used before it commits (since PostgreSQL 12 the ADD VALUE itself runs in a transaction); "+
				"move the statements that use it to a revision of their own, or use --layout goose, flyway or atlas", tool, sec.name, firstLine(s.SQL))
		default:
			o.warnf("%s sends the %s migration to PostgreSQL as one query, which runs in one transaction, where %q fails; "+
				"move that statement to a revision of its own, or use --layout goose, flyway or atlas", tool, sec.name, firstLine(s.SQL))
		}
	}
}

func (t golangMigrateTool) read(fsys fs.FS, dir string) ([]*unit, error) {
	names, err := readNames(fsys, dir, false)
	if err != nil {
		return nil, err
	}
	byVersion := map[string]*unit{}
	var units []*unit
	for _, name := range names {
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		m := golangMigrateName.FindStringSubmatch(name)
		if m == nil || !t.validVersion(m[1]) {
			continue // golang-migrate skips the files it cannot parse
		}
		key := strings.TrimLeft(m[1], "0")
		u := byVersion[key]
		if u == nil {
			u = &unit{version: m[1], noDown: true}
			byVersion[key] = u
			units = append(units, u)
		}
		data, err := readFile(fsys, dir, name)
		if err != nil {
			return nil, err
		}
		lines := splitLines(data)
		if m[3] == "up" {
			if u.name != "" {
				return nil, &migrate.GraphError{Files: []string{u.name, name}, Msg: "two golang-migrate up migrations have version " + m[1]}
			}
			u.name, u.desc = name, m[2]
			h, from, err := readHeader(name, lines, nil)
			if err != nil {
				return nil, err
			}
			u.header = h
			if u.up, err = parseSection(name, lines, from, len(lines)); err != nil {
				return nil, err
			}
			u.up = stripTransaction(u.up)
		} else {
			if !u.noDown {
				return nil, &migrate.GraphError{Files: []string{name}, Msg: "two golang-migrate down migrations have version " + m[1]}
			}
			u.noDown = false
			if u.down, err = parseSection(name, lines, 0, len(lines)); err != nil {
				return nil, err
			}
			u.down = stripTransaction(u.down)
		}
		u.files = append(u.files, name)
		u.data = append(u.data, data)
	}
	for _, u := range units {
		if u.name == "" {
			return nil, fmt.Errorf("%s: a golang-migrate down migration without its up migration", u.files[0])
		}
	}
	return units, nil
}

// stripTransaction drops the BEGIN and COMMIT that hand-written
// golang-migrate files often put around their statements: retort's runner
// wraps the revision in its own transaction with the version-table update,
// which a COMMIT in the middle would end early.
func stripTransaction(stmts []migrate.Statement) []migrate.Statement {
	if len(stmts) < 2 {
		return stmts
	}
	first := strings.ToUpper(strings.Join(strings.Fields(sqlOnly(stmts[0].SQL)), " "))
	last := strings.ToUpper(strings.Join(strings.Fields(sqlOnly(stmts[len(stmts)-1].SQL)), " "))
	switch first {
	case "BEGIN", "BEGIN TRANSACTION", "BEGIN WORK", "START TRANSACTION":
	default:
		return stmts
	}
	switch last {
	case "COMMIT", "COMMIT TRANSACTION", "COMMIT WORK", "END", "END TRANSACTION":
	default:
		return stmts
	}
	return stmts[1 : len(stmts)-1]
}

// sqlOnly drops a statement's leading comment lines.
func sqlOnly(sql string) string {
	lines := strings.Split(sql, "\n")
	for i, l := range lines {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "--") {
			return strings.Join(lines[i:], "\n")
		}
	}
	return ""
}
