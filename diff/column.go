package diff

import (
	"reflect"

	"github.com/retortdb/retort/model"
)

// ColumnDelta is the set of a column's properties that differ between two
// versions of it, as a bit mask: what an in-place ALTER COLUMN has to
// change. [CompareColumns] computes it; a planner reads it instead of
// comparing the columns again field by field.
type ColumnDelta uint32

// The properties of a column, as [ColumnDelta] bits.
const (
	ColumnType             ColumnDelta = 1 << iota // the data type
	ColumnCollation                                // the collation
	ColumnNotNull                                  // NOT NULL on or off
	ColumnNotNullForm                              // the NOT NULL constraint's name, NOT VALID or NO INHERIT (PostgreSQL 18)
	ColumnDefault                                  // the default's text
	ColumnIdentity                                 // GENERATED ALWAYS or BY DEFAULT AS IDENTITY, or none
	ColumnIdentitySequence                         // the identity sequence's options
	ColumnGenerated                                // the generation expression or its kind
	ColumnStorage                                  // SET STORAGE
	ColumnCompression                              // SET COMPRESSION
	ColumnStatistics                               // SET STATISTICS
	ColumnOptions                                  // attribute options (n_distinct, …)
	ColumnFDWOptions                               // a foreign table column's options
	ColumnComment                                  // COMMENT ON COLUMN
	ColumnGrants                                   // column privileges
	ColumnInherited                                // whether the column comes only from a parent table
)

// Has reports whether d has every property of x.
func (d ColumnDelta) Has(x ColumnDelta) bool { return d&x == x }

// Any reports whether d has one or more properties of x.
func (d ColumnDelta) Any(x ColumnDelta) bool { return d&x != 0 }

// CompareColumns returns the properties in which from and to differ, as
// their texts stand (a default is compared as written: [Compare] also
// compares defaults at their canonical form before it reports a change).
// The name, the dependency list and the rename hint are not compared.
func CompareColumns(from, to *model.Column) ColumnDelta {
	var d ColumnDelta
	set := func(differ bool, x ColumnDelta) {
		if differ {
			d |= x
		}
	}
	set(from.Type != to.Type, ColumnType)
	set(from.Collation != to.Collation, ColumnCollation)
	set(from.NotNull != to.NotNull, ColumnNotNull)
	set(from.NotNullName != to.NotNullName || from.NotNullNotValid != to.NotNullNotValid ||
		from.NotNullNoInherit != to.NotNullNoInherit, ColumnNotNullForm)
	set(from.Default != to.Default, ColumnDefault)
	set(from.Identity != to.Identity, ColumnIdentity)
	set(!reflect.DeepEqual(from.IdentitySequence, to.IdentitySequence), ColumnIdentitySequence)
	set(from.Generated != to.Generated || from.GeneratedKind != to.GeneratedKind, ColumnGenerated)
	set(from.Storage != to.Storage, ColumnStorage)
	set(from.Compression != to.Compression, ColumnCompression)
	set(!reflect.DeepEqual(from.Statistics, to.Statistics), ColumnStatistics)
	set(!reflect.DeepEqual(from.Options, to.Options), ColumnOptions)
	set(!reflect.DeepEqual(from.FDWOptions, to.FDWOptions), ColumnFDWOptions)
	set(from.Comment != to.Comment, ColumnComment)
	set(!reflect.DeepEqual(from.Grants, to.Grants), ColumnGrants)
	set(from.Inherited != to.Inherited, ColumnInherited)
	return d
}
