package model

// Enum is an enumerated type; Labels are in PostgreSQL's sort order.
type Enum struct {
	QName
	Labels  []string `json:"labels"`
	Owner   string   `json:"owner,omitempty"`
	Comment string   `json:"comment,omitempty"`
	Grants  []Grant  `json:"grants,omitempty"`
}

// Domain is a domain over a base type.
type Domain struct {
	QName
	Type      string        `json:"type"` // format_type of the base type
	Collation string        `json:"collation,omitempty"`
	NotNull   bool          `json:"not_null,omitempty"`
	Default   string        `json:"default,omitempty"`
	Checks    []DomainCheck `json:"checks,omitempty"`
	Owner     string        `json:"owner,omitempty"`
	Comment   string        `json:"comment,omitempty"`
	Grants    []Grant       `json:"grants,omitempty"`
	Deps      []ObjectRef   `json:"deps,omitempty"`
}

// DomainCheck is a CHECK constraint of a domain.
type DomainCheck struct {
	Name string `json:"name"`
	// Definition is pg_get_constraintdef's text, e.g. "CHECK ((VALUE > 0))".
	Definition string `json:"definition"`
	NotValid   bool   `json:"not_valid,omitempty"`
	Comment    string `json:"comment,omitempty"`
}

// CompositeType is a free-standing composite type (CREATE TYPE … AS (…)).
type CompositeType struct {
	QName
	Attributes []Attribute `json:"attributes"`
	Owner      string      `json:"owner,omitempty"`
	Comment    string      `json:"comment,omitempty"`
	Grants     []Grant     `json:"grants,omitempty"`
	Deps       []ObjectRef `json:"deps,omitempty"`
}

// Attribute is one field of a composite type.
type Attribute struct {
	Name      string `json:"name"`
	Type      string `json:"type"`
	Collation string `json:"collation,omitempty"`
	Comment   string `json:"comment,omitempty"`
}

// RangeType is a range type (and its multirange, PostgreSQL 14+).
type RangeType struct {
	QName
	Subtype        string      `json:"subtype"`
	SubtypeOpClass string      `json:"subtype_opclass,omitempty"` // only when not the default
	Collation      string      `json:"collation,omitempty"`
	Canonical      string      `json:"canonical,omitempty"`    // regproc text
	SubtypeDiff    string      `json:"subtype_diff,omitempty"` // regproc text
	Multirange     string      `json:"multirange,omitempty"`   // only when not the default name
	Owner          string      `json:"owner,omitempty"`
	Comment        string      `json:"comment,omitempty"`
	Grants         []Grant     `json:"grants,omitempty"`
	Deps           []ObjectRef `json:"deps,omitempty"`
}

// Collation is a user-defined collation.
type Collation struct {
	QName
	Provider      string `json:"provider"` // "c" (libc), "i" (icu), "d" (default)
	Locale        string `json:"locale,omitempty"`
	LcCollate     string `json:"lc_collate,omitempty"`
	LcCtype       string `json:"lc_ctype,omitempty"`
	Deterministic bool   `json:"deterministic"`
	Owner         string `json:"owner,omitempty"`
	Comment       string `json:"comment,omitempty"`
}

// SequenceOptions are the parameters shared by sequences and identity columns.
type SequenceOptions struct {
	Type      string `json:"type"` // smallint, integer or bigint
	Start     int64  `json:"start"`
	Increment int64  `json:"increment"`
	Min       int64  `json:"min"`
	Max       int64  `json:"max"`
	Cache     int64  `json:"cache"`
	Cycle     bool   `json:"cycle,omitempty"`
}

// Sequence is a free-standing sequence, including those behind serial
// columns (which are owned by their column). Identity sequences are part of
// their column instead.
type Sequence struct {
	QName
	SequenceOptions
	// OwnedBy is the column that owns the sequence (ALTER SEQUENCE … OWNED BY),
	// as serial columns do.
	OwnedBy  *ColumnRef `json:"owned_by,omitempty"`
	Unlogged bool       `json:"unlogged,omitempty"`
	Owner    string     `json:"owner,omitempty"`
	Comment  string     `json:"comment,omitempty"`
	Grants   []Grant    `json:"grants,omitempty"`
}

// ColumnRef names a column of a table.
type ColumnRef struct {
	Table  QName  `json:"table"`
	Column string `json:"column"`
}
