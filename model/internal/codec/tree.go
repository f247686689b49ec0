package codec

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Pos is a place in a source file: 1-based line and column.
type Pos struct {
	File      string
	Line, Col int
}

// String returns file:line:col.
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Body is the content of a file or of a block: attributes and nested blocks.
// A reader of a format without blocks (YAML) may give nested blocks as
// attributes whose value is an object or a list of objects; the decoder
// takes them as blocks where it expects blocks.
type Body struct {
	Pos    Pos
	Attrs  []*Attr
	Blocks []*Block
}

// Attr is one attribute: a name and a value.
type Attr struct {
	Name  string
	Pos   Pos
	Text  string // the source text, for messages
	Value *Value
}

// Block is a nested block with a type and labels, such as table "users".
type Block struct {
	Type   string
	Labels []string
	Pos    Pos
	Text   string // the source text of the block's header, for messages
	Body   *Body
}

// Kind is the kind of a value.
type Kind int

// The kinds of value.
const (
	String Kind = iota + 1
	Number      // Str holds the number's text as written
	Bool
	Null
	List   // Items
	Object // Fields
	Ref    // Parts: a reference such as column.id or table.public.users
	Call   // Str is the function name, Items the arguments: varchar(255), sql("…")
)

// Value is an attribute's value.
type Value struct {
	Kind   Kind
	Pos    Pos
	Text   string // the source text, for messages
	Str    string
	Bool   bool
	Items  []*Value
	Fields []*Attr
	Parts  []string
	// Heredoc asks a writer to print a String as a block of lines.
	Heredoc bool
	// Refs are the objects that a String's ${KIND.NAME.name} templates
	// named (Atlas's form in a view's query), each a Ref; the string holds
	// their names.
	Refs []*Value
}

// Constructors used by the encoder.

// Str returns a string value.
func Str(s string) *Value { return &Value{Kind: String, Str: s} }

// Text returns a string value that a writer prints as a block of lines
// when it holds several lines.
func Text(s string) *Value { return &Value{Kind: String, Str: s, Heredoc: strings.Contains(s, "\n")} }

// Num returns a number value from its decimal text.
func Num(text string) *Value { return &Value{Kind: Number, Str: text} }

// Int returns a number value.
func Int(n int64) *Value { return Num(fmt.Sprint(n)) }

// Boolean returns a boolean value.
func Boolean(b bool) *Value { return &Value{Kind: Bool, Bool: b} }

// RefTo returns a reference value.
func RefTo(parts ...string) *Value { return &Value{Kind: Ref, Parts: parts} }

// CallOf returns a function call value.
func CallOf(name string, args ...*Value) *Value { return &Value{Kind: Call, Str: name, Items: args} }

// ListOf returns a list value.
func ListOf(items ...*Value) *Value { return &Value{Kind: List, Items: items} }

// Strs returns a list of strings.
func Strs(ss []string) *Value {
	v := &Value{Kind: List}
	for _, s := range ss {
		v.Items = append(v.Items, Str(s))
	}
	return v
}

// Describe names the kind of v for messages.
func (v *Value) Describe() string {
	switch v.Kind {
	case String:
		return "a string"
	case Number:
		return "a number"
	case Bool:
		return "a boolean"
	case Null:
		return "null"
	case List:
		return "a list"
	case Object:
		return "an object"
	case Ref:
		return "a reference"
	case Call:
		return "a function call"
	}
	return "a value"
}

// RefText returns a reference as written in HCL, e.g. table.users.column.id.
func RefText(parts []string) string {
	var b strings.Builder
	for i, p := range parts {
		if isHCLIdent(p) {
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(p)
			continue
		}
		fmt.Fprintf(&b, "[%q]", p)
	}
	return b.String()
}

// isHCLIdent reports whether s can be written as an HCL identifier.
func isHCLIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		case i > 0 && (r == '-' || r >= '0' && r <= '9'):
		default:
			return false
		}
	}
	return true
}

// IsIdent reports whether s can be written as a bare HCL identifier
// (ASCII letters, digits, underscores and dashes, not starting with a digit
// or dash).
func IsIdent(s string) bool { return isHCLIdent(s) }

// Error is one problem in a source, at a position, with the text it is
// about.
type Error struct {
	Pos  Pos
	Msg  string
	Text string
}

// Error returns file:line:col: message: text, the text cut to its first
// line and 80 characters. What comes from the file (its name, the text, a
// parser's message that quotes it) is escaped where it does not print, so
// the error is one readable line whatever the file holds.
func (e *Error) Error() string {
	text := e.Text
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = strings.TrimSpace(text[:i]) + " …"
	}
	if r := []rune(text); len(r) > 80 {
		text = string(r[:80]) + "…"
	}
	pos := Pos{File: clean(e.Pos.File), Line: e.Pos.Line, Col: e.Pos.Col}
	if text == "" {
		return fmt.Sprintf("%s: %s", pos, clean(e.Msg))
	}
	return fmt.Sprintf("%s: %s: %s", pos, clean(e.Msg), clean(text))
}

// errList collects errors in source order.
type errList []*Error

func (l *errList) add(pos Pos, text, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Text: text})
}

// err joins the errors, sorted by position, at most maxErrors of them.
func (l errList) err() error {
	if len(l) == 0 {
		return nil
	}
	slices.SortStableFunc(l, func(a, b *Error) int { return comparePos(a.Pos, b.Pos) })
	const maxErrors = 50
	errs := make([]error, 0, min(len(l), maxErrors+1))
	for i, e := range l {
		if i == maxErrors {
			errs = append(errs, fmt.Errorf("… and %d more errors", len(l)-maxErrors))
			break
		}
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}
