package sqlq

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCommentText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"drops column public.t.c", "drops column public.t.c"},
		{"  a \t b  ", "a b"},
		{"c\nDROP TABLE public.victim; --", "c DROP TABLE public.victim; --"},
		{"c\rDROP", "c DROP"},
		{"c\r\n\r\nDROP", "c DROP"},
		{"a\fb\vc", "a b c"},
		{"a\u0085b\u2028c\u2029d", "a b c d"},
		{"a\x00b\x1bc\x7fd\u009be", "a b c d e"},
		{"a\u202eb\u2066c", "a b c"},
		{"a\xffb", "a\ufffdb"},
		{"a\ufffdb", "a\ufffdb"},
		{`*/ -- $$ ; ' " \`, `*/ -- $$ ; ' " \`},
		{"café ünïcode", "café ünïcode"},
		{"\n\r", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := CommentText(tt.in); got != tt.want {
			t.Errorf("CommentText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzCommentText checks what every writer relies on: the result is one
// line for every reader (no byte PostgreSQL, Go or an editor ends a line
// at), valid UTF-8, trimmed, and folding it again changes nothing.
func FuzzCommentText(f *testing.F) {
	for _, s := range []string{"a\nb", "a\rb", "\u2028", "\xff\xfe", " x "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := CommentText(s)
		if strings.ContainsAny(got, "\n\r\v\f\u0085\u2028\u2029") {
			t.Fatalf("CommentText(%q) = %q holds a line end", s, got)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("CommentText(%q) = %q is not valid UTF-8", s, got)
		}
		if got != strings.TrimSpace(got) {
			t.Fatalf("CommentText(%q) = %q is not trimmed", s, got)
		}
		if again := CommentText(got); again != got {
			t.Fatalf("CommentText is not idempotent: %q, then %q", got, again)
		}
	})
}
