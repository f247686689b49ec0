package migrate

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/internal/userfile"
)

// DefaultTemplateFile is the name of the revision template that retort init
// writes beside retort.yaml, as Alembic's script.py.mako.
const DefaultTemplateFile = "revision.sql.tmpl"

// DefaultRevisionTemplate is the revision template that makes exactly the
// file [Format] writes. retort init writes it as [DefaultTemplateFile], for
// a project to add its own lines to.
const DefaultRevisionTemplate = `{{/*
  The template retort revision writes new revision files from (Go's
  text/template; see docs/revision-template.md). Its fields:

    .Message       the -m message          .Revision   the revision id
    .Parents       parent ids (a list)     .BranchLabels, .DependsOn (lists)
    .Created       creation time, RFC 3339 .CreatedAt  the same as a time.Time
    .Up, .Down     the up and down bodies  .Hazards, .Notes  the plan's (lists)

  Every text value is folded onto one line, so it cannot end a comment.
  Functions: join LIST SEP, comment TEXT (folds TEXT onto one line), literal
  TEXT (a SQL string literal), env NAME (an environment variable, folded).

  The -- retort: lines are what the runner reads: retort revision checks
  that the file made from this template still carries them, and writes
  nothing otherwise. Add lines of your own as plain -- comments, e.g.
  -- ticket: {{env "TICKET"}}
*/ -}}
-- retort:revision {{.Revision}}
{{- with .Parents}}
-- retort:parents {{join . " "}}
{{- end}}
{{- with .BranchLabels}}
-- retort:branch_labels {{join . " "}}
{{- end}}
{{- with .DependsOn}}
-- retort:depends_on {{join . " "}}
{{- end}}
-- retort:message{{with .Message}} {{.}}{{end}}
{{- with .Created}}
-- retort:created {{.}}
{{- end}}
{{- range .Hazards}}
-- retort:hazard {{.}}
{{- end}}

-- retort:up
{{.Up}}
-- retort:down
{{.Down -}}
`

// maxTemplateSize bounds a revision template: more than 1 MiB is not one.
const maxTemplateSize = 1 << 20

// TemplateData is what a revision template is executed with. Every text
// field is folded by [sqlq.CommentText] onto one line, so that a value
// written into a -- comment cannot end it and run as SQL; Up and Down are
// the bodies, as [Format] writes them after their marker lines.
type TemplateData struct {
	Message      string    // the -m message
	Revision     string    // the revision id
	Parents      []string  // parent ids; several for a merge, none for a base
	BranchLabels []string  // branch labels
	DependsOn    []string  // revisions that must be applied first
	Created      string    // the creation time in RFC 3339; "" when unknown
	CreatedAt    time.Time // the creation time, for other formats
	Up, Down     string    // each statement after an empty line, with its directives and semicolon
	Hazards      []string  // the plan's hazards, "kind: message"
	Notes        []string  // the plan's notes, such as drops and creates that look like renames
}

// NewTemplateData returns the template fields of rev and the plan's notes.
func NewTemplateData(rev *Revision, notes []string) TemplateData {
	fold := func(vs []string) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = sqlq.CommentText(v)
		}
		return out
	}
	d := TemplateData{
		Message:      sqlq.CommentText(rev.Message),
		Revision:     sqlq.CommentText(rev.ID),
		Parents:      fold(rev.Parents),
		BranchLabels: fold(rev.BranchLabels),
		DependsOn:    fold(rev.DependsOn),
		CreatedAt:    rev.Created,
		Up:           formatBody(rev.Up),
		Down:         formatBody(rev.Down),
		Hazards:      fold(rev.Hazards),
		Notes:        fold(notes),
	}
	if !rev.Created.IsZero() {
		d.Created = rev.Created.Format(time.RFC3339)
	}
	return d
}

// templateFuncs are the functions a revision template may call. Each
// returns text that is safe in a -- comment, except literal, whose result
// is a quoted SQL string.
var templateFuncs = template.FuncMap{
	"join":    strings.Join,
	"comment": sqlq.CommentText,
	"literal": sqlq.Literal,
	"env":     func(name string) string { return sqlq.CommentText(os.Getenv(name)) },
}

// A RevisionTemplate makes revision files from a text/template, as
// Alembic's script.py.mako makes its revision scripts.
type RevisionTemplate struct {
	name string
	t    *template.Template
}

