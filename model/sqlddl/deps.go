package sqlddl

import (
	"fmt"
	"slices"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// RefKind is the kind of object a [Ref] names.
type RefKind string

// The kinds of object Deps tells apart. Relations are tables, views,
// materialized views, sequences, indexes and composite types; every table,
// view and composite type is also a type of the same name.
const (
	RefSchema    RefKind = "schema"
	RefExtension RefKind = "extension"
	RefRelation  RefKind = "relation"
	RefType      RefKind = "type"
	RefFunction  RefKind = "function" // also procedures and aggregates
)

// Ref names an object as a statement wrote it: Schema is "" when the name
// was not qualified. Names are folded as PostgreSQL folds them.
type Ref struct {
	Kind   RefKind
	Schema string
	Name   string
}

// String returns the kind and the name, such as "relation public.t".
func (r Ref) String() string {
	if r.Schema == "" {
		return string(r.Kind) + " " + r.Name
	}
	return string(r.Kind) + " " + r.Schema + "." + r.Name
}

// Matches reports whether r and o may name the same object: same kind (a
// type also matches a relation, whose row type it may be) and same name,
// and same schema where both give one.
func (r Ref) Matches(o Ref) bool {
	if r.Name != o.Name || r.Schema != "" && o.Schema != "" && r.Schema != o.Schema {
		return false
	}
	return r.Kind == o.Kind ||
		r.Kind == RefType && o.Kind == RefRelation || r.Kind == RefRelation && o.Kind == RefType
}

// Refs lists the objects a statement creates and the ones it uses.
type Refs struct {
	Creates []Ref
	Uses    []Ref
}

// Deps parses sql, one or more statements, and lists the relations, types,
// functions and schemas it names, split into those it creates and those it
// uses, from the parse tree. It is meant for ordering statements: it reads
// names as written, without resolving them through a search_path, and sees
// no names inside function bodies or strings (nextval('seq')). Built-in
// types and functions (pg_catalog) are left out.
func Deps(sql string) (Refs, error) {
	tree, err := safeParse(sql)
	if err != nil {
		return Refs{}, fmt.Errorf("deps of %q: %w", short(sql), err)
	}
	w := &depWalker{}
	for _, raw := range tree.GetStmts() {
		w.creates(raw.GetStmt())
		w.walk(raw.GetStmt().ProtoReflect())
	}
	var refs Refs
	for _, c := range w.made {
		if !slices.Contains(refs.Creates, c) {
			refs.Creates = append(refs.Creates, c)
		}
	}
	for _, u := range w.used {
		if slices.Contains(refs.Uses, u) || slices.Contains(refs.Creates, u) {
			continue
		}
		refs.Uses = append(refs.Uses, u)
	}
	return refs, nil
}

type depWalker struct {
	made, used []Ref
}

// creates records what a statement creates.
func (w *depWalker) creates(n *pg_query.Node) {
	rel := func(rv *pg_query.RangeVar, alsoType bool) {
		if rv == nil {
			return
		}
		w.made = append(w.made, Ref{RefRelation, rv.Schemaname, rv.Relname})
		if alsoType {
			w.made = append(w.made, Ref{RefType, rv.Schemaname, rv.Relname})
		}
	}
	switch s := n.GetNode().(type) {
	case *pg_query.Node_CreateStmt:
		rel(s.CreateStmt.Relation, true)
	case *pg_query.Node_CreateForeignTableStmt:
		rel(s.CreateForeignTableStmt.GetBaseStmt().GetRelation(), true)
	case *pg_query.Node_ViewStmt:
		rel(s.ViewStmt.View, true)
	case *pg_query.Node_CreateTableAsStmt:
		rel(s.CreateTableAsStmt.GetInto().GetRel(), true)
	case *pg_query.Node_CreateSeqStmt:
		rel(s.CreateSeqStmt.Sequence, false)
	case *pg_query.Node_CompositeTypeStmt:
		rel(s.CompositeTypeStmt.Typevar, true)
	case *pg_query.Node_IndexStmt:
		if s.IndexStmt.Idxname != "" {
			w.made = append(w.made, Ref{RefRelation, s.IndexStmt.GetRelation().GetSchemaname(), s.IndexStmt.Idxname})
		}
	case *pg_query.Node_CreateEnumStmt:
		w.made = append(w.made, nameRef(RefType, s.CreateEnumStmt.TypeName))
	case *pg_query.Node_CreateRangeStmt:
		w.made = append(w.made, nameRef(RefType, s.CreateRangeStmt.TypeName))
	case *pg_query.Node_CreateDomainStmt:
		w.made = append(w.made, nameRef(RefType, s.CreateDomainStmt.Domainname))
	case *pg_query.Node_DefineStmt:
		switch s.DefineStmt.Kind {
		case pg_query.ObjectType_OBJECT_TYPE:
			w.made = append(w.made, nameRef(RefType, s.DefineStmt.Defnames))
		case pg_query.ObjectType_OBJECT_AGGREGATE:
			w.made = append(w.made, nameRef(RefFunction, s.DefineStmt.Defnames))
		}
	case *pg_query.Node_CreateFunctionStmt:
		w.made = append(w.made, nameRef(RefFunction, s.CreateFunctionStmt.Funcname))
	case *pg_query.Node_CreateSchemaStmt:
		w.made = append(w.made, Ref{Kind: RefSchema, Name: s.CreateSchemaStmt.Schemaname})
		for _, e := range s.CreateSchemaStmt.SchemaElts {
			w.creates(e)
		}
	case *pg_query.Node_CreateExtensionStmt:
		w.made = append(w.made, Ref{Kind: RefExtension, Name: s.CreateExtensionStmt.Extname})
	}
}

// walk records the names used anywhere in a parse tree.
func (w *depWalker) walk(m protoreflect.Message) {
	switch n := m.Interface().(type) {
	case *pg_query.RangeVar:
		w.use(RefRelation, n.Schemaname, n.Relname)
	case *pg_query.TypeName:
		w.useName(RefType, n.Names)
	case *pg_query.FuncCall:
		w.useName(RefFunction, n.Funcname)
	case *pg_query.ObjectWithArgs:
		w.useName(RefFunction, n.Objname)
	case *pg_query.CreateTrigStmt:
		w.useName(RefFunction, n.Funcname)
	case *pg_query.CreateExtensionStmt:
		// Its options name a schema (SCHEMA s), not an object.
		return
	case *pg_query.CommentStmt:
		w.object(n.Objtype, n.Object)
	case *pg_query.AlterOwnerStmt:
		w.object(n.ObjectType, n.Object)
	case *pg_query.AlterObjectSchemaStmt:
		w.object(n.ObjectType, n.Object)
	}
	// In field order: Message.Range's order is deliberately random.
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Message() == nil || fd.IsMap() || !m.Has(fd) {
			continue
		}
		if fd.IsList() {
			l := m.Get(fd).List()
			for j := 0; j < l.Len(); j++ {
				w.walk(l.Get(j).Message())
			}
			continue
		}
		w.walk(m.Get(fd).Message())
	}
}

