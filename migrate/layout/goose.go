package layout

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"github.com/retortdb/retort/migrate"
)

// gooseTool is pressly/goose's SQL migrations: one VERSION_name.sql file
// with "-- +goose Up" and "-- +goose Down" sections. goose splits a section
// at lines that end in a semicolon, so a statement with a semicolon inside
// (a dollar-quoted function body, a DO block) goes between
// "-- +goose StatementBegin" and "-- +goose StatementEnd"; "-- +goose NO
// TRANSACTION" runs both sections outside a transaction
// (https://pressly.github.io/goose/documentation/annotations/, and the
// parser in github.com/pressly/goose internal/sqlparser/parser.go).
type gooseTool struct{}

// gooseName is goose's file name: a positive integer version, "_", a name.
var gooseName = regexp.MustCompile(`^(\d+)_(.*)\.sql$`)

func (gooseTool) versionOf(name string) (string, bool) {
	m := gooseName.FindStringSubmatch(name)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// compare orders versions as goose does, as integers.
func (gooseTool) compare(a, b string) int { return compareDecimal(a, b) }

func (gooseTool) validVersion(v string) bool {
	return isDecimal(v) && len(strings.TrimLeft(v, "0")) > 0 && len(v) <= 18 // an int64, above zero
}

func (gooseTool) render(rev *migrate.Revision, v, slug string, o Options) ([]output, error) {
	if err := refuseMarkerLines("goose", rev, isGooseMarker); err != nil {
		return nil, err
	}
	var b strings.Builder
	if !migrate.Transactional(rev.Up) || !migrate.Transactional(rev.Down) {
		// goose has one switch for the whole file, up and down alike.
		b.WriteString("-- +goose NO TRANSACTION\n")
	}
	b.WriteString(hazardLines(rev.Hazards))
	if b.Len() > 0 {
		b.WriteByte('\n')
	}
	b.WriteString("-- +goose Up\n")
	b.WriteString(renderBody(rev.Up, gooseStatement))
	b.WriteString("\n-- +goose Down\n")
	b.WriteString(renderBody(rev.Down, gooseStatement))
	return []output{{name: v + "_" + slug + ".sql", data: []byte(b.String())}}, nil
}

// gooseStatement wraps a statement that holds a semicolon anywhere (in a
// body, a string or a comment) in StatementBegin/StatementEnd: goose would
// end the statement at any line whose last word ends in one.
func gooseStatement(sql string) string {
	t := terminate(sql)
	if strings.Contains(strings.TrimSuffix(t, ";"), ";") {
		return "-- +goose StatementBegin\n" + t + "\n-- +goose StatementEnd"
	}
	return t
}

// isGooseMarker reports whether goose could take line for an annotation:
// any "--" line whose comment starts with "+goose", a wider net than
// gooseAnnotation, so that no goose version reads one.
func isGooseMarker(line string) bool {
	rest, ok := strings.CutPrefix(line, "--")
	return ok && strings.HasPrefix(strings.ToLower(strings.TrimSpace(rest)), "+goose")
}

// gooseAnnotation returns the annotation of a "-- +goose ..." line. As in
// goose, the line must start with "--" (no leading blank space);
// annotations are case-insensitive.
func gooseAnnotation(line string) (string, bool) {
	if !strings.HasPrefix(line, "--") {
		return "", false
	}
	cmd := strings.TrimSpace(strings.TrimPrefix(line, "--"))
	rest, ok := strings.CutPrefix(strings.ToLower(cmd), "+goose")
	if !ok || rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", false
	}
	return strings.Join(strings.Fields(rest), " "), true
}

func (t gooseTool) read(fsys fs.FS, dir string) ([]*unit, error) {
	names, err := readNames(fsys, dir, false)
	if err != nil {
		return nil, err
	}
	var units []*unit
	for _, name := range names {
		if strings.HasSuffix(name, ".go") && gooseName.MatchString(strings.TrimSuffix(name, ".go")+".sql") {
			return nil, fmt.Errorf("%s: a goose Go migration, which retort cannot replay", name)
		}
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		m := gooseName.FindStringSubmatch(name)
		if m == nil || !t.validVersion(m[1]) {
			return nil, fmt.Errorf("%s: not a goose migration name (want VERSION_name.sql, VERSION a positive integer)", name)
		}
		data, err := readFile(fsys, dir, name)
		if err != nil {
			return nil, err
		}
		u, err := parseGoose(name, data)
		if err != nil {
			return nil, err
		}
		u.version, u.desc = m[1], m[2]
		units = append(units, u)
	}
	return units, nil
}

// parseGoose reads one goose file into its sections.
func parseGoose(name string, data []byte) (*unit, error) {
	u := &unit{name: name, files: []string{name}, data: [][]byte{data}}
	lines := splitLines(data)
	perr := func(line int, format string, args ...any) error {
		return &migrate.ParseError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	upAt, downAt := -1, -1
	noTx := false
	for i, l := range lines {
		ann, ok := gooseAnnotation(l)
		if !ok {
			if upAt < 0 {
				if ok, err := u.header.line(name, i, l); err != nil {
					return nil, err
				} else if ok {
					continue
				} else if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "--") {
					return nil, perr(i+1, "statement before -- +goose Up")
				}
			}
			continue
		}
		switch ann {
		case "up":
			if upAt >= 0 {
				return nil, perr(i+1, "second -- +goose Up (first at line %d)", upAt+1)
			}
			upAt = i
		case "down":
			if upAt < 0 {
				return nil, perr(i+1, "-- +goose Down before -- +goose Up")
			}
			if downAt >= 0 {
				return nil, perr(i+1, "second -- +goose Down (first at line %d)", downAt+1)
			}
			downAt = i
		case "statementbegin", "statementend", "envsub off":
		case "no transaction":
			noTx = true
		case "envsub on":
			return nil, perr(i+1, "-- +goose ENVSUBST ON: retort does not expand environment variables in migrations")
		default:
			return nil, perr(i+1, "unknown goose annotation %q", strings.TrimSpace(strings.TrimPrefix(l, "--")))
		}
		blank(lines, i)
	}
	if upAt < 0 {
		return nil, perr(1, "no -- +goose Up annotation")
	}
	upEnd := len(lines)
	if downAt >= 0 {
		upEnd = downAt
	}
	var err error
	if u.up, err = parseSection(name, lines, upAt+1, upEnd); err != nil {
		return nil, err
	}
	// A file without a Down section has an empty down for goose: "goose
	// down" runs nothing and forgets the version.
	if downAt >= 0 {
		if u.down, err = parseSection(name, lines, downAt+1, len(lines)); err != nil {
			return nil, err
		}
	}
	u.upNoTx, u.downNoTx = noTx, noTx
	return u, nil
}
