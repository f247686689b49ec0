package layout

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/retortdb/retort/internal/userfile"
	"github.com/retortdb/retort/migrate"
)

// atlasTool is Atlas's versioned migration directory: every *.sql file is a
// migration named VERSION[_name].sql, applied in file name order, with the
// up statements only (Atlas has no down files), and atlas.sum, the
// directory's integrity file, which Atlas refuses to run without. File
// directives are comment lines at the top of a file followed by a blank
// line; "-- atlas:txmode none" runs the file outside a transaction
// (sql/migrate/dir.go in github.com/ariga/atlas, and the testdata of its
// cmd/atlas/internal/cmdapi).
type atlasTool struct{}

// atlasSumFile is the name of the integrity file (migrate.HashFileName).
const atlasSumFile = "atlas.sum"

func (atlasTool) versionOf(name string) (string, bool) {
	if !strings.HasSuffix(name, ".sql") {
		return "", false
	}
	v, _, _ := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
	return v, true
}

// compare orders versions as Atlas orders its files, by name: a version
// followed by the "_" that ends it in a file name.
func (atlasTool) compare(a, b string) int { return strings.Compare(a+"_", b+"_") }

var atlasVersion = regexp.MustCompile(`^[0-9A-Za-z.]+$`)

func (atlasTool) validVersion(v string) bool { return atlasVersion.MatchString(v) }

func (atlasTool) render(rev *migrate.Revision, v, slug string, o Options) ([]output, error) {
	if len(rev.Down) > 0 {
		n := fmt.Sprintf("%d statements", len(rev.Down))
		if len(rev.Down) == 1 {
			n = "1 statement"
		}
		o.warnf("atlas migrations have no down: this revision's down (%s) is not written; atlas migrate down computes its own", n)
	}
	var b strings.Builder
	if !migrate.Transactional(rev.Up) {
		b.WriteString("-- atlas:txmode none\n\n")
	}
	if h := hazardLines(rev.Hazards); h != "" {
		b.WriteString(h + "\n")
	}
	b.WriteString(renderBody(rev.Up, terminate))
	return []output{{name: v + "_" + slug + ".sql", data: []byte(b.String())}}, nil
}

var atlasDirective = regexp.MustCompile(`^--\s*atlas:(\w+)(?:\s+(.*))?$`)

func (t atlasTool) read(fsys fs.FS, dir string) ([]*unit, error) {
	names, err := readNames(fsys, dir, true)
	if err != nil {
		return nil, err
	}
	var files []namedFile
	hasSum := false
	for _, name := range names {
		if name == atlasSumFile {
			hasSum = true
		}
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		data, err := readFile(fsys, dir, name)
		if err != nil {
			return nil, err
		}
		files = append(files, namedFile{name, data})
	}
	if len(files) > 0 {
		var sum []byte
		if hasSum {
			if sum, err = readFile(fsys, dir, atlasSumFile); err != nil {
				return nil, err
			}
		}
		if err := checkAtlasSum(sum, hasSum, files); err != nil {
			return nil, err
		}
	}
	var units []*unit
	for _, f := range files {
		u, err := parseAtlas(f.name, f.data)
		if err != nil {
			return nil, err
		}
		units = append(units, u)
	}
	return units, nil
}

// parseAtlas reads one Atlas file: its file directives and header hazards,
// then its statements.
func parseAtlas(name string, data []byte) (*unit, error) {
	v, desc, _ := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
	u := &unit{version: v, desc: desc, name: name, files: []string{name}, data: [][]byte{data}, noDown: true}
	lines := splitLines(data)
	h, from, err := readHeader(name, lines, atlasDirective.MatchString)
	if err != nil {
		return nil, err
	}
	u.header = h
	for i, l := range atlasFileComments(lines) {
		m := atlasDirective.FindStringSubmatch(strings.TrimRight(l, " \t"))
		if m == nil {
			continue
		}
		arg := strings.TrimSpace(m[2])
		perr := func(format string, args ...any) error {
			return &migrate.ParseError{File: name, Line: i + 1, Msg: fmt.Sprintf(format, args...)}
		}
		switch m[1] {
		case "txmode":
			switch arg {
			case "none":
				u.upNoTx = true
			case "file", "all":
			default:
				return nil, perr("-- atlas:txmode %q: want none or file", arg)
			}
		case "checkpoint":
			return nil, perr("an Atlas checkpoint file, which retort cannot replay as a step")
		case "delimiter":
			return nil, perr("-- atlas:delimiter: retort splits statements with PostgreSQL's rules only")
		}
	}
	if u.up, err = parseSection(name, lines, from, len(lines)); err != nil {
		return nil, err
	}
	return u, nil
}

// atlasFileComments returns the lines that hold Atlas's file directives
// (LocalFile.comments): the comment lines ("--" or "#") that start the file,
// when a blank line follows them; otherwise none.
func atlasFileComments(lines []string) []string {
	n := 0
	for n < len(lines) && (strings.HasPrefix(lines[n], "--") || strings.HasPrefix(lines[n], "#")) {
		n++
	}
	if n == len(lines) || lines[n] != "" {
		return nil
	}
	return lines[:n]
}

