package migrate

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/retortdb/retort/internal/sqlq"
)

// A Revision is one migration file: its header and its up and down bodies.
type Revision struct {
	ID           string    // revision id, e.g. "3f2a9c1b7d4e"
	Parents      []string  // ids of the revisions it follows; several for a merge, none for a base
	BranchLabels []string  // optional names for the branch that starts here
	DependsOn    []string  // revisions (ids or branch labels) that must be applied first
	Message      string    // the -m message
	Created      time.Time // creation time
	Hazards      []string  // the plan's hazards, e.g. "data-loss: drops column users.age"
	// AllowHazards are the hazard kinds a reviewer acknowledged
	// ("-- retort:allow-hazard data-loss,index-build"), which the upgrade
	// gate (package migrate/gate) lets run. Parse checks only that each is
	// a word of lower-case letters and hyphens; the gate knows the kinds.
	AllowHazards []string

	Up   []Statement // statements run by upgrade, in order
	Down []Statement // statements run by downgrade, in order

	// NoDown marks a revision that has no down at all, as opposed to an
	// empty one: a file of another tool's layout that keeps none (Atlas, a
	// Flyway migration without its undo script). Downgrading over it is an
	// error, never a silent step that undoes nothing. Format ignores it:
	// retort's own files always have a down section.
	NoDown bool

	// Filename is the file's name within the directory and Checksum the
	// hex SHA-256 of its bytes. Parse sets both; Format ignores them.
	Filename string
	Checksum string
}

// A Statement is one SQL statement of a body, with the directives that
// precede it in the file.
type Statement struct {
	SQL string // the statement without its terminating semicolon; comments kept

	// NoTransaction runs the statement outside a transaction; it is set by
	// a "-- retort:no-transaction" directive or detected (see
	// [Statement.Transactional]).
	NoTransaction bool
	// StatementTimeout and LockTimeout, when not zero, override the
	// runner's options for this statement ("-- retort:statement_timeout 5s");
	// a negative value ("-- retort:lock_timeout 0") turns the timeout off
	// for it.
	StatementTimeout time.Duration
	LockTimeout      time.Duration
	// Backfill marks a data step a reviewer completes by hand
	// ("-- retort:backfill"); the upgrade gate refuses it while its text
	// still holds a "-- TODO" comment.
	Backfill bool

	Line int // the line in its file where the statement's first token is; set by Parse
}

// Transactional reports whether the statement can run inside a transaction
// block: false when it is marked no-transaction, or when it is a statement
// PostgreSQL refuses to run in one (CREATE/DROP INDEX CONCURRENTLY, REINDEX
// CONCURRENTLY, VACUUM, CREATE/DROP DATABASE, CREATE/DROP TABLESPACE, ALTER
// SYSTEM), or ALTER TYPE … ADD VALUE, whose new value cannot be used in the
// transaction that adds it.
func (s Statement) Transactional() bool {
	if s.NoTransaction {
		return false
	}
	return !nonTxPattern.MatchString(stripLeadingComments(s.SQL))
}

var nonTxPattern = regexp.MustCompile(`(?is)^(` +
	`create\s+(unique\s+)?index\s+concurrently\b|` +
	`drop\s+index\s+concurrently\b|` +
	`reindex\b.*\bconcurrently\b|` +
	`alter\s+type\s+.*\badd\s+value\b|` +
	`vacuum\b|` +
	`(create|drop)\s+(database|tablespace)\b|` +
	`alter\s+system\b)`)

// Transactional reports whether every up or down statement can run in one
// transaction with the version-table update.
func Transactional(stmts []Statement) bool {
	for _, s := range stmts {
		if !s.Transactional() {
			return false
		}
	}
	return true
}

// Header and directive keys, as written after "-- retort:".
const (
	keyRevision     = "revision"
	keyParents      = "parents"
	keyBranchLabels = "branch_labels"
	keyDependsOn    = "depends_on"
	keyMessage      = "message"
	keyCreated      = "created"
	keyHazard       = "hazard"
	keyAllowHazard  = "allow-hazard"
	keyUp           = "up"
	keyDown         = "down"

	dirNoTransaction    = "no-transaction"
	dirStatementTimeout = "statement_timeout"
	dirLockTimeout      = "lock_timeout"
	dirBackfill         = "backfill"
	// dirLintIgnore silences rules of retort lint for the statement; the
	// runner ignores it.
	dirLintIgnore = "lint-ignore"
)

