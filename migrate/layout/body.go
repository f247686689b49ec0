package layout

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/migrate"
)

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

// A header is what the top of a migration file of another tool's layout
// says about the whole revision: the plan's hazards, which retort writes,
// and the kinds a reviewer acknowledged ("-- retort:allow-hazard KIND").
type header struct {
	hazards, allow []string
}

// line reads one header line l (at index i of its file): false when it is
// neither a hazard nor an acknowledgement.
func (h *header) line(name string, i int, l string) (bool, error) {
	l = strings.TrimRight(l, " \t\r")
	if hz, ok := strings.CutPrefix(l, hazardPrefix); ok {
		h.hazards = append(h.hazards, strings.TrimSpace(hz))
		return true, nil
	}
	val, ok := strings.CutPrefix(l, allowPrefix)
	if !ok {
		return false, nil
	}
	kinds, err := migrate.ParseAllowHazard(val)
	if err != nil {
		return false, &migrate.ParseError{File: name, Line: i + 1, Msg: err.Error()}
	}
	h.allow = append(h.allow, kinds...)
	return true, nil
}

// allowPrefix starts a reviewer's acknowledgement of hazard kinds.
const allowPrefix = "-- retort:allow-hazard "

// readHeader reads the header at the top of a file that has no section
// markers: groups of hazard and acknowledgement lines (and, through
// isDirective, the tool's file directives), each group ended by a blank
// line. It returns the header and the index of the first line after it.
// Lines not followed by a blank line belong to the first statement and are
// left to it.
func readHeader(name string, lines []string, isDirective func(string) bool) (header, int, error) {
	var h header
	i := 0
	for {
		for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
			i++
		}
		j := i
		var group header
		for j < len(lines) {
			ok, err := group.line(name, j, lines[j])
			if err != nil {
				return h, 0, err
			}
			if !ok && (isDirective == nil || !isDirective(strings.TrimRight(lines[j], " \t\r"))) {
				break
			}
			j++
		}
		if j == i || j < len(lines) && strings.TrimSpace(lines[j]) != "" {
			return h, i, nil
		}
		h.hazards = append(h.hazards, group.hazards...)
		h.allow = append(h.allow, group.allow...)
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
