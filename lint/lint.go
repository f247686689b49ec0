package lint

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model/sqlddl"
	"github.com/retortdb/retort/render"
)

// Severity is how serious a finding is. It is the scale of a plan's
// hazards (render.Severity), so that what a plan warns of and what lint
// finds in a revision read alike and gate alike.
type Severity = render.Severity

// The severities, from least to most serious.
const (
	Info    = render.SeverityInfo
	Warning = render.SeverityWarning
	Danger  = render.SeverityDanger
)

// ParseSeverity reads a severity by its name.
func ParseSeverity(s string) (Severity, error) { return render.ParseSeverity(s) }

// Revision is one migration to lint: its up statements in order.
type Revision struct {
	// File names the revision's file in findings.
	File string
	// Src is the file's text, when known: the ignore directives on the
	// lines above a statement are read from it.
	Src []byte
	// RunnerSetsLockTimeout is set for revisions whose runner sets
	// lock_timeout itself (retort's own layout), so that a missing SET
	// lock_timeout is not reported.
	RunnerSetsLockTimeout bool
	Statements            []Statement
}

// Statement is one statement of a revision.
type Statement struct {
	// SQL is the statement, comments before it included.
	SQL string
	// Line and Col locate the statement's first token in the file.
	Line, Col int
	// InTransaction is set when the statement runs in a transaction with
	// the statements around it that are also so marked (a migration tool's
	// transaction); explicit BEGIN and COMMIT statements count too.
	InTransaction bool
}

// Finding is one rule's verdict on one statement.
type Finding struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Col      int      `json:"col"`
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Kind is the rule's hazard kind ([Rule].Kind).
	Kind string `json:"kind,omitempty"`
	// Tables are the tables the statement is about, as written (see
	// [Tables]), so that a caller that knows their sizes can judge the
	// finding: a rewrite of an empty table is instant.
	Tables []sqlddl.Name `json:"-"`
}

// String writes the finding as compilers do: "file:line:col: severity
// rule: message".
func (f Finding) String() string {
	// One line whatever the names in the message hold.
	return fmt.Sprintf("%s:%d:%d: %s %s: %s", sqlq.CommentText(f.File), f.Line, f.Col, f.Severity, f.Rule, sqlq.CommentText(f.Message))
}

// Check lints revs in order (older first: a table created by an earlier
// revision exists in a later one) and returns the findings in order of the
// revisions and their statements. A statement pg_query cannot parse is
// reported as the finding "parse-error" rather than failing the run.
func Check(revs []Revision) []Finding {
	st := &state{pk: map[string][]string{}}
	var out []Finding
	for _, rev := range revs {
		out = append(out, st.revision(rev)...)
	}
	return out
}

// state is what the rules learn from earlier statements.
type state struct {
	// pk maps a table (as written, lower case, without schema) to its
	// primary key's columns.
	pk map[string][]string
	// created holds the tables created earlier in the revision.
	created map[string]bool
	// lockTimeout is set once the revision has set lock_timeout.
	lockTimeout bool
	// lockReported is set once the revision's missing lock_timeout was
	// reported: once per revision is enough.
	lockReported bool
	// pending are the enum values added in the open transaction.
	pending []string
	// explicitTx is set between an explicit BEGIN and its end.
	explicitTx bool
	// notNull holds, per table, the CHECK (col IS NOT NULL) constraints
	// the revision added, by name: a valid one lets SET NOT NULL skip its
	// scan (PostgreSQL 12+).
	notNull map[string]map[string]notNullCheck
}

// notNullCheck is a CHECK (col IS NOT NULL) constraint of a revision.
type notNullCheck struct {
	col   string
	valid bool // added without NOT VALID, or validated since
}

// ctx is the statement a rule looks at, with what it needs to judge it.
type ctx struct {
	*state
	rev *Revision
	s   sqlddl.Summary
	// text is the statement's SQL.
	text string
	// inTx says whether the statement runs in a transaction block.
	inTx bool
}

// isNew reports whether the table was created earlier in the revision.
func (c *ctx) isNew(n sqlddl.Name) bool { return c.created[tableKey(n)] }

func tableKey(n sqlddl.Name) string { return strings.ToLower(n.Name) }

