package sqlq

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CommentText returns s folded onto one line, for every text retort writes
// into a "--" comment, a file header or a one-line message: each run of
// blank space and control characters becomes one space, and the ends are
// trimmed. A "--" comment that holds the result ends where its line ends, for
// every reader of the file: PostgreSQL's scanner ends a comment at \n or \r,
// Go's line readers at \n, editors and the other tools' parsers at \v, \f,
// U+0085, U+2028 or U+2029, and all of them are folded. Bidirectional
// controls go too, so that a reviewer sees the comment as PostgreSQL reads
// it, and invalid UTF-8 becomes U+FFFD.
//
// Names inside such a text should be quoted first (see [QuoteIdent] and
// [Qualified]), so that the folded text still says which object it means.
func CommentText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				r = unicode.ReplacementChar // invalid byte, as opposed to a real U+FFFD
			}
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
