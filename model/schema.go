package model

import "fmt"

// QName is a schema-qualified object name, the key of most objects.
type QName struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
}

// String returns the name as schema.name, unquoted; it is for messages, not SQL.
func (q QName) String() string {
	if q.Schema == "" {
		return q.Name
	}
	return q.Schema + "." + q.Name
}

// ObjectKind names a kind of object in dependencies and messages.
type ObjectKind string

// The kinds of object an ObjectRef can point at.
const (
	KindSchema           ObjectKind = "schema"
	KindExtension        ObjectKind = "extension"
	KindType             ObjectKind = "type" // enum, domain, composite or range type
	KindCollation        ObjectKind = "collation"
	KindSequence         ObjectKind = "sequence"
	KindTable            ObjectKind = "table" // also partitioned and foreign tables
	KindView             ObjectKind = "view"
	KindMaterializedView ObjectKind = "materialized view"
	KindIndex            ObjectKind = "index"
	KindConstraint       ObjectKind = "constraint"
	KindFunction         ObjectKind = "function" // also procedures
	// KindDefaultPrivileges names a role's default privileges for one
	// object type: Name is the role, Schema the schema ("" for all), Args
	// the object type letter.
	KindDefaultPrivileges  ObjectKind = "default privileges"
	KindAggregate          ObjectKind = "aggregate"
	KindTrigger            ObjectKind = "trigger"
	KindEventTrigger       ObjectKind = "event trigger"
	KindRule               ObjectKind = "rule"
	KindPolicy             ObjectKind = "policy"
	KindForeignDataWrapper ObjectKind = "foreign data wrapper"
	KindServer             ObjectKind = "server"
	KindUserMapping        ObjectKind = "user mapping"
	KindCast               ObjectKind = "cast"
)

// ObjectRef points at another object, for dependencies. Functions and
// aggregates are identified by their identity arguments as well as their name;
// constraints, indexes, triggers, rules and policies by Table and Name.
type ObjectRef struct {
	Kind   ObjectKind `json:"kind"`
	Schema string     `json:"schema,omitempty"`
	Name   string     `json:"name"`
	// Args holds identity arguments for functions and aggregates.
	Args string `json:"args,omitempty"`
	// Table is the table a constraint, trigger, rule or policy belongs to.
	Table string `json:"table,omitempty"`
}

// String returns a readable description such as `function public.f(integer)`.
func (r ObjectRef) String() string {
	s := string(r.Kind) + " "
	if r.Schema != "" {
		s += r.Schema + "."
	}
	if r.Table != "" {
		s += r.Table + "."
	}
	s += r.Name
	if r.Kind == KindFunction || r.Kind == KindAggregate {
		s += "(" + r.Args + ")"
	}
	return s
}

