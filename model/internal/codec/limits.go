package codec

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/retortdb/retort/internal/userfile"
)

// Limits on a declared schema file (HCL or YAML), checked before a parser
// builds anything, so that no input can make the parsers use memory or
// stack out of all proportion to it: an 80 KB YAML file of nested [ would
// otherwise allocate gigabytes, and deep HCL nesting overflows the stack.
// docs/hcl.md and docs/yaml.md state them.
const (
	// MaxFileSize is the size of the largest schema file read: far above
	// any real schema (10,000 tables are a few MiB), far below what the
	// parsers' trees of it would take in memory.
	MaxFileSize = 16 << 20
	// MaxNesting is how deep brackets, braces, blocks and strings may nest
	// in a schema file, as its format's pre-scan counts them (see
	// model/hcl and model/yaml): a real schema nests a few levels.
	MaxNesting = 100
)

// ReadFile reads a schema file: a regular file of at most [MaxFileSize]
// bytes (see [userfile.Read]).
func ReadFile(path string) ([]byte, error) {
	src, err := userfile.Read(path, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("read schema file: %w", err)
	}
	return src, nil
}

// CheckText checks what every schema file must be before it is parsed: at
// most [MaxFileSize] bytes of UTF-8 text without control characters other
// than tab, line feed and carriage return (a byte-order mark is allowed).
// The error names the first offending place as file:line:col, so a binary
// file is one short error, not one per byte.
func CheckText(file string, src []byte) error {
	if len(src) > MaxFileSize {
		return &Error{Pos: Pos{File: file, Line: 1, Col: 1},
			Msg: fmt.Sprintf("the file is larger than %s, the limit for a schema file", userfile.Size(MaxFileSize))}
	}
	line, col := 1, 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return &Error{Pos: Pos{File: file, Line: line, Col: col},
				Msg: fmt.Sprintf("not a text file: invalid UTF-8 (byte 0x%02x)", src[i])}
		case r == '\n':
			line, col = line+1, 0
		case r == '\t' || r == '\r' || r == '\uFEFF':
		case unicode.IsControl(r):
			return &Error{Pos: Pos{File: file, Line: line, Col: col},
				Msg: fmt.Sprintf("not a text file: control character %U", r)}
		}
		i += size
		col++
	}
	return nil
}

// NestingError is the error of a format's pre-scan for a file nested
// deeper than [MaxNesting], at the place where the limit is passed.
func NestingError(pos Pos) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf("nested more than %d levels deep, the limit for a schema file", MaxNesting)}
}

// clean makes text from a source file safe to print in a one-line
// message: control characters and other characters that do not print are
// escaped as in a Go string literal, invalid UTF-8 as \xNN, and nothing
// else is changed, so that a quoted name reads as written.
func clean(s string) string {
	bad := func(r rune) bool { return r == utf8.RuneError || !unicode.IsGraphic(r) }
	i := strings.IndexFunc(s, bad)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case bad(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
