package migrate

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/retortdb/retort/migrate/internal/tmpfile"
)

// DefaultFileTemplate is the file name template used when none is set, in
// Alembic's file_template syntax.
const DefaultFileTemplate = "%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d%(second).2d_%(slug)s"

// DefaultTruncateSlugLength is the slug length past which Alembic cuts it.
const DefaultTruncateSlugLength = 40

// NameOptions control the name of a new revision file, as retort.yaml's
// file_template, truncate_slug_length and timezone do.
type NameOptions struct {
	FileTemplate       string // default DefaultFileTemplate
	TruncateSlugLength int    // default DefaultTruncateSlugLength
	Timezone           string // an IANA name such as "Europe/Paris"; default "UTC"
}

// Slug makes a file name slug from a message as Alembic does: the message's
// words (runs of letters, digits and underscores) joined by "_" and
// lower-cased; when longer than truncate characters, cut there back to the
// last "_" and ended with "_".
func Slug(message string, truncate int) string {
	if truncate <= 0 {
		truncate = DefaultTruncateSlugLength
	}
	words := strings.FieldsFunc(message, func(r rune) bool {
		return !(r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
	})
	slug := strings.ToLower(strings.Join(words, "_"))
	if r := []rune(slug); len(r) > truncate {
		cut := string(r[:truncate])
		if i := strings.LastIndexByte(cut, '_'); i >= 0 {
			cut = cut[:i]
		}
		slug = cut + "_"
	}
	return slug
}

// emptySlug matches the slug token with the separator before it, or after
// it when it starts the template.
var emptySlug = regexp.MustCompile(`^%\(slug\)[-#0 +]*\d*(?:\.\d+)?s[-_. ]*|[-_. ]*%\(slug\)[-#0 +]*\d*(?:\.\d+)?s`)

var templateToken = regexp.MustCompile(`%(%|\(([a-z_]+)\)([-#0 +]*)(\d*)(?:\.(\d+))?([sd]))`)

// FileName returns the file name (with ".sql") for rev, from its id,
// message and creation time (now when zero) and an Alembic file_template: %(rev)s, %(slug)s, %(epoch)s,
// %(year)d, %(month).2d, %(day).2d, %(hour).2d, %(minute).2d,
// %(second).2d and %% are understood.
func FileName(rev *Revision, opts NameOptions) (string, error) {
	tmpl := opts.FileTemplate
	if tmpl == "" {
		tmpl = DefaultFileTemplate
	}
	loc := time.UTC
	if opts.Timezone != "" {
		var err error
		if loc, err = time.LoadLocation(opts.Timezone); err != nil {
			return "", fmt.Errorf("timezone %q: %w", opts.Timezone, err)
		}
	}
	created := rev.Created
	if created.IsZero() {
		created = time.Now()
	}
	created = created.In(loc)
	slug := Slug(rev.Message, opts.TruncateSlugLength)
	if slug == "" {
		// An empty message (allowed, as in Alembic) leaves no slug: drop the
		// separator written for it rather than end the name in "_".
		tmpl = emptySlug.ReplaceAllString(tmpl, "")
		if !strings.Contains(tmpl, "%(") {
			tmpl += "%(rev)s"
		}
	}
	vals := map[string]any{
		"rev":    rev.ID,
		"slug":   slug,
		"epoch":  created.Unix(),
		"year":   created.Year(),
		"month":  int(created.Month()),
		"day":    created.Day(),
		"hour":   created.Hour(),
		"minute": created.Minute(),
		"second": created.Second(),
	}
	if strings.Contains(templateToken.ReplaceAllString(tmpl, ""), "%") {
		return "", fmt.Errorf("file_template %q: malformed %% token", tmpl)
	}
	var ferr error
	name := templateToken.ReplaceAllStringFunc(tmpl, func(tok string) string {
		m := templateToken.FindStringSubmatch(tok)
		if m[1] == "%" {
			return "%"
		}
		v, ok := vals[m[2]]
		if !ok {
			ferr = fmt.Errorf("file_template %q: unknown token %%(%s)", tmpl, m[2])
			return ""
		}
		s := fmt.Sprint(v)
		if n, isInt := v.(int); isInt && m[5] != "" {
			prec, _ := strconv.Atoi(m[5])
			s = fmt.Sprintf("%0*d", prec, n)
		}
		if w, _ := strconv.Atoi(m[4]); len(s) < w {
			pad := " "
			if strings.Contains(m[3], "0") && m[6] == "d" {
				pad = "0"
			}
			if strings.Contains(m[3], "-") {
				s += strings.Repeat(" ", w-len(s))
			} else {
				s = strings.Repeat(pad, w-len(s)) + s
			}
		}
		return s
	})
	if ferr != nil {
		return "", ferr
	}
	if strings.ContainsAny(name, `/\`) || name == "" || name == "." || name == ".." {
		return "", fmt.Errorf("file_template %q makes the file name %q, which is not a plain file name", tmpl, name)
	}
	return name + ".sql", nil
}

// NewID returns a new random revision id, 12 hex characters as Alembic
// makes them, that no revision of d (which may be nil) has yet.
func NewID(d *Dir) (string, error) {
	for range 100 {
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", fmt.Errorf("new revision id: %w", err)
		}
		id := hex.EncodeToString(b[:])
		if d == nil || d.Revision(id) == nil {
			return id, nil
		}
	}
	return "", errors.New("new revision id: no unused id found")
}

// WriteFile writes rev as a new file in the directory dirPath, named by
// opts, and returns its path. It never overwrites: when the name is taken
// (two revisions with one message in one second) it adds "_" and the
// revision id. The file is written to a temporary file first and linked
// into place, so no half-written revision is ever seen.
func WriteFile(dirPath string, rev *Revision, opts NameOptions) (string, error) {
	if !ValidID(rev.ID) {
		return "", fmt.Errorf("write revision: invalid revision id %q", rev.ID)
	}
	return writeFile(dirPath, rev, Format(rev), opts)
}

// writeFile writes data, the file text of rev, as WriteFile does.
func writeFile(dirPath string, rev *Revision, data []byte, opts NameOptions) (string, error) {
	name, err := FileName(rev, opts)
	if err != nil {
		return "", fmt.Errorf("write revision %s: %w", rev.ID, err)
	}
	tmp, err := tmpfile.Create(dirPath)
	if err != nil {
		return "", fmt.Errorf("write revision %s: %w", rev.ID, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write revision %s: %w", rev.ID, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write revision %s: %w", rev.ID, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write revision %s: %w", rev.ID, err)
	}
	candidates := []string{name, strings.TrimSuffix(name, ".sql") + "_" + rev.ID + ".sql"}
	for _, c := range candidates {
		path := filepath.Join(dirPath, c)
		err := os.Link(tmp.Name(), path)
		if err == nil {
			return path, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("write revision %s: %w", rev.ID, err)
		}
	}
	return "", fmt.Errorf("write revision %s: %s: %w", rev.ID, filepath.Join(dirPath, candidates[1]), fs.ErrExist)
}

// NewRevision returns an empty revision for d with a new id (or id, when
// not empty), message and the current time, whose parents are what the
// targets in parents resolve to ("head" when none are given). Several
// heads without parents are an error naming them, as in Alembic; naming
// several revisions makes a merge.
func NewRevision(d *Dir, id, message string, parents []string) (*Revision, error) {
	if id == "" {
		var err error
		if id, err = NewID(d); err != nil {
			return nil, err
		}
	} else if !ValidID(id) {
		return nil, fmt.Errorf("revision id %q: want 1 to 32 letters, digits or underscores", id)
	} else if d.Revision(id) != nil {
		return nil, fmt.Errorf("revision id %s is taken by %s", id, d.Revision(id).Filename)
	}
	var ps []string
	if len(parents) == 0 && d != nil && len(d.revs) > 0 {
		if heads := d.Heads(); len(heads) > 1 {
			return nil, fmt.Errorf("several heads (%s): name the head to build on, or merge them first", strings.Join(heads, ", "))
		}
		parents = []string{"head"}
	}
	for _, p := range parents {
		if d == nil {
			return nil, fmt.Errorf("parent %s: %w", p, ErrNoRevisions)
		}
		ids, err := d.Resolve(p, nil)
		if err != nil {
			return nil, fmt.Errorf("parent %s: %w", p, err)
		}
		for _, x := range ids {
			if !slices.Contains(ps, x) {
				ps = append(ps, x)
			}
		}
	}
	return &Revision{ID: id, Parents: ps, Message: message, Created: time.Now().UTC().Truncate(time.Second)}, nil
}
