package gotag

import (
	"cmp"
	"errors"
	"fmt"
	"go/token"
	"slices"
	"strconv"
)

// Error is a problem with the Go source at one place: a struct tag that
// does not parse, an unknown option, a reference to a table or column
// that is not declared, a name declared twice. [Load] joins every Error it
// finds (with [errors.Join]), sorted by position.
type Error struct {
	// Pos is the file:line:col of the offending text; for a tag, of the
	// offending option within it when that can be located, else of the tag.
	Pos token.Position
	// Tag is the whole struct tag at fault, as written, or empty.
	Tag string
	// Msg says what is wrong.
	Msg string
}

// Error returns "file:line:col: message (in tag `…`)".
func (e *Error) Error() string {
	s := e.Pos.String() + ": " + e.Msg
	if e.Tag != "" {
		s += " (in tag " + quoteTag(e.Tag) + ")"
	}
	return s
}

// quoteTag writes a tag for a message: in back quotes, as it is written in
// source, unless it holds one.
func quoteTag(tag string) string {
	if strconv.CanBackquote(tag) {
		return "`" + tag + "`"
	}
	return strconv.Quote(tag)
}

// errs collects the errors of one Load.
type errs struct {
	list []*Error
}

func (e *errs) add(pos token.Position, tag, format string, args ...any) {
	e.list = append(e.list, &Error{Pos: pos, Tag: tag, Msg: fmt.Sprintf(format, args...)})
}

// err returns the errors sorted by position and joined, or nil.
func (e *errs) err() error {
	if len(e.list) == 0 {
		return nil
	}
	slices.SortStableFunc(e.list, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Pos.Filename, b.Pos.Filename), cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column))
	})
	list := slices.CompactFunc(e.list, func(a, b *Error) bool { return *a == *b })
	out := make([]error, len(list))
	for i, x := range list {
		out[i] = x
	}
	return errors.Join(out...)
}
