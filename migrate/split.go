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
// bodies (BEGIN ATOMIC … END, with CASE … END nested inside); like psql, it
// does not split inside parentheses, so a rule's (a; b) actions stay whole. Text made only
// of comments and blank space after the last statement is returned as a
// statement too, so that a caller can report directives that precede
// nothing; callers tell it apart with onlyComments.
//
// This is the one function that knows how statements are split; it can be
// replaced by a real SQL scanner without touching its callers.
func splitStatements(body string) ([]rawStatement, error) {
	var (
		out       []rawStatement
		start     = 0 // byte offset of the current statement
		line      = 1
		startLine = 1
		atomic    = 0 // BEGIN ATOMIC / CASE nesting depth
		parens    = 0 // parenthesis depth, as psql keeps it (rules with several actions)
		prevWord  string
		i         = 0
		n         = len(body)
		errAt     = func(l int, format string, args ...any) error {
			return &splitError{Line: l, Msg: fmt.Sprintf(format, args...)}
		}
		countLines = func(s string) { line += strings.Count(s, "\n") }
	)
	flush := func(end int) {
		text := body[start:end]
		trimmed := strings.TrimSpace(text)
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
			j := strings.IndexByte(body[i:], '\n')
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
			w := strings.ToUpper(body[i:j])
			switch {
			case w == "ATOMIC" && prevWord == "BEGIN":
				atomic++
			case w == "CASE" && atomic > 0:
				atomic++
			case w == "END" && atomic > 0:
				atomic--
			}
			prevWord = w
			i = j
		case c == '(':
			parens++
			prevWord = ""
			i++
		case c == ')':
			if parens > 0 {
				parens--
			}
			prevWord = ""
			i++
		case c == ';' && atomic == 0 && parens == 0:
			flush(i)
			i++
			start, startLine, prevWord = i, line, ""
		default:
			if c != ' ' && c != '\t' && c != '\r' {
				prevWord = ""
			}
			i++
		}
	}
	if atomic > 0 {
		return nil, errAt(line, "BEGIN ATOMIC without END")
	}
	flush(n)
	return out, nil
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

// onlyComments reports whether s holds nothing but comments and blank space.
func onlyComments(s string) bool {
	return strings.TrimSpace(stripLeadingComments(s)) == ""
}

// stripLeadingComments removes the comments and blank space before the first
// token of s.
func stripLeadingComments(s string) string {
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		switch {
		case strings.HasPrefix(s, "--"):
			j := strings.IndexByte(s, '\n')
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
