package migrate

import (
	"fmt"
	"strings"
)

// rawStatement is one statement of a body as the splitter found it: its text
// (leading comments included, the terminating semicolon and surrounding
// blank space removed) and the body line its first character is on.
type rawStatement struct {
	Text string
	Line int // 1-based, within the body
}

// splitStatements splits body into statements at top-level semicolons. It
// knows PostgreSQL's lexical rules well enough for migration bodies: string
// constants (quotes doubled, and backslash escapes in E strings), quoted
// identifiers, dollar-quoted strings (so DO blocks and function bodies stay
// whole), line comments, nested block comments and SQL-standard function
// bodies (BEGIN ATOMIC … END, by psql's heuristic: see [wordState]); like
// psql, it does not split inside parentheses, so a rule's (a; b) actions
// stay whole. Text made only of comments and blank space after the last
// statement is returned as a statement too, so that a caller can report
// directives that precede nothing; callers tell it apart with onlyComments.
//
// This is the one function that knows how statements are split. It is not
// model/sqlddl.Split, which scans with pg_query_go, so that migrate (used by
// applications to upgrade at start-up) links no cgo; a differential fuzz test
// (FuzzSplitMatchesSqlddl) holds the two equal. It is one scanner loop over
// one state (over 100 lines): split into functions, its state would have to
// travel between them on every character.
func splitStatements(body string) ([]rawStatement, error) {
	var (
		out       []rawStatement
		start     = 0 // byte offset of the current statement
		line      = 1
		startLine = 1
		words     wordState
		parens    = 0 // parenthesis depth, as psql keeps it (rules with several actions)
		i         = 0
		n         = len(body)
		errAt     = func(l int, format string, args ...any) error {
			return &splitError{Line: l, Msg: fmt.Sprintf(format, args...)}
		}
		countLines = func(s string) { line += strings.Count(s, "\n") }
	)
	flush := func(end int) {
		text := body[start:end]
		trimmed := strings.Trim(text, scannerSpace)
		if trimmed != "" {
			lead := text[:strings.Index(text, trimmed[:1])]
			out = append(out, rawStatement{Text: trimmed, Line: startLine + strings.Count(lead, "\n")})
		}
	}
	for i < n {
		c := body[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == '-' && i+1 < n && body[i+1] == '-':
			// As in PostgreSQL's scanner, a carriage return ends a line
			// comment too.
			j := strings.IndexAny(body[i:], "\n\r")
			if j < 0 {
				i = n
			} else {
				i += j
			}
		case c == '/' && i+1 < n && body[i+1] == '*':
			l0, depth := line, 1
			j := i + 2
			for j < n && depth > 0 {
				switch {
				case body[j] == '/' && j+1 < n && body[j+1] == '*':
					depth++
					j += 2
				case body[j] == '*' && j+1 < n && body[j+1] == '/':
					depth--
					j += 2
				default:
					j++
				}
			}
			if depth > 0 {
				return nil, errAt(l0, "unterminated /* comment")
			}
			countLines(body[i:j])
			i = j
		case c == '\'':
			escapes := i > 0 && (body[i-1] == 'E' || body[i-1] == 'e') && (i < 2 || !isWordByte(body[i-2]))
			j, ok := scanQuoted(body, i, '\'', escapes)
			if !ok {
				return nil, errAt(line, "unterminated quoted string")
			}
			countLines(body[i:j])
			i = j
		case c == '"':
			j, ok := scanQuoted(body, i, '"', false)
			if !ok {
				return nil, errAt(line, "unterminated quoted identifier")
			}
			countLines(body[i:j])
			i = j
		case c == '$' && (i == 0 || !isWordByte(body[i-1])):
			tag, ok := dollarTag(body[i:])
			if !ok {
				i++
				continue
			}
			end := strings.Index(body[i+len(tag):], tag)
			if end < 0 {
				return nil, errAt(line, "unterminated dollar-quoted string %s", tag)
			}
			j := i + len(tag) + end + len(tag)
			countLines(body[i:j])
			i = j
		case isWordStart(c):
			j := i + 1
			for j < n && isWordByte(body[j]) {
				j++
			}
			words.word(body[i:j], parens)
			i = j
		case c == '(':
			parens++
			i++
		case c == ')':
			if parens > 0 {
				parens--
			}
			i++
		case c == ';' && words.begin == 0 && parens == 0:
			flush(i)
			i++
			start, startLine, words = i, line, wordState{}
		default:
			i++
		}
	}
	if words.begin > 0 {
		return nil, errAt(line, "BEGIN ATOMIC without END")
	}
	flush(n)
	return out, nil
}

