package hcl

import (
	"bytes"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/retortdb/retort/model/internal/codec"
)

// checkNesting counts how deep src nests before hclsyntax parses it: the
// parser recurses once per level and keeps every level's tree, so 80 KB of
// [ would overflow the stack. It follows HCL's own scanner (scan_tokens.rl)
// in telling code from strings, heredocs and comments, and counts what the
// parser recurses on: brackets, braces and parentheses, strings and
// heredocs with their ${…} and %{…} sequences, template if and for
// directives, and runs of unary operators and conditionals. Where it cannot
// be sure it counts a level more, never one less: a schema nests a few
// levels, far below [codec.MaxNesting].
func checkNesting(file string, src []byte) error {
	if at, over := scanNesting(src, codec.MaxNesting); over {
		return codec.NestingError(position(file, src, at))
	}
	return nil
}

// scanNesting reports whether src nests deeper than limit, and the byte
// offset of the opener that passes it.
func scanNesting(src []byte, limit int) (at int, over bool) {
	s := &nestScan{src: src, limit: limit, frames: []frame{{}}, modes: []mode{{kind: modeCode}}}
	if bytes.HasPrefix(src, []byte("\uFEFF")) {
		s.i = 3 // HCL's scanner skips a byte-order mark
	}
	for s.i < len(src) {
		at, over = s.i, false
		switch m := &s.modes[len(s.modes)-1]; m.kind {
		case modeCode:
			over = s.code()
		case modeString:
			over = s.template(m, '"')
		default:
			over = s.template(m, 0)
		}
		if over {
			return at, true
		}
	}
	return 0, false
}

// The scanner's modes, as in HCL's: code, a quoted string, a heredoc.
const (
	modeCode = iota
	modeString
	modeHeredoc
)

type mode struct {
	kind   int
	marker []byte // a heredoc's closing marker
	sol    bool   // a heredoc is at the start of a line
	line   int    // where the heredoc's current line starts
}

// frame is one open level: what opened it ('[', '(', '{', '"' for a
// string, 'h' for a heredoc, '$' for a ${ or %{ sequence, 'c' for a template
// if or for), and the unary operators and conditionals counted in it since
// its last separator.
type frame struct {
	open  byte
	extra int
}

type nestScan struct {
	src       []byte
	limit     int
	i         int
	modes     []mode
	braces    int   // HCL's scanner's brace count
	retBraces []int // brace counts at which a } ends a template sequence
	frames    []frame
	depth     int  // levels open: frames but the root, plus their extras
	prev      byte // the last byte of code that is not blank
	noComment bool // no */ follows: a /* is not a comment
}

func (s *nestScan) push(open byte) bool {
	s.frames = append(s.frames, frame{open: open})
	s.depth++
	return s.depth > s.limit
}

// pop closes the innermost level if open opened it. A closer that does not
// match leaves the level open: it is a syntax error the parser reports, and
// counting on is the safe side.
func (s *nestScan) pop(open byte) {
	if n := len(s.frames); n > 1 && s.frames[n-1].open == open {
		s.depth -= 1 + s.frames[n-1].extra
		s.frames = s.frames[:n-1]
	}
}

func (s *nestScan) extra() bool {
	s.frames[len(s.frames)-1].extra++
	s.depth++
	return s.depth > s.limit
}

// separate ends the unary operators and conditionals of the current level.
func (s *nestScan) separate() {
	f := &s.frames[len(s.frames)-1]
	s.depth -= f.extra
	f.extra = 0
}

// code scans one step of code.
func (s *nestScan) code() bool {
	src, c := s.src, s.src[s.i]
	at := func(k int, b byte) bool { return s.i+k < len(src) && src[s.i+k] == b }
	prev := s.prev
	if c != ' ' && c != '\t' && c != '\r' {
		s.prev = c
	}
	switch c {
	case '\n':
		// A newline ends an attribute in a body and an item of an object,
		// not an expression inside brackets or parentheses.
		if o := s.frames[len(s.frames)-1].open; o == 0 || o == '{' || o == '$' {
			s.separate()
		}
	case ',':
		s.separate()
	case '#':
		s.toEOL()
		return false
	case '/':
		switch {
		case at(1, '/'):
			s.toEOL()
			return false
		case at(1, '*') && !s.noComment:
			if k := bytes.Index(src[s.i+2:], []byte("*/")); k >= 0 {
				s.i += 2 + k + 2
				return false
			}
			s.noComment = true
		}
	case '"':
		s.i++
		s.modes = append(s.modes, mode{kind: modeString})
		return s.push('"')
	case '<':
		if marker, next, ok := heredocStart(src, s.i); ok {
			s.i = next
			s.modes = append(s.modes, mode{kind: modeHeredoc, marker: marker, sol: true, line: next})
			return s.push('h')
		}
	case '[', '(':
		s.i++
		return s.push(c)
	case ']':
		s.pop('[')
	case ')':
		s.pop('(')
	case '{':
		s.i++
		s.braces++
		return s.push('{')
	case '~':
		if at(1, '}') {
			s.i += 2
			s.closeBrace(true)
			return false
		}
	case '}':
		s.i++
		s.closeBrace(false)
		return false
	case '?':
		s.i++
		return s.extra()
	case '!', '-':
		// Unary where no operand precedes: after an operator, an opener,
		// a separator. A binary operator's chain is a loop, not nesting.
		if c == '!' && at(1, '=') || isOperandEnd(prev) {
			break
		}
		s.i++
		return s.extra()
	}
	s.i++
	return false
}