const directivePrefix = "-- retort:"

// A ParseError reports a malformed migration file, at a line.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Checksum returns the hex SHA-256 of a migration file's bytes, as stored
// in the history table.
func Checksum(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Parse reads a migration file. name is used in errors and kept as the
// revision's Filename. Errors are [*ParseError]s carrying file:line.
func Parse(name string, data []byte) (*Revision, error) {
	r := &Revision{Filename: name, Checksum: Checksum(data)}
	perr := func(line int, format string, args ...any) error {
		return &ParseError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	lines := strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\n")
	section := "" // "", "up" or "down"
	var upStart, downStart int
	var upLines, downLines []string
	seen := map[string]int{}
	for i, l := range lines {
		ln := i + 1
		trimmed := strings.TrimRight(l, " \t\r")
		if key, _, ok := directive(trimmed); ok && (key == keyUp || key == keyDown) && strings.TrimSpace(strings.TrimPrefix(trimmed, directivePrefix)) == key &&
			!endsInsideToken(upLines, downLines, section) {
			if prev, dup := seen[key]; dup {
				return nil, perr(ln, "second -- retort:%s section (first at line %d)", key, prev)
			}
			if key == keyUp && seen[keyDown] != 0 {
				return nil, perr(ln, "-- retort:up must come before -- retort:down")
			}
			seen[key] = ln
			section = key
			if key == keyUp {
				upStart = ln + 1
			} else {
				downStart = ln + 1
			}
			continue
		}
		switch section {
		case keyUp:
			upLines = append(upLines, l)
			continue
		case keyDown:
			downLines = append(downLines, l)
			continue
		}
		// Header.
		if strings.TrimSpace(l) == "" {
			continue
		}
		key, val, ok := directive(trimmed)
		if !ok {
			if strings.HasPrefix(strings.TrimSpace(l), "--") {
				continue // a plain comment in the header
			}
			return nil, perr(ln, "statement before -- retort:up")
		}
		if err := r.setHeader(key, val); err != nil {
			return nil, perr(ln, "%v", err)
		}
		if key != keyHazard && key != keyAllowHazard {
			if prev, dup := seen[key]; dup {
				return nil, perr(ln, "second -- retort:%s (first at line %d)", key, prev)
			}
		}
		seen[key] = ln
	}
	if r.ID == "" {
		return nil, perr(1, "no -- retort:revision line")
	}
	if seen[keyUp] == 0 {
		return nil, perr(len(lines), "no -- retort:up section")
	}
	// The up body is read first: an unterminated string in it takes the
	// -- retort:down line after it for text, and its error says why.
	var err error
	if r.Up, err = parseBody(strings.Join(upLines, "\n"), upStart, perr); err != nil {
		return nil, err
	}
	if seen[keyDown] == 0 {
		return nil, perr(len(lines), "no -- retort:down section")
	}
	if r.Down, err = parseBody(strings.Join(downLines, "\n"), downStart, perr); err != nil {
		return nil, err
	}
	return r, nil
}

// endsInsideToken reports whether the current section's text so far ends
// inside a quoted string or identifier, a dollar-quoted body, a block
// comment or a BEGIN ATOMIC body. A line there that reads "-- retort:down"
// is part of that text (a comment or a name may hold one), not a section
// marker. Only lines that look like a marker ask it, so that an ordinary
// file is still read in one pass.
func endsInsideToken(upLines, downLines []string, section string) bool {
	lines := upLines
	if section == keyDown {
		lines = downLines
	}
	if section == "" || len(lines) == 0 {
		return false
	}
	_, err := splitStatements(strings.Join(lines, "\n"))
	return err != nil
}

// directive splits a "-- retort:key value" line.
func directive(line string) (key, val string, ok bool) {
	rest, ok := strings.CutPrefix(strings.TrimLeft(line, " \t"), directivePrefix)
	if !ok {
		return "", "", false
	}
	key, val, _ = strings.Cut(rest, " ")
	return strings.TrimSpace(key), strings.TrimSpace(val), true
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_]{1,32}$`)

// ParseAllowHazard reads the value of a "-- retort:allow-hazard" line:
// hazard kinds separated by commas. Which kinds exist is the gate's to say
// (package migrate/gate); here a kind only has to look like one.
func ParseAllowHazard(val string) ([]string, error) {
	var kinds []string
	for _, k := range strings.Split(val, ",") {
		k = strings.TrimSpace(k)
		if !hazardKindPattern.MatchString(k) {
			return nil, fmt.Errorf("allow-hazard %q: want hazard kinds such as data-loss, separated by commas", val)
		}
		kinds = append(kinds, k)
	}
	return kinds, nil
}

// hazardKindPattern is the form of a hazard kind, e.g. "data-loss".
var hazardKindPattern = regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)

// ValidID reports whether id can name a revision: 1 to 32 letters, digits
// or underscores (the version table column is varchar(32)).
func ValidID(id string) bool {
	return idPattern.MatchString(id) && id != "base" && id != "head" && id != "heads"
}

func (r *Revision) setHeader(key, val string) error {
	switch key {
	case keyRevision:
		if !ValidID(val) {
			return fmt.Errorf("revision id %q: want 1 to 32 letters, digits or underscores", val)
		}
		r.ID = val
	case keyParents:
		r.Parents = strings.Fields(val)
		for _, p := range r.Parents {
			if !ValidID(p) {
				return fmt.Errorf("parent id %q: want 1 to 32 letters, digits or underscores", p)
			}
		}
	case keyBranchLabels:
		r.BranchLabels = strings.Fields(val)
	case keyDependsOn:
		r.DependsOn = strings.Fields(val)
	case keyMessage:
		r.Message = val
	case keyCreated:
		t, err := time.Parse(time.RFC3339, val)
		if err != nil {
			return fmt.Errorf("created: %v", err)
		}
		r.Created = t
	case keyHazard:
		if val == "" {
			return fmt.Errorf("empty hazard")
		}
		r.Hazards = append(r.Hazards, val)
	case keyAllowHazard:
		kinds, err := ParseAllowHazard(val)
		if err != nil {
			return err
		}
		r.AllowHazards = append(r.AllowHazards, kinds...)
	default:
		return fmt.Errorf("unknown header key %q", key)
	}
	return nil
}

// parseBody splits a body and attaches directives to the statements they
// precede. first is the file line of the body's first line.
func parseBody(body string, first int, perr func(int, string, ...any) error) ([]Statement, error) {
	raws, err := splitStatements(body)
	if err != nil {
		if se, ok := err.(*splitError); ok {
			return nil, perr(first+se.Line-1, "%s", se.Msg)
		}
		return nil, perr(first, "%v", err)
	}
	var out []Statement
	for _, raw := range raws {
		start := first + raw.Line - 1
		st := Statement{Line: start}
		var kept []string
		lines := strings.Split(raw.Text, "\n")
		inLead := true
		for k, l := range lines {
			t := strings.TrimSpace(l)
			if inLead && !strings.HasPrefix(t, "--") && t != "" {
				inLead = false
				st.Line = start + k
			}
			if inLead {
				if key, val, ok := directive(t); ok {
					if err := st.setDirective(key, val); err != nil {
						return nil, perr(start+k, "%v", err)
					}
					continue
				}
			}
			kept = append(kept, l)
		}
		st.SQL = strings.TrimSpace(strings.Join(kept, "\n"))
		if onlyComments(st.SQL) {
			if st.NoTransaction || st.StatementTimeout != 0 || st.LockTimeout != 0 || st.Backfill {
				return nil, perr(start, "directive before no statement")
			}
			continue
		}
		out = append(out, st)
	}
	return out, nil
}

func (s *Statement) setDirective(key, val string) error {
	switch key {
	case dirNoTransaction:
		if val != "" {
			return fmt.Errorf("-- retort:%s takes no value", key)
		}
		s.NoTransaction = true
	case dirBackfill:
		if val != "" {
			return fmt.Errorf("-- retort:%s takes no value", key)
		}
		s.Backfill = true
	case dirStatementTimeout, dirLockTimeout:
		d, err := time.ParseDuration(val)
		if err != nil || d < 0 {
			return fmt.Errorf("-- retort:%s %q: want a duration such as 5s, or 0 for none", key, val)
		}
		if d == 0 {
			d = -1 // off, as distinct from unset
		}
		if key == dirStatementTimeout {
			s.StatementTimeout = d
		} else {
			s.LockTimeout = d
		}
	case dirLintIgnore:
		if val == "" {
			return fmt.Errorf("-- retort:%s needs the ids of the rules it silences", key)
		}
	case keyAllowHazard:
		return fmt.Errorf("-- retort:%s acknowledges a whole revision: write it in the file's header, before the first statement and followed by a blank line", key)
	default:
		return fmt.Errorf("unknown directive -- retort:%s (want %s, %s, %s, %s or %s)", key, dirNoTransaction, dirStatementTimeout, dirLockTimeout, dirBackfill, dirLintIgnore)
	}
	return nil
}

// Format returns the file text of r: the header, then the up and the down
// bodies, each statement preceded by its directives and ended by a
// semicolon. Parse(name, Format(r)) gives r back (Line, Filename and
// Checksum aside).
func Format(r *Revision) []byte {
	var b bytes.Buffer
	w := func(key, val string) {
		b.WriteString(directivePrefix + key)
		if val != "" {
			b.WriteString(" " + val)
		}
		b.WriteByte('\n')
	}
	// Every header value is folded onto its line: a line end in a message,
	// a label or a hazard's names would end the comment, and what follows
	// would be read as the header's next line or as SQL.
	w(keyRevision, sqlq.CommentText(r.ID))
	if len(r.Parents) > 0 {
		w(keyParents, sqlq.CommentText(strings.Join(r.Parents, " ")))
	}
	if len(r.BranchLabels) > 0 {
		w(keyBranchLabels, sqlq.CommentText(strings.Join(r.BranchLabels, " ")))
	}
	if len(r.DependsOn) > 0 {
		w(keyDependsOn, sqlq.CommentText(strings.Join(r.DependsOn, " ")))
	}
	w(keyMessage, sqlq.CommentText(r.Message))
	if !r.Created.IsZero() {
		w(keyCreated, r.Created.Format(time.RFC3339))
	}
	for _, h := range r.Hazards {
		w(keyHazard, sqlq.CommentText(h))
	}
	if len(r.AllowHazards) > 0 {
		w(keyAllowHazard, sqlq.CommentText(strings.Join(r.AllowHazards, ",")))
	}
	b.WriteByte('\n')
	w(keyUp, "")
	b.WriteString(formatBody(r.Up))
	b.WriteByte('\n')
	w(keyDown, "")
	b.WriteString(formatBody(r.Down))
	return b.Bytes()
}

// formatBody returns a section's statements as Format writes them after
// the section's marker line: each after an empty line, preceded by its
// directives and ended by a semicolon; "" for none.
func formatBody(stmts []Statement) string {
	var b strings.Builder
	for _, s := range stmts {
		b.WriteByte('\n')
		if s.Backfill {
			b.WriteString(directivePrefix + dirBackfill + "\n")
		}
		if s.NoTransaction {
			b.WriteString(directivePrefix + dirNoTransaction + "\n")
		}
		if s.StatementTimeout != 0 {
			b.WriteString(directivePrefix + dirStatementTimeout + " " + directiveDuration(s.StatementTimeout) + "\n")
		}
		if s.LockTimeout != 0 {
			b.WriteString(directivePrefix + dirLockTimeout + " " + directiveDuration(s.LockTimeout) + "\n")
		}
		sql := strings.TrimRight(strings.TrimSpace(s.SQL), "; \t\r\n")
		b.WriteString(sql)
		if endsInLineComment(sql) {
			b.WriteByte('\n')
		}
		b.WriteString(";\n")
	}
	return b.String()
}

// endsInLineComment reports whether the last line of sql is a -- comment,
// which would swallow a semicolon written after it.
func endsInLineComment(sql string) bool {
	sql = strings.TrimSpace(sql)
	return lineCommentOpen(sql[strings.LastIndexByte(sql, '\n')+1:])
}

// lineCommentOpen reports whether a -- comment outside quotes runs to the
// end of line.
func lineCommentOpen(line string) bool {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\'', '"':
			j, ok := scanQuoted(line, i, line[i], false)
			if !ok {
				return false
			}
			i = j - 1
		case '-':
			if i+1 < len(line) && line[i+1] == '-' {
				return true
			}
		}
	}
	return false
}

// directiveDuration writes a statement's timeout as its directive reads it:
// a negative one (off) as 0.
func directiveDuration(d time.Duration) string {
	if d < 0 {
		return "0"
	}
	return d.String()
}
