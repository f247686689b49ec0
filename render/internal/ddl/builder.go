package ddl

import (
	"errors"
	"fmt"
	"slices"
)

// The methods of this file are what a planner needs of a Builder whose
// schema is the one its plan yields: it adds the statements of its changes
// beside the builder's own, finds them again by index or ID, and leaves out
// those another step makes needless, so that one [Order] sorts them all.

// Len is the number of statements the builder holds.
func (b *Builder) Len() int { return len(b.stmts) }

// Stmt returns the statement at index i, for the caller to amend.
func (b *Builder) Stmt(i int) *Statement { return &b.stmts[i] }

// Lookup returns the statement whose ID is id, or nil.
func (b *Builder) Lookup(id string) *Statement {
	i, ok := b.byID[id]
	if !ok {
		return nil
	}
	return &b.stmts[i]
}

// Append records st as it is, ending in a semicolon, and returns its index;
// it returns -1, and records an error, when st's ID is taken.
func (b *Builder) Append(st Statement) int {
	st.SQL = EnsureSemicolon(st.SQL)
	if _, dup := b.byID[st.ID]; dup {
		b.errs = append(b.errs, fmt.Errorf("%w %q", ErrDuplicateID, st.ID))
		return -1
	}
	b.byID[st.ID] = len(b.stmts)
	b.stmts = append(b.stmts, st)
	return len(b.stmts) - 1
}

// SetBreaker makes br the way out of a dependency cycle for the statement
// whose ID is id (see [Builder.BreakCycles]).
func (b *Builder) SetBreaker(id string, br Breaker) { b.breakers[id] = br }

// DropRemoved leaves out the statements marked Removed; indexes change.
func (b *Builder) DropRemoved() {
	b.stmts = slices.DeleteFunc(b.stmts, func(st Statement) bool { return st.Removed })
	b.byID = make(map[string]int, len(b.stmts))
	for i, st := range b.stmts {
		b.byID[st.ID] = i
	}
}

// Err joins the errors recorded so far; nil if there are none.
func (b *Builder) Err() error { return errors.Join(b.errs...) }