// ParseRevisionTemplate parses a revision template's text; name is used in
// errors.
func ParseRevisionTemplate(name, text string) (*RevisionTemplate, error) {
	t, err := template.New(name).Funcs(templateFuncs).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("revision template: %w", err)
	}
	return &RevisionTemplate{name: name, t: t}, nil
}

// ReadRevisionTemplate reads and parses the revision template at path. A
// missing file is an error that matches [fs.ErrNotExist].
func ReadRevisionTemplate(path string) (*RevisionTemplate, error) {
	data, err := userfile.Read(path, maxTemplateSize)
	if err != nil {
		return nil, fmt.Errorf("revision template: %w", err)
	}
	return ParseRevisionTemplate(path, string(data))
}

// Execute returns the file text the template makes for rev and the plan's
// notes. It reads the text back as the runner will and refuses it, naming
// what is missing or different, unless it carries rev's id, parents,
// branch labels, depends_on, message and up and down statements.
func (t *RevisionTemplate) Execute(rev *Revision, notes []string) ([]byte, error) {
	var b bytes.Buffer
	if err := t.t.Execute(&b, NewTemplateData(rev, notes)); err != nil {
		return nil, fmt.Errorf("revision template: %w", err)
	}
	if err := t.check(rev, b.Bytes()); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteFile writes the file the template makes for rev and notes as
// [WriteFile] writes [Format]'s, and returns its path. A file the template
// makes that does not carry rev (see [RevisionTemplate.Execute]) is an
// error, and nothing is written.
func (t *RevisionTemplate) WriteFile(dirPath string, rev *Revision, notes []string, opts NameOptions) (string, error) {
	if !ValidID(rev.ID) {
		return "", fmt.Errorf("write revision: invalid revision id %q", rev.ID)
	}
	data, err := t.Execute(rev, notes)
	if err != nil {
		return "", fmt.Errorf("write revision %s: %w", rev.ID, err)
	}
	return writeFile(dirPath, rev, data, opts)
}

// check compares the revision read back from data with rev as the native
// writer's file reads back.
func (t *RevisionTemplate) check(rev *Revision, data []byte) error {
	want, err := Parse(rev.ID+".sql", Format(rev))
	if err != nil {
		return fmt.Errorf("revision %s cannot be written: %w", rev.ID, err)
	}
	got, err := Parse(t.name, data)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("revision template %s makes a file the runner cannot read: line %d: %s", t.name, pe.Line, pe.Msg)
		}
		return fmt.Errorf("revision template %s makes a file the runner cannot read: %w", t.name, err)
	}
	var bad []string
	for _, h := range []struct {
		key       string
		got, want []string
	}{
		{keyRevision, []string{got.ID}, []string{want.ID}},
		{keyParents, got.Parents, want.Parents},
		{keyBranchLabels, got.BranchLabels, want.BranchLabels},
		{keyDependsOn, got.DependsOn, want.DependsOn},
		{keyMessage, []string{got.Message}, []string{want.Message}},
	} {
		if slices.Equal(h.got, h.want) {
			continue
		}
		g, w := strings.Join(h.got, " "), strings.Join(h.want, " ")
		if g == "" {
			bad = append(bad, fmt.Sprintf("no %s%s %s line", directivePrefix, h.key, w))
		} else {
			bad = append(bad, fmt.Sprintf("%s%s is %q, want %q", directivePrefix, h.key, g, w))
		}
	}
	bad = append(bad, diffBody(keyUp, got.Up, want.Up)...)
	bad = append(bad, diffBody(keyDown, got.Down, want.Down)...)
	if len(bad) > 0 {
		return fmt.Errorf("revision template %s makes a file without what the runner reads: %s", t.name, strings.Join(bad, "; "))
	}
	return nil
}

// diffBody says how a section read back from a template's file differs
// from the revision's.
func diffBody(key string, got, want []Statement) []string {
	if len(got) != len(want) {
		return []string{fmt.Sprintf("the %s section has %d statements, want %d (write {{.%s}} after %s%s)",
			key, len(got), len(want), strings.ToUpper(key[:1])+key[1:], directivePrefix, key)}
	}
	for i := range got {
		g, w := got[i], want[i]
		g.Line, w.Line = 0, 0
		if g != w {
			return []string{fmt.Sprintf("%s statement %d (line %d) differs from the revision's", key, i+1, got[i].Line)}
		}
	}
	return nil
}
