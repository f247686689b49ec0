package sqltext

import (
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
)

// The pieces below are spelled as pg_get_constraintdef and pg_get_indexdef
// print them, so that a definition built from a model's fields equals the
// one PostgreSQL gives back for the same object.

// KeyText is a primary key's or unique constraint's text without its
// deferral: PRIMARY KEY (a, b), UNIQUE NULLS NOT DISTINCT (a) INCLUDE (c).
// Column names are raw.
func KeyText(primary bool, cols, include []string, nullsNotDistinct bool) string {
	var b strings.Builder
	if primary {
		b.WriteString("PRIMARY KEY ")
	} else {
		b.WriteString("UNIQUE ")
		if nullsNotDistinct {
			b.WriteString("NULLS NOT DISTINCT ")
		}
	}
	b.WriteString("(" + sqlq.IdentList(cols) + ")")
	if len(include) > 0 {
		b.WriteString(" INCLUDE (" + sqlq.IdentList(include) + ")")
	}
	return b.String()
}

// ForeignKeyHead is the start of a foreign key's text, up to the
// referenced table: FOREIGN KEY (a) REFERENCES s.t. The referenced columns
// follow it, in parentheses.
func ForeignKeyHead(cols []string, refSchema, refTable string) string {
	return "FOREIGN KEY (" + sqlq.IdentList(cols) + ") REFERENCES " + sqlq.Qualified(refSchema, refTable)
}

// MatchText is the MATCH clause of a foreign key whose pg_constraint
// confmatchtype is code, with its leading space; MATCH SIMPLE, the
// default, is not written.
func MatchText(code string) string {
	switch code {
	case "f":
		return " MATCH FULL"
	case "p":
		return " MATCH PARTIAL"
	}
	return ""
}

// Action is the referential action whose pg_constraint code (confupdtype,
// confdeltype) is code: RESTRICT, CASCADE, SET NULL or SET DEFAULT, and ""
// for NO ACTION ("a"), the default, which is not written, or no code. ok
// is false for an unknown code.
func Action(code string) (word string, ok bool) {
	switch code {
	case "", "a":
		return "", true
	case "r":
		return "RESTRICT", true
	case "c":
		return "CASCADE", true
	case "n":
		return "SET NULL", true
	case "d":
		return "SET DEFAULT", true
	}
	return "", false
}

// Deferral is a constraint's DEFERRABLE and INITIALLY DEFERRED, each with
// its leading space when set.
func Deferral(deferrable, initiallyDeferred bool) string {
	s := ""
	if deferrable {
		s += " DEFERRABLE"
	}
	if initiallyDeferred {
		s += " INITIALLY DEFERRED"
	}
	return s
}

// OptionKey quotes the dotted key of a key=value storage parameter or
// option, such as toast.autovacuum_enabled.
func OptionKey(k string) string {
	words := strings.Split(k, ".")
	for i, w := range words {
		words[i] = sqlq.QuoteIdent(w)
	}
	return strings.Join(words, ".")
}

// Index holds the parts of a CREATE INDEX statement.
type Index struct {
	Name             string // raw
	Unique           bool
	Only             bool   // ON ONLY: the index of a partitioned table
	Schema, Table    string // the table or materialized view, raw
	Method           string // raw; "" leaves USING out
	Keys             []string
	Include          []string // raw column names
	NullsNotDistinct bool
	With             string // storage parameters, written, without parentheses
	Tablespace       string // raw
	Predicate        string
}

// String is the statement as pg_get_indexdef prints it, with the
// tablespace, which pg_get_indexdef leaves out, before the predicate.
func (ix Index) String() string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if ix.Unique {
		b.WriteString("UNIQUE ")
	}
	b.WriteString("INDEX " + sqlq.QuoteIdent(ix.Name) + " ON ")
	if ix.Only {
		b.WriteString("ONLY ")
	}
	b.WriteString(sqlq.Qualified(ix.Schema, ix.Table))
	if ix.Method != "" {
		b.WriteString(" USING " + sqlq.QuoteIdent(ix.Method))
	}
	b.WriteString(" (" + strings.Join(ix.Keys, ", ") + ")")
	if len(ix.Include) > 0 {
		b.WriteString(" INCLUDE (" + sqlq.IdentList(ix.Include) + ")")
	}
	if ix.NullsNotDistinct {
		b.WriteString(" NULLS NOT DISTINCT")
	}
	if ix.With != "" {
		b.WriteString(" WITH (" + ix.With + ")")
	}
	if ix.Tablespace != "" {
		b.WriteString(" TABLESPACE " + sqlq.QuoteIdent(ix.Tablespace))
	}
	if ix.Predicate != "" {
		b.WriteString(" WHERE " + ix.Predicate)
	}
	return b.String()
}