// isOperandEnd reports whether b can end an operand, so that a - after it
// is binary: a letter, digit or _ of a name or number, or a closer.
func isOperandEnd(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' ||
		b >= utf8.RuneSelf || b == ')' || b == ']' || b == '}' || b == '"'
}

// closeBrace is HCL's scanner's }: the end of a ${…} or %{…} sequence when
// the brace count is where the sequence began, else a brace (for ~}, which
// always ends a sequence, the count still goes down).
func (s *nestScan) closeBrace(tilde bool) {
	if n := len(s.retBraces); n > 0 && s.retBraces[n-1] == s.braces {
		s.braces--
		s.retBraces = s.retBraces[:n-1]
		s.modes = s.modes[:len(s.modes)-1]
		s.pop('$')
		return
	}
	s.braces--
	if !tilde {
		s.pop('{')
	}
}

// toEOL skips a line comment up to its newline, which code then sees.
func (s *nestScan) toEOL() {
	if k := bytes.IndexByte(s.src[s.i:], '\n'); k >= 0 {
		s.i += k
	} else {
		s.i = len(s.src)
	}
}

// heredocStart reports whether a heredoc introducer (<<ID or <<-ID, then a
// newline) starts at i, with its marker and where its first line starts.
func heredocStart(src []byte, i int) (marker []byte, next int, ok bool) {
	j := i + 2
	if j > len(src) || src[i+1] != '<' {
		return nil, 0, false
	}
	if j < len(src) && src[j] == '-' {
		j++
	}
	// Only name characters can make the marker: stop at the first other
	// byte, so that a line of < is not read again from every <.
	k := j
	for k < len(src) && (src[k] >= utf8.RuneSelf || src[k] == '_' || src[k] == '-' ||
		src[k] >= 'a' && src[k] <= 'z' || src[k] >= 'A' && src[k] <= 'Z' || src[k] >= '0' && src[k] <= '9') {
		k++
	}
	end := k
	if k < len(src) && src[k] == '\r' {
		k++
	}
	if k >= len(src) || src[k] != '\n' || end == j || !hclsyntax.ValidIdentifier(string(src[j:end])) {
		return nil, 0, false
	}
	return src[j:end], k + 1, true
}

// template scans one step of a quoted string (quote '"') or a heredoc
// (quote 0).
func (s *nestScan) template(m *mode, quote byte) bool {
	src, c := s.src, s.src[s.i]
	at := func(k int, b byte) bool { return s.i+k < len(src) && src[s.i+k] == b }
	switch {
	case quote != 0 && c == '\\':
		// An escape takes the next character, but not a newline.
		s.i++
		if s.i < len(src) && src[s.i] != '\n' && src[s.i] != '\r' {
			_, size := utf8.DecodeRune(src[s.i:])
			s.i += size
		}
		return false
	case quote != 0 && c == quote:
		s.i++
		s.modes = s.modes[:len(s.modes)-1]
		s.pop('"')
		s.prev = '"'
		return false
	case quote == 0 && c == '\n':
		if m.sol && bytes.Equal(bytes.TrimSpace(src[m.line:s.i+1]), m.marker) {
			// The newline after the marker is code's.
			s.modes = s.modes[:len(s.modes)-1]
			s.pop('h')
			s.prev = '"'
			return false
		}
		s.i++
		m.sol, m.line = true, s.i
		return false
	case (c == '$' || c == '%') && at(1, '{'):
		s.i += 2
		m.sol = false
		s.braces++
		s.retBraces = append(s.retBraces, s.braces)
		s.modes = append(s.modes, mode{kind: modeCode})
		s.prev = '{'
		if c == '%' {
			if over := s.directive(); over {
				return true
			}
		}
		return s.push('$')
	case (c == '$' || c == '%') && at(1, c) && at(2, '{'):
		s.i += 3 // $${ and %%{ are a literal ${ and %{
		m.sol = false
		return false
	case c == '$' || c == '%':
		m.sol = false
	}
	s.i++
	return false
}

// directive counts a template directive, the %{ of which was just read: if
// and for open a level that endif and endfor close; else does neither.
func (s *nestScan) directive() bool {
	rest := s.src[s.i:]
	rest = bytes.TrimLeft(rest[:min(len(rest), 64)], "~ \t")
	word := rest
	if k := bytes.IndexFunc(rest, func(r rune) bool { return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') }); k >= 0 {
		word = rest[:k]
	}
	switch string(word) {
	case "else":
		return false
	case "endif", "endfor":
		s.pop('c')
		return false
	}
	return s.push('c')
}

// position is file:line:col of byte offset i of src.
func position(file string, src []byte, i int) codec.Pos {
	i = min(i, len(src))
	line := 1 + bytes.Count(src[:i], []byte("\n"))
	start := bytes.LastIndexByte(src[:i], '\n') + 1
	return codec.Pos{File: file, Line: line, Col: 1 + utf8.RuneCount(src[start:i])}
}