func (st *state) revision(rev Revision) []Finding {
	st.created, st.lockTimeout, st.lockReported = map[string]bool{}, rev.RunnerSetsLockTimeout, false
	st.pending, st.explicitTx = nil, false
	st.notNull = map[string]map[string]notNullCheck{}
	lines := strings.Split(strings.ReplaceAll(string(rev.Src), "\r\n", "\n"), "\n")
	var out []Finding
	for _, stmt := range rev.Statements {
		ignored := ignores(stmt.SQL)
		if len(rev.Src) > 0 {
			ignored = append(ignored, ignoresAbove(lines, stmt.Line)...)
		}
		line, col := stmt.Line, stmt.Col
		var tables []sqlddl.Name
		at := func(rule Rule, msg string) Finding {
			return Finding{File: rev.File, Line: line, Col: col, Rule: rule.ID, Severity: rule.Severity, Message: msg,
				Kind: rule.Kind, Tables: tables}
		}
		parsed, err := sqlddl.Split(rev.File, []byte(stmt.SQL))
		if err != nil || len(parsed) == 0 {
			if err != nil && !slices.Contains(ignored, parseRule.ID) {
				out = append(out, at(parseRule, err.Error()))
			}
			continue
		}
		for _, p := range parsed {
			// A statement's text may hold several: each is located from
			// the first, whose place the revision gives.
			line, col = stmt.Line+p.Line-parsed[0].Line, p.Col
			if p.Line == parsed[0].Line {
				col = stmt.Col + p.Col - parsed[0].Col
			}
			s, err := sqlddl.Summarize(p.Text)
			if err != nil {
				if !slices.Contains(ignored, parseRule.ID) {
					out = append(out, at(parseRule, "pg_query cannot parse the statement, so no rule checked it: "+err.Error()))
				}
				continue
			}
			tables = Tables(s)
			c := &ctx{state: st, rev: &rev, s: s, text: p.Text, inTx: stmt.InTransaction || st.explicitTx}
			for _, r := range Rules {
				if slices.Contains(ignored, r.ID) || slices.Contains(ignored, "all") {
					continue
				}
				for _, msg := range r.check(c) {
					out = append(out, at(r, msg))
				}
			}
			st.learn(c)
		}
	}
	return out
}

// learn records what the statement changes for the statements after it.
func (st *state) learn(c *ctx) {
	s := c.s
	switch s.Transaction {
	case "begin":
		st.explicitTx = true
	case "commit", "rollback":
		st.explicitTx, st.pending = false, nil
	}
	if !c.inTx && s.Transaction == "" {
		st.pending = nil
	}
	if s.EnumValue != "" && c.inTx {
		st.pending = append(st.pending, s.EnumValue)
	}
	if s.Setting == "lock_timeout" {
		st.lockTimeout = s.SettingValue != "0" && s.SettingValue != ""
	}
	if s.Kind == "CreateStmt" {
		st.created[tableKey(s.Table)] = true
		var pk []string
		for _, col := range s.Columns {
			if col.PrimaryKey {
				pk = append(pk, col.Name)
			}
		}
		for _, con := range s.Constraints {
			if con.Type == "primary-key" {
				pk = append(pk, con.Columns...)
			}
		}
		st.pk[tableKey(s.Table)] = pk
	}
	for _, a := range s.Alters {
		if a.Action == "add-constraint" && a.Constraint != nil && a.Constraint.Type == "primary-key" {
			st.pk[tableKey(s.Table)] = a.Constraint.Columns
		}
	}
	st.learnNotNull(c)
	if s.Rename != nil && s.Rename.Object == "table" {
		k := strings.ToLower(s.Rename.From)
		st.pk[strings.ToLower(s.Rename.NewName)] = st.pk[k]
		st.created[strings.ToLower(s.Rename.NewName)] = st.created[k]
	}
}

// ignoreDirective matches "-- retort:lint-ignore ID[, ID…]".
var ignoreDirective = regexp.MustCompile(`^\s*--\s*retort:lint-ignore\s+(.+?)\s*$`)

// ignores reads the ignore directives among the comment lines that start
// text.
func ignores(text string) []string {
	var ids []string
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if !strings.HasPrefix(t, "--") {
			break
		}
		ids = append(ids, directiveIDs(t)...)
	}
	return ids
}

// ignoresAbove reads the ignore directives on the comment lines right
// above the 1-based line.
func ignoresAbove(lines []string, line int) []string {
	var ids []string
	for i := line - 2; i >= 0 && i < len(lines); i-- {
		t := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(t, "--") {
			break
		}
		ids = append(ids, directiveIDs(t)...)
	}
	return ids
}

func directiveIDs(line string) []string {
	m := ignoreDirective.FindStringSubmatch(line)
	if m == nil {
		return nil
	}
	return strings.FieldsFunc(m[1], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}

// FromSQL makes a revision of a plain SQL file, split where psql would
// split it. Its statements run as psql runs them, each in its own
// transaction unless an explicit BEGIN opens one; inTx says instead that a
// tool runs the whole file in one.
func FromSQL(file string, src []byte, inTx bool) (Revision, error) {
	stmts, err := sqlddl.Split(file, src)
	if err != nil {
		return Revision{}, fmt.Errorf("lint %s: %w", file, err)
	}
	rev := Revision{File: file, Src: src}
	for _, s := range stmts {
		rev.Statements = append(rev.Statements, Statement{SQL: s.Text, Line: s.Line, Col: s.Col, InTransaction: inTx})
	}
	return rev, nil
}

// Tables returns the tables a statement is about, as written: the one it
// creates, alters, indexes or rewrites, the tables it drops or truncates;
// none when it names none (REINDEX DATABASE, a DO block).
func Tables(s sqlddl.Summary) []sqlddl.Name {
	switch {
	case s.Drop != nil:
		if s.Drop.Object == "table" {
			return slices.Clone(s.Drop.Names)
		}
		return nil
	case len(s.Truncated) > 0:
		return slices.Clone(s.Truncated)
	case s.Table.Name != "":
		return []sqlddl.Name{s.Table}
	}
	return nil
}
