package gotag

import (
	"go/ast"
	"strings"
)

// kind classifies a Go type expression, read without type checking.
type kind int

const (
	kInvalid   kind = iota
	kBasic          // a predeclared type: name holds it (byte and rune spelled uint8 and int32)
	kNamed          // a named type: path and name, and decl when Load has its source
	kPointer        // *elem
	kSlice          // []elem
	kArray          // [N]elem
	kMap            // map[…]elem
	kStruct         // an inline struct type
	kInterface      // an interface type (any included)
	kOther          // func and chan types
)

// gtype is a Go type as the source spells it.
type gtype struct {
	kind kind
	name string
	path string // import path of a named type
	elem *gtype
	decl *typeDecl // source of a named type, when Load read it
	args []*gtype  // type arguments of an instantiated generic type
	st   *ast.StructType
	file *fileInfo // where an inline struct is declared
}

var predeclared = map[string]string{
	"bool": "bool", "string": "string", "int": "int", "int8": "int8", "int16": "int16", "int32": "int32",
	"int64": "int64", "uint": "uint", "uint8": "uint8", "uint16": "uint16", "uint32": "uint32",
	"uint64": "uint64", "uintptr": "uintptr", "float32": "float32", "float64": "float64",
	"complex64": "complex64", "complex128": "complex128", "byte": "uint8", "rune": "int32",
}

// typeOf reads a type expression in the context of a file.
func typeOf(f *fileInfo, e ast.Expr) *gtype {
	switch e := e.(type) {
	case *ast.Ident:
		if d, ok := f.pkg.types[e.Name]; ok {
			return &gtype{kind: kNamed, name: e.Name, path: f.pkg.path, decl: d}
		}
		if b, ok := predeclared[e.Name]; ok {
			return &gtype{kind: kBasic, name: b}
		}
		switch e.Name {
		case "any":
			return &gtype{kind: kInterface}
		case "error":
			return &gtype{kind: kOther, name: "error"}
		}
		return &gtype{kind: kInvalid, name: e.Name}
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		if !ok {
			return &gtype{kind: kInvalid}
		}
		ipath, ok := f.importOf(x.Name)
		if !ok {
			return &gtype{kind: kInvalid, name: x.Name + "." + e.Sel.Name}
		}
		t := &gtype{kind: kNamed, name: e.Sel.Name, path: ipath}
		if p := f.pkg.l.pkgByPath(ipath); p != nil {
			t.decl = p.types[e.Sel.Name]
		}
		return t
	case *ast.StarExpr:
		return &gtype{kind: kPointer, elem: typeOf(f, e.X)}
	case *ast.ParenExpr:
		return typeOf(f, e.X)
	case *ast.ArrayType:
		if e.Len == nil {
			return &gtype{kind: kSlice, elem: typeOf(f, e.Elt)}
		}
		return &gtype{kind: kArray, elem: typeOf(f, e.Elt)}
	case *ast.MapType:
		return &gtype{kind: kMap, elem: typeOf(f, e.Value)}
	case *ast.StructType:
		return &gtype{kind: kStruct, st: e, file: f}
	case *ast.InterfaceType:
		return &gtype{kind: kInterface}
	case *ast.FuncType, *ast.ChanType:
		return &gtype{kind: kOther}
	case *ast.IndexExpr:
		t := typeOf(f, e.X)
		t.args = []*gtype{typeOf(f, e.Index)}
		return t
	case *ast.IndexListExpr:
		t := typeOf(f, e.X)
		for _, a := range e.Indices {
			t.args = append(t.args, typeOf(f, a))
		}
		return t
	}
	return &gtype{kind: kInvalid}
}

// is reports whether t is the named type path.name.
func (t *gtype) is(path, name string) bool {
	return t != nil && t.kind == kNamed && t.path == path && t.name == name
}

// key is path.name for a named type.
func (t *gtype) key() string { return t.path + "." + t.name }

