package layout

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"github.com/retortdb/retort/migrate"
)

// flywayTool is Redgate Flyway's SQL migrations: V{version}__{description}.sql
// runs up and U{version}__{description}.sql undoes it (undo is a Flyway
// Teams/Enterprise feature; Community logs a warning for U files). Versions
// are dot- or underscore-separated integers compared part by part. A
// script runs in a transaction unless its script configuration file, the
// script's name plus ".conf", says executeInTransaction=false
// (documentation.red-gate.com, "Flyway Execute In Transaction Setting";
// "Manual transaction override" in the Flyway 6.1.0 release notes).
type flywayTool struct{}

var (
	flywayName    = regexp.MustCompile(`^([VU])(\d+(?:[._]\d+)*)__(.*)\.sql$`)
	flywayVersion = regexp.MustCompile(`^\d+(?:\.\d+)*$`)
)

func (flywayTool) versionOf(name string) (string, bool) {
	m := flywayName.FindStringSubmatch(name)
	if m == nil {
		return "", false
	}
	return strings.ReplaceAll(m[2], "_", "."), true
}

// compare orders versions as Flyway does: part by part as integers, a
// missing part counting as zero (1.0 is 1).
func (flywayTool) compare(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		x, y := "0", "0"
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if c := compareDecimal(x, y); c != 0 {
			return c
		}
	}
	return 0
}

func (flywayTool) validVersion(v string) bool { return flywayVersion.MatchString(v) }

func (flywayTool) render(rev *migrate.Revision, v, slug string, o Options) ([]output, error) {
	for _, sec := range [][]migrate.Statement{rev.Up, rev.Down} {
		for _, s := range sec {
			if strings.Contains(s.SQL, "${") {
				o.warnf("flyway replaces ${...} placeholders in scripts, and %q holds one: turn placeholderReplacement off or change the text", firstLine(s.SQL))
				break
			}
		}
	}
	up := hazardLines(rev.Hazards)
	if up != "" {
		up += "\n"
	}
	up += renderBody(rev.Up, terminate)
	vName := "V" + v + "__" + slug + ".sql"
	uName := "U" + v + "__" + slug + ".sql"
	outs := []output{{name: vName, data: []byte(up)}}
	if !migrate.Transactional(rev.Up) {
		outs = append(outs, output{name: vName + ".conf", data: []byte(flywayNoTx)})
	}
	outs = append(outs, output{name: uName, data: []byte(renderBody(rev.Down, terminate))})
	if !migrate.Transactional(rev.Down) {
		outs = append(outs, output{name: uName + ".conf", data: []byte(flywayNoTx)})
	}
	return outs, nil
}

const flywayNoTx = "# Written by retort: a statement of this script cannot run in a transaction.\nexecuteInTransaction=false\n"

func (t flywayTool) read(fsys fs.FS, dir string) ([]*unit, error) {
	names, err := readNames(fsys, dir, false)
	if err != nil {
		return nil, err
	}
	present := map[string]bool{}
	for _, n := range names {
		present[n] = true
	}
	byVersion := map[string]*unit{}
	var units []*unit
	for _, name := range names {
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		switch {
		case strings.HasPrefix(name, "R__"):
			return nil, fmt.Errorf("%s: a Flyway repeatable migration, which retort cannot replay in order", name)
		case strings.HasPrefix(name, "B") && flywayName.MatchString("V"+name[1:]):
			return nil, fmt.Errorf("%s: a Flyway baseline migration, which retort cannot replay", name)
		}
		m := flywayName.FindStringSubmatch(name)
		if m == nil {
			continue // Flyway ignores what its naming does not match
		}
		v, _ := t.versionOf(name)
		var u *unit
		for key, x := range byVersion {
			if t.compare(key, v) == 0 {
				u = x
			}
		}
		if u == nil {
			u = &unit{version: v, noDown: true}
			byVersion[v] = u
			units = append(units, u)
		}
		data, err := readFile(fsys, dir, name)
		if err != nil {
			return nil, err
		}
		var conf []byte
		if present[name+".conf"] {
			if conf, err = readFile(fsys, dir, name+".conf"); err != nil {
				return nil, err
			}
		}
		noTx := flywayConfNoTx(conf)
		lines := splitLines(data)
		if m[1] == "V" {
			if u.name != "" {
				return nil, &migrate.GraphError{Files: []string{u.name, name}, Msg: "two Flyway migrations have version " + v}
			}
			u.name, u.desc, u.upNoTx = name, m[3], noTx
			h, from, err := readHeader(name, lines, nil)
			if err != nil {
				return nil, err
			}
			u.header = h
			if u.up, err = parseSection(name, lines, from, len(lines)); err != nil {
				return nil, err
			}
		} else {
			if !u.noDown {
				return nil, &migrate.GraphError{Files: []string{name}, Msg: "two Flyway undo migrations have version " + v}
			}
			u.noDown, u.downNoTx = false, noTx
			if u.down, err = parseSection(name, lines, 0, len(lines)); err != nil {
				return nil, err
			}
		}
		u.files = append(u.files, name)
		u.data = append(u.data, data)
		if present[name+".conf"] {
			u.files = append(u.files, name+".conf")
			u.data = append(u.data, conf)
		}
	}
	for _, u := range units {
		if u.name == "" {
			return nil, fmt.Errorf("%s: a Flyway undo migration without its versioned migration", u.files[0])
		}
	}
	return units, nil
}

// flywayConfNoTx reads a script configuration file (key=value lines, #
// comments) for executeInTransaction=false.
func flywayConfNoTx(conf []byte) bool {
	noTx := false
	for _, l := range splitLines(conf) {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "!") {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if ok && strings.TrimSpace(k) == "executeInTransaction" {
			noTx = strings.EqualFold(strings.TrimSpace(v), "false")
		}
	}
	return noTx
}
