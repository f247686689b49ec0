package gotag

import (
	"fmt"
	"go/ast"
	"go/token"
	"strconv"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
)

// gormSettings parses a gorm tag as GORM does (schema.ParseTagSetting):
// settings split at ";" (a backslash before it keeps it), each cut at its
// first ":" into an upper-cased key and a value; a key alone is its own
// value.
func gormSettings(s string) map[string]string { return gormParse(s, ";") }

func gormParse(s, sep string) map[string]string {
	out := map[string]string{}
	names := strings.Split(s, sep)
	for i := 0; i < len(names); i++ {
		v := names[i]
		for strings.HasSuffix(v, `\`) && i+1 < len(names) {
			i++
			v = v[:len(v)-1] + sep + names[i]
		}
		parts := strings.Split(v, ":")
		k := strings.TrimSpace(strings.ToUpper(parts[0]))
		if len(parts) >= 2 {
			out[k] = strings.ReplaceAll(strings.Join(parts[1:], ":"), `\"`, `"`)
		} else if k != "" {
			out[k] = k
		}
	}
	return out
}

// truth is GORM's utils.CheckTruth.
func truth(vals ...string) bool {
	for _, v := range vals {
		if v != "" && !strings.EqualFold(v, "false") {
			return true
		}
	}
	return false
}

// gormKnownKeys are the settings GORM and its PostgreSQL driver read; any
// other key in a gorm tag is reported, as GORM would silently ignore it.
var gormKnownKeys = map[string]bool{"-": true, "->": true, "<-": true, "COLUMN": true, "TYPE": true, "SIZE": true,
	"PRECISION": true, "SCALE": true, "NOT NULL": true, "NOTNULL": true, "DEFAULT": true, "UNIQUE": true,
	"PRIMARYKEY": true, "PRIMARY_KEY": true, "AUTOINCREMENT": true, "AUTOINCREMENTINCREMENT": true,
	"INDEX": true, "UNIQUEINDEX": true, "CHECK": true, "COMMENT": true, "EMBEDDED": true, "EMBEDDEDPREFIX": true,
	"AUTOCREATETIME": true, "AUTOUPDATETIME": true, "SERIALIZER": true, "JSON": true, "FOREIGNKEY": true,
	"REFERENCES": true, "CONSTRAINT": true, "MANY2MANY": true, "JOINFOREIGNKEY": true, "JOINREFERENCES": true,
	"POLYMORPHIC": true, "POLYMORPHICTYPE": true, "POLYMORPHICID": true, "POLYMORPHICVALUE": true,
	"BELONGSTO": true, "GENERATED": true, "ZEROVALUE": true, "PRIORITY": true, "CLASS": true, "WHERE": true,
	"SORT": true, "LENGTH": true, "COLLATE": true, "EXPRESSION": true, "OPTION": true, "COMPOSITE": true}

// gormField is one field of a GORM model as GORM's schema parser sees it.
type gormField struct {
	name    string   // Go name
	bind    []string // Go path from the model
	pos     token.Position
	tag     string
	gtv     tagValue // the gorm tag's value
	rtv     tagValue // the retort tag's value, when there is one
	rItems  []item
	set     map[string]string
	typ     *gtype
	dbName  string
	noPerms bool // "-": neither read nor written
	ignore  bool // -:migration or -:all: not in the table

	dataType   string // bool, int, uint, float, string, time, bytes, or an SQL type
	gormDT     string
	size       int
	precision  int
	scale      int
	pk         bool
	explicitPK bool
	autoInc    bool
	notNull    bool
	unique     bool
	comment    string

	relation bool
	relType  *gtype // the associated struct type
	relSlice bool
}

// gormBuiltin are the settings of gorm.Model's fields.
var gormModelFields = []struct{ name, tag string }{
	{"ID", "primarykey"}, {"CreatedAt", ""}, {"UpdatedAt", ""}, {"DeletedAt", "index"},
}

// gormFields reads a GORM model's fields, with embedded structs flattened
// as GORM flattens them.
func (l *loader) gormFields(st *ast.StructType, f *fileInfo, bind []string, depth int) []*gormField {
	if st.Fields == nil || depth > 16 {
		return nil
	}
	var out []*gormField
	for _, fld := range st.Fields.List {
		typ := typeOf(f, fld.Type)
		ti := l.tagOf(fld)
		names := fld.Names
		if len(names) == 0 {
			base, _ := deref(typ)
			if base.is(pathGorm, "Model") {
				for _, m := range gormModelFields {
					mt := &gtype{kind: kNamed, path: pathTime, name: "Time"}
					switch m.name {
					case "ID":
						mt = &gtype{kind: kBasic, name: "uint"}
					case "DeletedAt":
						mt = &gtype{kind: kNamed, path: pathGorm, name: "DeletedAt"}
					}
					gf := l.gormField(m.name, mt, tagInfo{raw: `gorm:"` + m.tag + `"`, pos: l.pos(fld)}, append(bind[:len(bind):len(bind)], "Model"))
					out = append(out, gf)
				}
				continue
			}
			names = []*ast.Ident{{Name: base.name, NamePos: fld.Type.Pos()}}
		}
		for _, n := range names {
			if !ast.IsExported(n.Name) {
				continue
			}
			gf := l.gormField(n.Name, typ, ti, bind)
			gf.pos = l.pos(n)
			_, embedSet := gf.set["EMBEDDED"]
			anonymous := len(fld.Names) == 0
			if embedSet || (anonymous && gf.dataType != "time" && gf.dataType != "bytes" && !gf.noPerms && gf.relation) {
				base, _ := deref(typ)
				est, ef, ok := structOf(base)
				if !ok {
					l.e.add(gf.pos, ti.raw, "embedded field %s: %s is not a struct in the packages read", n.Name, typ)
					continue
				}
				for _, c := range l.gormFields(est, ef, append(bind[:len(bind):len(bind)], n.Name), depth+1) {
					if prefix, ok := gf.set["EMBEDDEDPREFIX"]; ok && c.dbName != "" {
						c.dbName = prefix + c.dbName
					}
					if c.pk && !c.explicitPK {
						c.pk = false
						if !truth(c.set["AUTOINCREMENT"]) {
							c.autoInc = false
						}
					}
					out = append(out, c)
				}
				continue
			}
			out = append(out, gf)
		}
	}
	return out
}

// gormField reads one field's gorm tag and type.
func (l *loader) gormField(name string, typ *gtype, ti tagInfo, bind []string) *gormField {
	gf := &gormField{name: name, bind: append(bind[:len(bind):len(bind)], name), pos: ti.pos, tag: ti.raw, typ: typ}
	gtv, has, err := ti.lookup("gorm")
	if err != nil {
		l.e.add(ti.pos, ti.raw, "%v", err)
	}
	gf.gtv = gtv
	if has {
		gf.set = gormSettings(gtv.val)
	} else {
		gf.set = map[string]string{}
	}
	if rtv, ok, err := ti.lookup(tagKey); err == nil && ok {
		gf.rtv = rtv
		if gf.rItems, err = splitItems(rtv.val); err != nil {
			l.tagErr(rtv, err)
		}
	}
	for k := range gf.set {
		if !gormKnownKeys[k] {
			l.e.add(gtv.tag.pos, ti.raw, "field %s: unknown gorm setting %q (GORM ignores it; retort refuses it so that a typo does not go unseen)", name, k)
		}
	}
	if err := gf.interpret(); err != nil {
		l.e.add(ti.pos, ti.raw, "field %s: %v", name, err)
		gf.noPerms = true
	}
	return gf
}

// interpret derives what GORM derives from a field's settings and type.
func (gf *gormField) interpret() error {
	s := gf.set
	gf.dbName = s["COLUMN"]
	gf.pk = truth(s["PRIMARYKEY"], s["PRIMARY_KEY"])
	gf.explicitPK = gf.pk
	gf.autoInc = truth(s["AUTOINCREMENT"])
	gf.notNull = truth(s["NOT NULL"], s["NOTNULL"])
	gf.unique = truth(s["UNIQUE"])
	gf.comment = s["COMMENT"]
	var kindName string
	var err error
	gf.dataType, gf.size, kindName, gf.relType, gf.relSlice, err = gormType(gf.typ)
	if v, ok := s["SERIALIZER"]; ok && v != "" {
		gf.dataType, err = "string", nil
	} else if v, ok := s["JSON"]; ok && v != "" {
		gf.dataType, err = "string", nil
	}
	gf.gormDT = gf.dataType
	if v, ok := s["TYPE"]; ok {
		switch lv := strings.ToLower(v); lv {
		case "bool", "int", "uint", "float", "string", "time", "bytes":
			gf.dataType = lv
		default:
			gf.dataType = v
		}
		err = nil
	}
	if v, ok := s["SIZE"]; ok {
		var aerr error
		if gf.size, aerr = strconv.Atoi(v); aerr != nil {
			gf.size = -1
		}
	}
	if gf.size == 0 {
		gf.size = kindSize[kindName]
	}
	gf.precision, _ = strconv.Atoi(s["PRECISION"])
	gf.scale, _ = strconv.Atoi(s["SCALE"])
	switch strings.ToLower(strings.TrimSpace(s["-"])) {
	case "-", "all":
		gf.noPerms, gf.ignore, gf.dataType = true, s["-"] != "-", ""
		return nil
	case "migration":
		gf.ignore = true
	}
	if gf.dataType == "" {
		gf.relation = gf.relType != nil
		if !gf.relation && err != nil {
			return err
		}
	}
	if gf.dbName == "" && gf.dataType != "" {
		gf.dbName = snakeName(gf.name)
	}
	return nil
}

// kindSize is the size GORM gives a number by its Go kind.
var kindSize = map[string]int{"int": 64, "int64": 64, "uint": 64, "uint64": 64, "float64": 64, "int8": 8, "uint8": 8,
	"int16": 16, "uint16": 16, "int32": 32, "uint32": 32, "float32": 32}

// gormType is the data type GORM gives a Go type (schema.ParseField): bool,
// int, uint, float, string, time or bytes, or an SQL type; kindName is the
// Go kind that sizes a number. An association (a struct, or slice of
// structs, that GORM cannot store in a column) has no data type and gives
// its struct type.
func gormType(t *gtype) (dt string, size int, kindName string, rel *gtype, relSlice bool, err error) {
	t, _ = deref(t)
	switch t.kind {
	case kBasic:
		return gormBasic(t.name)
	case kSlice, kArray:
		if isByte(t.elem) {
			return "bytes", 0, "", nil, false, nil
		}
		if t.kind == kSlice {
			et, _ := deref(t.elem)
			if _, _, ok := structOf(et); ok && !gormScalarStruct(et) {
				return "", 0, "", et, true, nil
			}
		}
		return "", 0, "", nil, false, fmt.Errorf("GORM cannot store %s in a column; add type:… (e.g. type:text[])", t)
	case kNamed:
		switch t.key() {
		case pathTime + ".Time", pathGorm + ".DeletedAt", pathSQL + ".NullTime":
			return "time", 0, "", nil, false, nil
		case pathSQL + ".NullString", pathDecimal + ".Decimal":
			return "string", 0, "", nil, false, nil
		case pathSQL + ".NullInt64":
			return gormBasic("int64")
		case pathSQL + ".NullInt32":
			return gormBasic("int32")
		case pathSQL + ".NullInt16":
			return gormBasic("int16")
		case pathSQL + ".NullByte":
			return gormBasic("uint8")
		case pathSQL + ".NullFloat64":
			return gormBasic("float64")
		case pathSQL + ".NullBool":
			return gormBasic("bool")
		case pathJSON + ".RawMessage", pathNet + ".IP":
			return "bytes", 0, "", nil, false, nil
		case pathDatatypes + ".JSON", pathDatatypes + ".JSONMap":
			return "jsonb", 0, "", nil, false, nil
		case pathDatatypes + ".Date":
			return "date", 0, "", nil, false, nil
		case pathDatatypes + ".UUID":
			return "uuid", 0, "", nil, false, nil
		case pathSQL + ".Null":
			if len(t.args) == 1 {
				return gormType(t.args[0])
			}
		}
		if isUUID(t) && t.path != pathPgtype {
			return "string", 0, "", nil, false, nil // its Value is the text form
		}
		if t.path == pathPgtype {
			switch t.name {
			case "Text":
				return "string", 0, "", nil, false, nil
			case "Int2", "Int4", "Int8", "Float4", "Float8", "Bool":
				return gormBasic(map[string]string{"Int2": "int16", "Int4": "int32", "Int8": "int64",
					"Float4": "float32", "Float8": "float64", "Bool": "bool"}[t.name])
			case "Timestamptz", "Timestamp", "Date":
				return "time", 0, "", nil, false, nil
			}
		}
		if t.decl != nil {
			p, name := t.decl.file.pkg, t.decl.spec.Name.Name
			if v, _, ok := p.stringMethod(name, "GormDataType"); ok {
				return strings.ToLower(v), 0, "", nil, false, nil
			}
			u := underlying(t)
			_, hasValue := p.methods[name]["Value"]
			switch {
			case u.kind == kBasic:
				return gormBasic(u.name)
			case (u.kind == kSlice || u.kind == kArray) && isByte(u.elem):
				return "bytes", 0, "", nil, false, nil
			case hasValue:
				return "", 0, "", nil, false, fmt.Errorf("GORM takes %s's column type from what its Value method returns; add type:…", t)
			case u.kind == kStruct:
				return "", 0, "", t, false, nil
			}
			return gormType(u)
		}
	}
	return "", 0, "", nil, false, fmt.Errorf("no column type known for %s under GORM's rules; add type:…", t)
}

func gormBasic(name string) (string, int, string, *gtype, bool, error) {
	switch {
	case name == "bool":
		return "bool", 0, name, nil, false, nil
	case name == "string":
		return "string", 0, name, nil, false, nil
	case strings.HasPrefix(name, "uint"):
		return "uint", 0, name, nil, false, nil
	case strings.HasPrefix(name, "int"):
		return "int", 0, name, nil, false, nil
	case strings.HasPrefix(name, "float"):
		return "float", 0, name, nil, false, nil
	}
	return "", 0, "", nil, false, fmt.Errorf("GORM cannot store %s in a column", name)
}

// gormScalarStruct reports whether a struct type is a value GORM stores in
// one column rather than an association.
func gormScalarStruct(t *gtype) bool {
	dt, _, _, _, _, err := gormType(t)
	return dt != "" || err != nil
}

// gormSQLType is the column type the PostgreSQL driver writes for a field
// (Dialector.DataTypeOf).
func gormSQLType(gf *gormField) string {
	if v, ok := gf.set["GENERATED"]; ok {
		v = strings.TrimSpace(v)
		if v != "" && v != "GENERATED" {
			if identityMode(v) != "" {
				return gormIntType(gf)
			}
			return gormBaseType(gf)
		}
	}
	return gormBaseType(gf)
}

// identityMode is "a" or "d" when a generated setting declares an identity
// column, "" when it is an expression.
func identityMode(v string) string {
	mode, ok := "d", false
	for _, tok := range strings.Fields(strings.ToLower(v)) {
		switch tok {
		case "identity":
			ok = true
		case "always":
			mode = "a"
		case "by", "default":
		default:
			return ""
		}
	}
	if !ok {
		return ""
	}
	return mode
}

func gormBaseType(gf *gormField) string {
	switch gf.dataType {
	case "bool":
		return "boolean"
	case "int", "uint":
		it := gormIntType(gf)
		if gf.autoInc {
			return map[string]string{"smallint": "smallserial", "integer": "serial", "bigint": "bigserial"}[it]
		}
		return it
	case "float":
		if gf.precision > 0 {
			if gf.scale > 0 {
				return fmt.Sprintf("numeric(%d,%d)", gf.precision, gf.scale)
			}
			return fmt.Sprintf("numeric(%d)", gf.precision)
		}
		return "numeric"
	case "string":
		if gf.size > 0 && gf.size <= 10485760 {
			return fmt.Sprintf("character varying(%d)", gf.size)
		}
		return "text"
	case "time":
		if gf.precision > 0 {
			return fmt.Sprintf("timestamp(%d) with time zone", gf.precision)
		}
		return "timestamp with time zone"
	case "bytes":
		return "bytea"
	}
	typ := gf.dataType
	if gf.autoInc && !strings.Contains(strings.ToLower(typ), "serial") {
		size := gf.size
		if gf.gormDT == "uint" {
			size++
		}
		switch {
		case size <= 16:
			return "smallserial"
		case size <= 32:
			return "serial"
		}
		return "bigserial"
	}
	return typ
}

func gormIntType(gf *gormField) string {
	size := gf.size
	if gf.dataType == "uint" {
		size++
	}
	switch {
	case size <= 16:
		return "smallint"
	case size <= 32:
		return "integer"
	}
	return "bigint"
}

// gormDefault is the DEFAULT clause GORM writes (Migrator.FullDataTypeOf):
// a parsed literal for booleans, numbers and strings, the text as written
// for expressions.
func gormDefault(gf *gormField) (string, error) {
	v, ok := gf.set["DEFAULT"]
	if !ok {
		return "", nil
	}
	v = strings.TrimSpace(v)
	if v == "" || v == "(-)" {
		return "", nil
	}
	if strings.Contains(v, "(") && strings.Contains(v, ")") || strings.EqualFold(v, "null") {
		return v, nil
	}
	switch gf.gormDT {
	case "bool":
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "", fmt.Errorf("default %q is not a boolean", v)
		}
		return strconv.FormatBool(b), nil
	case "int":
		n, err := strconv.ParseInt(v, 0, 64)
		if err != nil {
			return "", fmt.Errorf("default %q is not an integer", v)
		}
		return strconv.FormatInt(n, 10), nil
	case "uint":
		n, err := strconv.ParseUint(v, 0, 64)
		if err != nil {
			return "", fmt.Errorf("default %q is not an unsigned integer", v)
		}
		return strconv.FormatUint(n, 10), nil
	case "float":
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return "", fmt.Errorf("default %q is not a number", v)
		}
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case "string":
		v = strings.Trim(strings.Trim(v, "'"), `"`)
		return sqlq.Literal(v), nil
	case "time":
		if v != "" && v[0] >= '0' && v[0] <= '9' {
			return sqlq.Literal(v), nil
		}
	}
	return v, nil
}
