package gotag

import (
	"go/token"

	"github.com/retortdb/retort/model"
)

// dialect is whose rules a struct is read with.
type dialect int

const (
	dRetort dialect = iota // retort's own tag grammar (docs/gotags.md)
	dGorm                  // gorm.io/gorm with its PostgreSQL driver
	dBun                   // github.com/uptrace/bun with pgdialect
)

func (d dialect) String() string {
	switch d {
	case dGorm:
		return "GORM"
	case dBun:
		return "bun"
	}
	return "retort"
}

// tableSpec is a table as the source declares it, before it becomes a
// model.Table.
type tableSpec struct {
	pos     token.Position
	decl    *typeDecl
	goName  string
	dialect dialect
	q       model.QName

	comment     string
	renamedFrom string
	unlogged    bool
	// owner is the role that owns the table (owner:ROLE), "" when the
	// marker gives none.
	owner string
	// grants are the table's privileges (grant options on the marker).
	grants []model.Grant

	cols    []*colSpec
	uniques []*uniqueSpec
	indexes []*indexSpec
	fks     []*fkSpec
	cons    []conSpec // checks and constraints given whole

	// byField finds a column by its Go field name, for relations.
	byField map[string]*colSpec
	// where is the marker's tag, for messages about the table as a whole.
	where tagValue
}

// colSpec is one column and what its tags say about it.
type colSpec struct {
	pos    token.Position
	tag    string // the field's whole tag, for messages
	goName string
	goPath []string // Go field names from the struct to the field
	col    model.Column
	pk     bool
	pkPos  int
	// renamedFrom is the column's former name (renamed_from).
	renamedFrom string
	// enum is the Go type that declares the column's enum type, with the
	// array dimensions around it.
	enum     *typeDecl
	enumDims int
	gorm     *gormField
	bunOpts  *bunField
}

// conSpec is a constraint given whole: a CHECK or a raw definition.
type conSpec struct {
	pos token.Position
	tag string
	c   model.Constraint
}

// keyPart is one column of a key or index.
type keyPart struct {
	key    string // SQL text of the key: a quoted column and its options, or an expression
	col    string // the column, when the part is one
	pos    int    // explicit position (pos:N), 0 when not given
	order  int    // field order
	at     token.Position
	tagTxt string
}

// uniqueSpec is a UNIQUE constraint over one or more columns.
type uniqueSpec struct {
	name             string
	parts            []keyPart
	nullsNotDistinct bool
	at               token.Position
	tag              string
}

// indexSpec is an index over one or more columns or expressions.
type indexSpec struct {
	name             string
	parts            []keyPart
	unique           bool
	method           string
	where            string
	comment          string
	include          []string
	nullsNotDistinct bool
	at               token.Position
	tag              string
	// set records the index-wide options given, to find contradictions
	// between the fields of a composite index.
	set map[string]string
}

// fkSpec is a foreign key.
type fkSpec struct {
	at                   token.Position
	tag                  string
	name                 string
	cols                 []string
	refSchema            string // empty: resolved like an unqualified name
	refTable             string
	refCols              []string // empty: the referenced table's primary key
	onDelete             string   // model codes: a, r, c, n, d
	onUpdate             string
	deferrable, deferred bool
	// resolved is the referenced table, once found.
	resolved *tableSpec
}

// fkActions maps the spellings of a foreign key action to model codes.
var fkActions = map[string]string{
	"cascade": "c", "restrict": "r", "set null": "n", "set_null": "n", "setnull": "n",
	"set default": "d", "set_default": "d", "setdefault": "d", "no action": "a", "no_action": "a", "noaction": "a",
}
