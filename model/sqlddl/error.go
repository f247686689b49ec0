package sqlddl

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is a problem at a position in a SQL file.
type Error struct {
	File string
	// Line and Col are 1-based; Col counts characters, not bytes.
	Line, Col int
	// Msg says what is wrong, such as `syntax error at or near "FRM"`.
	Msg string
}

// Error returns "file:line:col: msg".
func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// checkText rejects what libpg_query cannot be given: a NUL byte would cut
// the C string short, and PostgreSQL accepts neither NUL nor invalid UTF-8
// in statement text. The error's position is a byte offset.
func checkText(text string) error {
	if i := strings.IndexByte(text, 0); i >= 0 {
		return &offsetError{off: i, msg: "NUL byte in SQL text"}
	}
	if !utf8.ValidString(text) {
		for i, r := range text {
			if r == utf8.RuneError {
				if _, size := utf8.DecodeRuneInString(text[i:]); size == 1 {
					return &offsetError{off: i, msg: "invalid UTF-8 in SQL text"}
				}
			}
		}
	}
	return nil
}

// offsetError is an error at a byte offset of a text, located in a file by
// the caller.
type offsetError struct {
	off int
	msg string
}

func (e *offsetError) Error() string { return e.msg }

// cursor tracks line and column while moving forward through a text, so
// that locating many offsets in order costs one pass.
type cursor struct {
	text      string
	off       int
	line, col int
}

func newCursor(text string) *cursor { return &cursor{text: text, line: 1, col: 1} }

// seek moves to byte offset off (never backwards) and returns its line and
// column. An offset inside a character counts as that character.
func (c *cursor) seek(off int) (line, col int) {
	if off < c.off {
		// Restart: only reached when a caller goes back, which Split does not.
		*c = cursor{text: c.text, line: 1, col: 1}
	}
	off = min(off, len(c.text))
	for c.off < off {
		r, size := utf8.DecodeRuneInString(c.text[c.off:])
		c.off += size
		if r == '\n' {
			c.line++
			c.col = 1
		} else {
			c.col++
		}
	}
	return c.line, c.col
}

// byteOffset converts PostgreSQL's 1-based character position in text into
// a byte offset, clamped to the text.
func byteOffset(text string, pos int) int {
	if pos <= 1 {
		return 0
	}
	n := 1
	for i := range text {
		if n == pos {
			return i
		}
		n++
	}
	return len(text)
}

// shortenNear cuts the quoted text of PostgreSQL's `at or near "…"` to its
// first line and at most 40 characters: for an unterminated string it is the
// whole rest of the file.
func shortenNear(msg string) string {
	const marker = ` at or near "`
	i := strings.Index(msg, marker)
	if i < 0 || !strings.HasSuffix(msg, `"`) {
		return msg
	}
	near := msg[i+len(marker) : len(msg)-1]
	cut := false
	if j := strings.IndexByte(near, '\n'); j >= 0 {
		near, cut = near[:j], true
	}
	if utf8.RuneCountInString(near) > 40 {
		near, cut = string([]rune(near)[:40]), true
	}
	if cut {
		near = strings.TrimRight(near, " \t\r") + "…"
	}
	return msg[:i+len(marker)] + near + `"`
}