// --- atlas.sum ---

// A namedFile is a migration file's name and bytes, as atlas.sum hashes it.
type namedFile struct {
	name string
	data []byte
}

// An atlasEntry is one line of atlas.sum: a file and the running hash.
type atlasEntry struct{ name, hash string }

// atlasReDirective is Atlas's own directive pattern (reDirective in
// sql/migrate/dir.go), which atlas.sum applies to the start of a file to
// find "atlas:sum ignore".
var atlasReDirective = regexp.MustCompile(`^([ -~]*)atlas:(\w+)(?: +([ -~]*))*`)

// atlasHash computes the entries of atlas.sum as Atlas's NewHashFile does:
// one SHA-256 runs over the files in name order, taking each file's name and
// then its bytes, and each file's entry is the base64 of the running sum so
// far; a file that starts with an "atlas:sum ignore" directive adds its name
// to the running sum but neither its bytes nor an entry.
func atlasHash(files []namedFile) []atlasEntry {
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b namedFile) int { return strings.Compare(a.name, b.name) })
	h := sha256.New()
	var out []atlasEntry
	for _, f := range files {
		h.Write([]byte(f.name))
		if m := atlasReDirective.FindStringSubmatch(string(f.data)); len(m) == 4 && m[2] == "sum" && m[3] == "ignore" {
			continue
		}
		h.Write(f.data)
		out = append(out, atlasEntry{f.name, base64.StdEncoding.EncodeToString(h.Sum(nil))})
	}
	return out
}

// atlasSumOf is the directory's sum, the first line of atlas.sum: the
// SHA-256 of every entry's name and hash (HashFile.Sum).
func atlasSumOf(entries []atlasEntry) string {
	h := sha256.New()
	for _, e := range entries {
		h.Write([]byte(e.name))
		h.Write([]byte(e.hash))
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// atlasSumText writes atlas.sum as HashFile.MarshalText does.
func atlasSumText(entries []atlasEntry) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "h1:%s\n", atlasSumOf(entries))
	for _, e := range entries {
		fmt.Fprintf(&b, "%s h1:%s\n", e.name, e.hash)
	}
	return b.Bytes()
}

// parseAtlasSum reads atlas.sum as HashFile.UnmarshalText does, checking
// that its first line is the sum of the lines after it.
func parseAtlasSum(text []byte) ([]atlasEntry, error) {
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Scan()
	sum := strings.TrimPrefix(sc.Text(), "h1:")
	var entries []atlasEntry
	for sc.Scan() {
		name, hash, ok := strings.Cut(sc.Text(), "h1:")
		if !ok {
			return nil, errors.New("atlas.sum: malformed line")
		}
		entries = append(entries, atlasEntry{strings.TrimSpace(name), hash})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if sum != atlasSumOf(entries) {
		return nil, errors.New("atlas.sum: its first line is not the sum of its other lines")
	}
	return entries, nil
}

// checkAtlasSum fails, as Atlas does, when the directory's files are not
// those atlas.sum was computed for.
func checkAtlasSum(sum []byte, present bool, files []namedFile) error {
	if !present {
		return errors.New("atlas.sum is missing: Atlas refuses a migration directory without it (run atlas migrate hash)")
	}
	entries, err := parseAtlasSum(sum)
	if err != nil {
		return fmt.Errorf("%w (run atlas migrate hash)", err)
	}
	if atlasSumOf(entries) != atlasSumOf(atlasHash(files)) {
		return errors.New("atlas.sum does not match the migration files: a file was added or edited without atlas migrate hash")
	}
	return nil
}

// atlasSumWith returns the atlas.sum of the directory dirPath once outs are
// written, after checking that its current atlas.sum matches its files.
func atlasSumWith(dirPath string, outs []output) (output, error) {
	entries, err := os.ReadDir(dirPath)
	if err != nil {
		return output{}, err
	}
	var files []namedFile
	var sum []byte
	hasSum := false
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if e.Name() == atlasSumFile {
			hasSum = true
			if sum, err = userfile.Read(filepath.Join(dirPath, atlasSumFile), 0); err != nil {
				return output{}, err
			}
		}
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		data, err := userfile.Read(filepath.Join(dirPath, e.Name()), 0)
		if err != nil {
			return output{}, err
		}
		files = append(files, namedFile{e.Name(), data})
	}
	if len(files) > 0 || hasSum {
		if err := checkAtlasSum(sum, hasSum, files); err != nil {
			return output{}, fmt.Errorf("%s: %w", dirPath, err)
		}
	}
	for _, o := range outs {
		if strings.HasSuffix(o.name, ".sql") {
			files = append(files, namedFile{o.name, o.data})
		}
	}
	return output{name: atlasSumFile, data: atlasSumText(atlasHash(files)), replace: true}, nil
}