func (r ObjectRef) compare(o ObjectRef) int {
	for _, p := range [][2]string{
		{string(r.Kind), string(o.Kind)}, {r.Schema, o.Schema}, {r.Table, o.Table}, {r.Name, o.Name}, {r.Args, o.Args},
	} {
		if p[0] != p[1] {
			if p[0] < p[1] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// Grant is one privilege granted on an object: an entry of an ACL after
// aclexplode. Grantee "" is PUBLIC.
type Grant struct {
	Grantee   string `json:"grantee"`
	Privilege string `json:"privilege"` // SELECT, INSERT, USAGE, EXECUTE, …
	Grantable bool   `json:"grantable,omitempty"`
}

// Schema is a whole database schema: every object retort knows, plus a count
// of the objects it saw but cannot represent yet.
type Schema struct {
	// Server is the PostgreSQL major version the schema was read from (0 when
	// it was not read from a server).
	ServerMajor int `json:"server_major,omitempty"`

	Namespaces          []Namespace          `json:"schemas,omitempty"`
	Extensions          []Extension          `json:"extensions,omitempty"`
	Collations          []Collation          `json:"collations,omitempty"`
	Enums               []Enum               `json:"enums,omitempty"`
	Domains             []Domain             `json:"domains,omitempty"`
	CompositeTypes      []CompositeType      `json:"composite_types,omitempty"`
	RangeTypes          []RangeType          `json:"range_types,omitempty"`
	Sequences           []Sequence           `json:"sequences,omitempty"`
	Tables              []Table              `json:"tables,omitempty"`
	Views               []View               `json:"views,omitempty"`
	Functions           []Function           `json:"functions,omitempty"`
	Aggregates          []Aggregate          `json:"aggregates,omitempty"`
	Triggers            []Trigger            `json:"triggers,omitempty"`
	EventTriggers       []EventTrigger       `json:"event_triggers,omitempty"`
	Rules               []Rule               `json:"rules,omitempty"`
	Policies            []Policy             `json:"policies,omitempty"`
	Statistics          []Statistics         `json:"statistics,omitempty"`
	ForeignDataWrappers []ForeignDataWrapper `json:"foreign_data_wrappers,omitempty"`
	Servers             []ForeignServer      `json:"servers,omitempty"`
	UserMappings        []UserMapping        `json:"user_mappings,omitempty"`
	Casts               []Cast               `json:"casts,omitempty"`
	DefaultPrivileges   []DefaultPrivileges  `json:"default_privileges,omitempty"`

	// Unsupported counts, per kind, the objects that were seen but that the
	// model cannot represent yet. They are reported, never silently dropped.
	Unsupported map[string]int `json:"unsupported,omitempty"`

	// TableSizes estimates how big the tables of a database are, so that
	// a plan can say which locks fall on large tables. It is read from a
	// server, not declared, and is not part of the schema: Equal ignores
	// it and diff never compares it.
	TableSizes map[QName]TableSize `json:"-"`
}

// TableSize is PostgreSQL's estimate of a table's size (pg_class's
// reltuples and relpages), as of its last VACUUM, ANALYZE or CREATE INDEX.
type TableSize struct {
	// Rows is the estimated row count; -1 when the table has never been
	// vacuumed or analyzed.
	Rows int64
	// Bytes is the size of its main data (relpages × block size), without
	// indexes or TOAST.
	Bytes int64
}

// Namespace is a PostgreSQL schema (pg_namespace). The word schema is taken
// by the whole-database [Schema].
type Namespace struct {
	Name    string  `json:"name"`
	Owner   string  `json:"owner,omitempty"`
	Comment string  `json:"comment,omitempty"`
	Grants  []Grant `json:"grants,omitempty"`
}

// Extension is an installed extension. Objects that belong to it are not part
// of the schema: the extension brings them.
type Extension struct {
	Name    string `json:"name"`
	Schema  string `json:"schema"`
	Version string `json:"version,omitempty"`
	Comment string `json:"comment,omitempty"`
}

// Cast is a user-defined cast (pg_cast rows of user objects).
type Cast struct {
	Source string `json:"source"` // format_type of the source type
	Target string `json:"target"`
	// Function is the cast function's regprocedure text, e.g.
	// "public.to_json(public.t)"; empty for binary-coercible and inout casts.
	Function string `json:"function,omitempty"`
	// Method is 'f' (function), 'b' (binary coercible) or 'i' (inout).
	Method string `json:"method"`
	// Context is 'e' (explicit), 'a' (assignment) or 'i' (implicit).
	Context string      `json:"context"`
	Comment string      `json:"comment,omitempty"`
	Deps    []ObjectRef `json:"deps,omitempty"`
}

// Key returns the cast's identity.
func (c Cast) Key() string { return c.Source + " AS " + c.Target }

// Errorf builds a validation error naming an object.
func errorf(obj string, format string, args ...any) error {
	return fmt.Errorf("%s: %s", obj, fmt.Sprintf(format, args...))
}

// DefaultPrivileges are the privileges that objects of one type get when
// Role creates them (ALTER DEFAULT PRIVILEGES, pg_default_acl): in Schema,
// or in every schema when Schema is "". For every schema, Grants is the
// whole ACL that replaces PostgreSQL's built-in default (the owner holds
// everything; PUBLIC may execute functions and use types); for one schema,
// Grants are added to it.
type DefaultPrivileges struct {
	Role   string `json:"role"`
	Schema string `json:"schema,omitempty"`
	// ObjectType is defaclobjtype: r (tables), S (sequences), f
	// (functions), T (types), n (schemas).
	ObjectType string  `json:"object_type"`
	Grants     []Grant `json:"grants,omitempty"`
}

// Declares reports whether s holds any object besides schemas: a declared
// schema that does not is almost always a mistake (an empty or truncated
// file), since planning against it drops everything the database has.
func (s *Schema) Declares() bool {
	return len(s.Extensions)+len(s.Collations)+len(s.Enums)+len(s.Domains)+len(s.CompositeTypes)+
		len(s.RangeTypes)+len(s.Sequences)+len(s.Tables)+len(s.Views)+len(s.Functions)+len(s.Aggregates)+
		len(s.Triggers)+len(s.EventTriggers)+len(s.Rules)+len(s.Policies)+len(s.Statistics)+len(s.ForeignDataWrappers)+
		len(s.Servers)+len(s.UserMappings)+len(s.Casts)+len(s.DefaultPrivileges)+len(s.Unsupported) > 0
}
