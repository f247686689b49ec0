package model

// TableKind tells ordinary, partitioned and foreign tables apart.
type TableKind string

// The table kinds, as pg_class.relkind spells them in words.
const (
	TableOrdinary    TableKind = "table"
	TablePartitioned TableKind = "partitioned"
	TableForeign     TableKind = "foreign"
)

// Table is a table: ordinary, partitioned, a partition, or foreign.
type Table struct {
	QName
	Kind     TableKind `json:"kind"`
	Unlogged bool      `json:"unlogged,omitempty"`
	Columns  []Column  `json:"columns"`
	// Constraints are the table's own constraints (pg_constraint rows that are
	// local to it, NOT NULL constraints aside: those are Column.NotNull).
	Constraints []Constraint `json:"constraints,omitempty"`
	// Indexes are the indexes that no constraint owns.
	Indexes []Index `json:"indexes,omitempty"`

	// PartitionKey is pg_get_partkeydef's text for a partitioned table, e.g.
	// "RANGE (payment_date)".
	PartitionKey string `json:"partition_key,omitempty"`
	// PartitionOf is the parent of a partition, with PartitionBound its
	// pg_get_expr(relpartbound) text, e.g. "FOR VALUES FROM (…) TO (…)".
	PartitionOf    *QName `json:"partition_of,omitempty"`
	PartitionBound string `json:"partition_bound,omitempty"`
	// Inherits lists traditional inheritance parents, in inhseqno order.
	Inherits []QName `json:"inherits,omitempty"`
	// OfType is the composite type of a typed table (CREATE TABLE … OF type).
	OfType string `json:"of_type,omitempty"`

	RowSecurity      bool     `json:"row_security,omitempty"`
	ForceRowSecurity bool     `json:"force_row_security,omitempty"`
	Options          []string `json:"options,omitempty"` // reloptions, e.g. "fillfactor=70"
	Tablespace       string   `json:"tablespace,omitempty"`
	AccessMethod     string   `json:"access_method,omitempty"` // only when not heap
	// ReplicaIdentity is "d" (default), "n" (nothing), "f" (full) or "i" (index).
	ReplicaIdentity string `json:"replica_identity,omitempty"`
	// ReplicaIdentityIndex names the index of REPLICA IDENTITY USING INDEX
	// (ReplicaIdentity "i"); it lives in the table's schema.
	ReplicaIdentityIndex string `json:"replica_identity_index,omitempty"`

	// Server and ServerOptions describe a foreign table.
	Server        string   `json:"server,omitempty"`
	ServerOptions []string `json:"server_options,omitempty"`

	Owner   string  `json:"owner,omitempty"`
	Comment string  `json:"comment,omitempty"`
	Grants  []Grant `json:"grants,omitempty"`

	// RenamedFrom is a rename hint that only a declared schema carries
	// (renamed_from in HCL and YAML): the table's name before, in the same
	// schema, so that a diff renames the table instead of dropping and
	// creating it. It is not part of the schema: [Schema.Equal] ignores it
	// and JSON does not carry it.
	RenamedFrom string `json:"-"`
}

// Column is a column of a table (or a foreign table).
type Column struct {
	Name string `json:"name"`
	// Type is format_type(atttypid, atttypmod), e.g. "character varying(255)".
	Type string `json:"type"`
	// Collation is set only when it differs from the type's default. Like
	// every collation reference in the model it is written as PostgreSQL
	// prints it: quoted, and schema-qualified unless in pg_catalog, e.g.
	// "C" (with the quotes) or public.german.
	Collation string `json:"collation,omitempty"`
	NotNull   bool   `json:"not_null,omitempty"`
	// NotNullName is the name of the column's NOT NULL constraint
	// (PostgreSQL 18 names them) when it is not the one PostgreSQL chooses,
	// TABLE_COLUMN_not_null (see [DefaultNotNullName]); empty otherwise,
	// and always before 18.
	NotNullName string `json:"not_null_name,omitempty"`
	// NotNullNotValid and NotNullNoInherit are PostgreSQL 18's NOT VALID
	// and NO INHERIT NOT NULL constraints (NotNull is set for them too).
	NotNullNotValid  bool `json:"not_null_not_valid,omitempty"`
	NotNullNoInherit bool `json:"not_null_no_inherit,omitempty"`
	// Default is pg_get_expr's text of the column default.
	Default string `json:"default,omitempty"`
	// Identity is "a" (GENERATED ALWAYS) or "d" (BY DEFAULT) for identity
	// columns, with the identity sequence's options.
	Identity         string           `json:"identity,omitempty"`
	IdentitySequence *SequenceOptions `json:"identity_sequence,omitempty"`
	// Generated is the generation expression of a generated column, and
	// GeneratedKind "s" (stored) or "v" (virtual, PostgreSQL 18).
	Generated     string `json:"generated,omitempty"`
	GeneratedKind string `json:"generated_kind,omitempty"`
	// Inherited is true for a column that comes only from a parent table or
	// partitioned table (attislocal false); it is not declared by the child.
	Inherited   bool   `json:"inherited,omitempty"`
	Storage     string `json:"storage,omitempty"`     // only when not the type's default: p, e, m, x
	Compression string `json:"compression,omitempty"` // pglz or lz4 when set
	// Statistics is attstattarget when set with SET STATISTICS (0 included);
	// nil means the default.
	Statistics *int     `json:"statistics,omitempty"`
	Options    []string `json:"options,omitempty"`     // attoptions
	FDWOptions []string `json:"fdw_options,omitempty"` // attfdwoptions of a foreign table column
	Comment    string   `json:"comment,omitempty"`
	Grants     []Grant  `json:"grants,omitempty"`
	// Deps are the objects the column's type, default and generation
	// expression need (types, functions, sequences, collations).
	Deps []ObjectRef `json:"deps,omitempty"`
	// RenamedFrom is a rename hint that only a declared schema carries: the
	// column's name before. Like [Table.RenamedFrom] it is ignored by
	// [Schema.Equal] and not carried by JSON.
	RenamedFrom string `json:"-"`
}