// object records the object of COMMENT ON and ALTER … OWNER TO, which name
// relations and types as lists of strings rather than as RangeVar or
// TypeName nodes.
func (w *depWalker) object(kind pg_query.ObjectType, obj *pg_query.Node) {
	var names []*pg_query.Node
	if l := obj.GetList(); l != nil {
		names = l.Items
	}
	switch kind {
	case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_VIEW, pg_query.ObjectType_OBJECT_MATVIEW,
		pg_query.ObjectType_OBJECT_SEQUENCE, pg_query.ObjectType_OBJECT_INDEX, pg_query.ObjectType_OBJECT_FOREIGN_TABLE:
		w.useName(RefRelation, names)
	case pg_query.ObjectType_OBJECT_COLUMN:
		if len(names) > 1 {
			w.useName(RefRelation, names[:len(names)-1])
		}
	case pg_query.ObjectType_OBJECT_TABCONSTRAINT, pg_query.ObjectType_OBJECT_TRIGGER,
		pg_query.ObjectType_OBJECT_POLICY, pg_query.ObjectType_OBJECT_RULE:
		if len(names) > 1 {
			w.useName(RefRelation, names[:len(names)-1])
		}
	case pg_query.ObjectType_OBJECT_TYPE, pg_query.ObjectType_OBJECT_DOMAIN:
		// A TypeName in COMMENT ON, which walk sees; a list in ALTER.
		w.useName(RefType, names)
	case pg_query.ObjectType_OBJECT_SCHEMA:
		w.use(RefSchema, "", obj.GetString_().GetSval())
	}
}

func (w *depWalker) use(kind RefKind, schema, name string) {
	if name == "" || schema == "pg_catalog" {
		return
	}
	w.used = append(w.used, Ref{kind, schema, name})
	if schema != "" {
		w.used = append(w.used, Ref{Kind: RefSchema, Name: schema})
	}
}

func (w *depWalker) useName(kind RefKind, names []*pg_query.Node) {
	r := nameRef(kind, names)
	w.use(r.Kind, r.Schema, r.Name)
}

// nameRef turns a qualified name (a list of String nodes, possibly with a
// catalog first) into a Ref.
func nameRef(kind RefKind, names []*pg_query.Node) Ref {
	var parts []string
	for _, n := range names {
		parts = append(parts, n.GetString_().GetSval())
	}
	switch len(parts) {
	case 0:
		return Ref{Kind: kind}
	case 1:
		return Ref{Kind: kind, Name: parts[0]}
	}
	return Ref{Kind: kind, Schema: parts[len(parts)-2], Name: parts[len(parts)-1]}
}