// String writes the type as Go source would, with package names.
func (t *gtype) String() string {
	if t == nil {
		return "?"
	}
	switch t.kind {
	case kBasic:
		return t.name
	case kNamed:
		s := t.name
		if t.decl == nil || t.decl.file.pkg.path != t.path || strings.HasPrefix(t.path, "dir:") {
			s = guessPackageName(t.path) + "." + t.name
		} else if t.decl != nil {
			s = t.decl.file.pkg.name + "." + t.name
		}
		if len(t.args) > 0 {
			var args []string
			for _, a := range t.args {
				args = append(args, a.String())
			}
			s += "[" + strings.Join(args, ", ") + "]"
		}
		return s
	case kPointer:
		return "*" + t.elem.String()
	case kSlice:
		return "[]" + t.elem.String()
	case kArray:
		return "[N]" + t.elem.String()
	case kMap:
		return "map[…]" + t.elem.String()
	case kStruct:
		return "struct{…}"
	case kInterface:
		return "interface{…}"
	case kOther:
		if t.name != "" {
			return t.name
		}
		return "func or chan"
	}
	if t.name != "" {
		return t.name
	}
	return "an unknown type"
}

// underlying follows a named type whose source Load has to the type it is
// declared as; other types are returned as they are.
func underlying(t *gtype) *gtype {
	for i := 0; i < 32 && t != nil && t.kind == kNamed && t.decl != nil; i++ {
		if t.decl.spec.TypeParams != nil {
			return t
		}
		t = typeOf(t.decl.file, t.decl.spec.Type)
	}
	return t
}

// deref strips pointers and reports whether there were any.
func deref(t *gtype) (*gtype, bool) {
	ptr := false
	for i := 0; i < 32 && t != nil && t.kind == kPointer; i++ {
		t, ptr = t.elem, true
	}
	return t, ptr
}

// isByte reports whether t is byte (uint8), directly or through a named
// type.
func isByte(t *gtype) bool {
	u := underlying(t)
	return u != nil && u.kind == kBasic && u.name == "uint8"
}

// structOf returns the struct type a named or inline struct type declares,
// with the file its fields are read in.
func structOf(t *gtype) (*ast.StructType, *fileInfo, bool) {
	if t == nil {
		return nil, nil, false
	}
	if t.kind == kStruct {
		return t.st, t.file, true
	}
	for i := 0; i < 32 && t != nil && t.kind == kNamed && t.decl != nil; i++ {
		if st, ok := t.decl.spec.Type.(*ast.StructType); ok {
			return st, t.decl.file, true
		}
		t = typeOf(t.decl.file, t.decl.spec.Type)
	}
	return nil, nil, false
}

// Import paths of the packages whose types Load knows without their source.
const (
	pathTime      = "time"
	pathSQL       = "database/sql"
	pathJSON      = "encoding/json"
	pathNet       = "net"
	pathNetip     = "net/netip"
	pathGorm      = "gorm.io/gorm"
	pathDatatypes = "gorm.io/datatypes"
	pathBun       = "github.com/uptrace/bun"
	pathBunSchema = "github.com/uptrace/bun/schema"
	pathDecimal   = "github.com/shopspring/decimal"
	pathPgtype    = "github.com/jackc/pgx/v5/pgtype"
	pathPgtype4   = "github.com/jackc/pgtype"
)

// uuidPaths are the packages whose UUID type is a PostgreSQL uuid.
var uuidPaths = map[string]bool{
	"github.com/google/uuid":         true,
	"github.com/gofrs/uuid":          true,
	"github.com/gofrs/uuid/v5":       true,
	"github.com/satori/go.uuid":      true,
	"github.com/jackc/pgx/v5/pgtype": true,
}

// isUUID reports whether t is a known UUID type.
func isUUID(t *gtype) bool { return t.kind == kNamed && t.name == "UUID" && uuidPaths[t.path] }
