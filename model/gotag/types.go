package gotag

import (
	"fmt"
	"strings"
)

// pgType is the PostgreSQL type retort's grammar gives a Go type.
type pgType struct {
	text     string
	nullable bool
	// enum is set when the type is a Go string type that declares an
	// enum; dims counts the array dimensions around it. text is filled
	// once the enum's name is known.
	enum *typeDecl
	dims int
}

var retortBasic = map[string]string{
	"bool": "boolean", "string": "text",
	"int": "bigint", "int64": "bigint", "uint": "bigint", "uint64": "bigint", "uintptr": "bigint", "uint32": "bigint",
	"int32": "integer", "uint16": "integer", "int16": "smallint", "int8": "smallint", "uint8": "smallint",
	"float64": "double precision", "float32": "real",
}

// knownTypes are the types of other modules whose PostgreSQL type retort's
// grammar knows, and whether they hold NULL.
var knownTypes = map[string]pgType{
	pathTime + ".Time":                      {text: "timestamp with time zone"},
	pathJSON + ".RawMessage":                {text: "jsonb", nullable: true},
	pathSQL + ".NullString":                 {text: "text", nullable: true},
	pathSQL + ".NullInt64":                  {text: "bigint", nullable: true},
	pathSQL + ".NullInt32":                  {text: "integer", nullable: true},
	pathSQL + ".NullInt16":                  {text: "smallint", nullable: true},
	pathSQL + ".NullByte":                   {text: "smallint", nullable: true},
	pathSQL + ".NullFloat64":                {text: "double precision", nullable: true},
	pathSQL + ".NullBool":                   {text: "boolean", nullable: true},
	pathSQL + ".NullTime":                   {text: "timestamp with time zone", nullable: true},
	pathNet + ".IP":                         {text: "inet", nullable: true},
	pathNet + ".IPNet":                      {text: "cidr"},
	pathNet + ".HardwareAddr":               {text: "macaddr", nullable: true},
	pathNetip + ".Addr":                     {text: "inet"},
	pathNetip + ".Prefix":                   {text: "cidr"},
	pathDecimal + ".Decimal":                {text: "numeric"},
	pathDecimal + ".NullDecimal":            {text: "numeric", nullable: true},
	"github.com/google/uuid.NullUUID":       {text: "uuid", nullable: true},
	"github.com/gofrs/uuid.NullUUID":        {text: "uuid", nullable: true},
	"github.com/gofrs/uuid/v5.NullUUID":     {text: "uuid", nullable: true},
	pathGorm + ".DeletedAt":                 {text: "timestamp with time zone", nullable: true},
	pathDatatypes + ".JSON":                 {text: "jsonb", nullable: true},
	pathDatatypes + ".JSONMap":              {text: "jsonb", nullable: true},
	pathDatatypes + ".Date":                 {text: "date"},
	pathDatatypes + ".Time":                 {text: "time without time zone"},
	pathDatatypes + ".UUID":                 {text: "uuid"},
	pathBun + ".NullTime":                   {text: "timestamp with time zone", nullable: true},
	pathBunSchema + ".NullTime":             {text: "timestamp with time zone", nullable: true},
	"github.com/cockroachdb/apd/v3.Decimal": {text: "numeric"},
}

// pgtypeTypes are pgx's nullable types, all of which hold NULL.
var pgtypeTypes = map[string]string{
	"Text": "text", "Int2": "smallint", "Int4": "integer", "Int8": "bigint", "Float4": "real",
	"Float8": "double precision", "Bool": "boolean", "Timestamptz": "timestamp with time zone",
	"Timestamp": "timestamp without time zone", "Date": "date", "Time": "time without time zone",
	"Interval": "interval", "Numeric": "numeric", "UUID": "uuid",
}

// retortType maps a Go type to its PostgreSQL type under retort's rules:
// pointers, sql.Null*, pgtype types, slices and maps hold NULL; other
// types do not.
func retortType(t *gtype) (pgType, error) { return retortTypeDepth(t, 0) }

