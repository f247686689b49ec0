package codec

import (
	"strings"
	"testing"
)

func TestCheckText(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // "" for no error
	}{
		{"text", "table \"t\" {\n\tcolumn \"a\" {}\r\n}\n", ""},
		{"byte-order mark", "\uFEFFa: 1\n", ""},
		{"unicode", "comment = \"café ☕\"\n", ""},
		{"invalid UTF-8", "a = 1\nb = \"x\xfdy\"\n", "f:2:7: not a text file: invalid UTF-8 (byte 0xfd)"},
		{"NUL", "a = 1\x00", "f:1:6: not a text file: control character U+0000"},
		{"escape", "a:\n  \x1b[2J: 1\n", "f:2:3: not a text file: control character U+001B"},
		{"C1 control", "a: \u0085x\n", "f:1:4: not a text file: control character U+0085"},
		{"too large", strings.Repeat(" ", MaxFileSize+1), "f:1:1: the file is larger than 16 MiB, the limit for a schema file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckText("f", []byte(tt.src))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestErrorEchoesOneLine checks that what an error quotes of a file, its
// name and a parser's message about it cannot break the error's line or
// send control sequences to a terminal.
func TestErrorEchoesOneLine(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"plain", &Error{Pos: Pos{"a.hcl", 1, 2}, Msg: "unknown attribute \"x\"", Text: "x = 1"},
			`a.hcl:1:2: unknown attribute "x": x = 1`},
		{"control characters", &Error{Pos: Pos{"a.hcl", 1, 2}, Msg: "bad \x1b[31mred", Text: "\x07\x1b[2J\rx\u200ey"},
			`a.hcl:1:2: bad \x1b[31mred: \a\x1b[2J\rx\u200ey`},
		{"invalid UTF-8", &Error{Pos: Pos{"a\xff.hcl", 1, 1}, Msg: "m", Text: "\xfd\xfe"},
			`a\xff.hcl:1:1: m: \xfd\xfe`},
		{"file name with newline", &Error{Pos: Pos{"a\nb.yaml", 3, 1}, Msg: "m"}, `a\nb.yaml:3:1: m`},
		{"long text", &Error{Pos: Pos{"f", 1, 1}, Msg: "m", Text: strings.Repeat("é", 200)},
			"f:1:1: m: " + strings.Repeat("é", 80) + "…"},
		{"several lines", &Error{Pos: Pos{"f", 1, 1}, Msg: "m", Text: "a = [\n  1,\n]"}, "f:1:1: m: a = [ …"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