// ConstraintType is pg_constraint.contype.
type ConstraintType string

// The constraint types.
const (
	PrimaryKey ConstraintType = "p"
	Unique     ConstraintType = "u"
	Check      ConstraintType = "c"
	ForeignKey ConstraintType = "f"
	Exclusion  ConstraintType = "x"
)

// Constraint is a table constraint. Definition is pg_get_constraintdef's text
// and is what PostgreSQL itself would print; the other fields are that text
// taken apart, for the diff and for readers that need them.
type Constraint struct {
	Name       string         `json:"name"`
	Type       ConstraintType `json:"type"`
	Definition string         `json:"definition"`
	// Columns are the constrained columns in key order; the expressions of
	// an exclusion constraint are in Definition only.
	Columns []string `json:"columns,omitempty"`
	// RefTable and RefColumns are the referenced key of a foreign key.
	RefTable   *QName   `json:"ref_table,omitempty"`
	RefColumns []string `json:"ref_columns,omitempty"`
	// OnUpdate and OnDelete are confupdtype/confdeltype: a (no action),
	// r (restrict), c (cascade), n (set null), d (set default).
	OnUpdate string `json:"on_update,omitempty"`
	OnDelete string `json:"on_delete,omitempty"`
	// Match is confmatchtype: s (simple), f (full), p (partial).
	Match             string `json:"match,omitempty"`
	Deferrable        bool   `json:"deferrable,omitempty"`
	InitiallyDeferred bool   `json:"initially_deferred,omitempty"`
	NotValid          bool   `json:"not_valid,omitempty"`
	NoInherit         bool   `json:"no_inherit,omitempty"`
	// Index is the name of the index that implements a primary key, unique or
	// exclusion constraint; it lives in the table's schema.
	Index string `json:"index,omitempty"`
	// ParentIndex is set on a partition's key constraint whose index is attached
	// to the parent's index (ALTER INDEX … ATTACH PARTITION).
	ParentIndex *QName `json:"parent_index,omitempty"`
	Tablespace  string `json:"tablespace,omitempty"`
	Comment     string `json:"comment,omitempty"`
	// Deps are other objects the constraint needs: the referenced table of a
	// foreign key, functions used in a check.
	Deps []ObjectRef `json:"deps,omitempty"`
}

// Index is an index that no constraint owns.
type Index struct {
	Name string `json:"name"`
	// Definition is pg_get_indexdef's text: the whole CREATE INDEX statement.
	Definition string `json:"definition"`
	Unique     bool   `json:"unique,omitempty"`
	Method     string `json:"method"`
	// Keys are the key columns or expressions as pg_get_indexdef prints each,
	// with their opclass, order and NULLS placement, e.g. "lower(email) DESC".
	Keys []string `json:"keys"`
	// Include are the names of the INCLUDE columns.
	Include          []string `json:"include,omitempty"`
	Predicate        string   `json:"predicate,omitempty"`
	NullsNotDistinct bool     `json:"nulls_not_distinct,omitempty"`
	Options          []string `json:"options,omitempty"`
	Tablespace       string   `json:"tablespace,omitempty"`
	// ParentIndex is the partitioned index this partition's index is attached to.
	ParentIndex *QName `json:"parent_index,omitempty"`
	// Invalid is true for an index left invalid (a failed CONCURRENTLY build,
	// or the ONLY index of a partitioned table whose partitions lack one).
	Invalid bool        `json:"invalid,omitempty"`
	Comment string      `json:"comment,omitempty"`
	Deps    []ObjectRef `json:"deps,omitempty"`
}