// wordState applies psql's heuristic for SQL-standard function bodies
// (psqlscan.l), as model/sqlddl.Split does: in a statement that starts
// CREATE [OR REPLACE] FUNCTION or PROCEDURE, outside parentheses, the word
// BEGIN opens a block, CASE inside a block opens one too, and END closes
// one; semicolons inside a block do not end the statement. Quoted
// identifiers are not words.
type wordState struct {
	words int     // words in the statement so far
	first [4]byte // initials of CREATE, OR, REPLACE, FUNCTION, PROCEDURE among its first four words
	begin int     // open blocks
}

func (ws *wordState) word(w string, parens int) {
	switch {
	case asciiEqualFold(w, "create"), asciiEqualFold(w, "function"), asciiEqualFold(w, "procedure"),
		asciiEqualFold(w, "or"), asciiEqualFold(w, "replace"):
		if ws.words < len(ws.first) {
			ws.first[ws.words] = w[0] | 0x20
		}
	}
	ws.words++
	f := ws.first
	if f[0] != 'c' || parens != 0 ||
		!(f[1] == 'f' || f[1] == 'p' || f[1] == 'o' && f[2] == 'r' && (f[3] == 'f' || f[3] == 'p')) {
		return
	}
	switch {
	case asciiEqualFold(w, "begin"):
		ws.begin++
	case asciiEqualFold(w, "case"):
		if ws.begin >= 1 {
			ws.begin++
		}
	case asciiEqualFold(w, "end"):
		if ws.begin > 0 {
			ws.begin--
		}
	}
}

// asciiEqualFold compares as psql's pg_strcasecmp does: ASCII letters only.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// A splitError is a lexical error at a line of the body.
type splitError struct {
	Line int // 1-based, within the body
	Msg  string
}

func (e *splitError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// scanQuoted returns the offset just past the quoted token starting at
// s[i] == q, where a doubled q stands for itself.
func scanQuoted(s string, i int, q byte, backslash bool) (int, bool) {
	for j := i + 1; j < len(s); j++ {
		switch {
		case backslash && s[j] == '\\':
			j++
		case s[j] == q:
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j + 1, true
		}
	}
	return 0, false
}

// dollarTag returns the opening dollar quote ($$ or $tag$) at the start of
// s, if there is one; $1 is a parameter, not a quote.
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		c := s[j]
		if c == '$' {
			return s[:j+1], true
		}
		if !(isWordStart(c) || (j > 1 && c >= '0' && c <= '9')) {
			return "", false
		}
	}
	return "", false
}

func isWordStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isWordByte(c byte) bool {
	return isWordStart(c) || (c >= '0' && c <= '9') || c == '$'
}

// scannerSpace is what PostgreSQL's scanner takes for blank space. Other
// characters that Unicode calls space (a vertical tab, a no-break space) are
// part of a token, as they are to model/sqlddl.Split.
const scannerSpace = " \t\n\r\f"

// onlyComments reports whether s holds nothing but comments and blank space.
func onlyComments(s string) bool {
	return strings.Trim(stripLeadingComments(s), scannerSpace) == ""
}

// stripLeadingComments removes the comments and blank space before the first
// token of s.
func stripLeadingComments(s string) string {
	for {
		s = strings.TrimLeft(s, scannerSpace)
		switch {
		case strings.HasPrefix(s, "--"):
			j := strings.IndexAny(s, "\n\r")
			if j < 0 {
				return ""
			}
			s = s[j+1:]
		case strings.HasPrefix(s, "/*"):
			depth, j := 1, 2
			for j < len(s) && depth > 0 {
				switch {
				case strings.HasPrefix(s[j:], "/*"):
					depth++
					j += 2
				case strings.HasPrefix(s[j:], "*/"):
					depth--
					j += 2
				default:
					j++
				}
			}
			s = s[j:]
		default:
			return s
		}
	}
}