func retortTypeDepth(t *gtype, depth int) (pgType, error) {
	if depth > 32 || t == nil {
		return pgType{}, fmt.Errorf("type nests too deep")
	}
	switch t.kind {
	case kPointer:
		pt, err := retortTypeDepth(t.elem, depth+1)
		pt.nullable = true
		return pt, err
	case kBasic:
		if s, ok := retortBasic[t.name]; ok {
			return pgType{text: s}, nil
		}
	case kSlice, kArray:
		if isByte(t.elem) {
			return pgType{text: "bytea", nullable: t.kind == kSlice}, nil
		}
		et, err := retortTypeDepth(t.elem, depth+1)
		if err != nil {
			return pgType{}, err
		}
		if et.enum != nil {
			return pgType{enum: et.enum, dims: et.dims + 1, nullable: t.kind == kSlice}, nil
		}
		txt := et.text
		if !strings.HasSuffix(txt, "[]") {
			txt += "[]"
		}
		return pgType{text: txt, nullable: t.kind == kSlice}, nil
	case kMap:
		return pgType{text: "jsonb", nullable: true}, nil
	case kNamed:
		if pt, ok := knownTypes[t.key()]; ok {
			return pt, nil
		}
		if isUUID(t) {
			return pgType{text: "uuid", nullable: t.path == pathPgtype}, nil
		}
		if s, ok := pgtypeTypes[t.name]; ok && (t.path == pathPgtype || t.path == pathPgtype4) {
			return pgType{text: s, nullable: true}, nil
		}
		if t.path == pathSQL && t.name == "Null" && len(t.args) == 1 {
			pt, err := retortTypeDepth(t.args[0], depth+1)
			pt.nullable = true
			return pt, err
		}
		if t.decl != nil {
			if isEnumType(t.decl) {
				return pgType{enum: t.decl}, nil
			}
			u := underlying(t)
			if u.kind == kNamed && u.decl != nil && u.decl.spec.TypeParams != nil {
				return pgType{}, fmt.Errorf("no PostgreSQL type for generic type %s; add type:…", t)
			}
			if u.kind == kStruct || (u.kind == kNamed && u.decl != nil) {
				return pgType{}, fmt.Errorf("no PostgreSQL type for struct %s; add embed to flatten it, or type:jsonb", t)
			}
			return retortTypeDepth(u, depth+1)
		}
		return pgType{}, fmt.Errorf("no PostgreSQL type known for %s; add type:…", t)
	case kStruct:
		return pgType{}, fmt.Errorf("no PostgreSQL type for an inline struct; add embed, or type:jsonb")
	}
	return pgType{}, fmt.Errorf("no PostgreSQL type for %s; add type:…", t)
}

// isEnumType reports whether a declaration is a string type that declares
// an enum: one marked //retort:enum, or one with constants of its own.
func isEnumType(d *typeDecl) bool {
	if _, _, ok := enumDirective(d); ok {
		return true
	}
	u := typeOf(d.file, d.spec.Type)
	return u.kind == kBasic && u.name == "string" && len(d.file.pkg.consts[d.spec.Name.Name]) > 0 && d.spec.TypeParams == nil
}

// enumDirective finds //retort:enum [[schema.]name] in a type's doc.
func enumDirective(d *typeDecl) (schema, name string, ok bool) {
	if d == nil || d.doc == nil {
		return "", "", false
	}
	for _, c := range d.doc.List {
		line := strings.TrimPrefix(c.Text, "//")
		line = strings.TrimSpace(line)
		rest, found := strings.CutPrefix(line, "retort:enum")
		if !found || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		rest = strings.TrimSpace(rest)
		if rest == "" {
			return "", "", true
		}
		s, n, qok := qualified(rest)
		if !qok {
			return "", "", true // reported where the enum is built
		}
		return s, n, true
	}
	return "", "", false
}
