package gotag

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strings"

	"github.com/retortdb/retort/model"
)

// bunTag is a bun tag as bun's tagparser reads it: a name and options,
// each option with every value it was given.
type bunTag struct {
	name string
	opts map[string][]string
}

func (t bunTag) has(k string) bool { _, ok := t.opts[k]; return ok }

func (t bunTag) opt(k string) (string, bool) {
	vs, ok := t.opts[k]
	if !ok || len(vs) == 0 {
		return "", ok
	}
	return vs[len(vs)-1], true
}

// parseBunTag follows bun's internal/tagparser: comma-separated items,
// key:value options whose values may be "double-quoted" or hold
// parentheses with commas; the first key without a value is the name.
func parseBunTag(s string) bunTag {
	var t bunTag
	seenName := false
	setName := func(n string) {
		if seenName {
			addOpt(&t, n, "")
			return
		}
		seenName, t.name = true, n
	}
	i := 0
	for i < len(s) {
		start := i
		done := false
		for i < len(s) && !done {
			c := s[i]
			i++
			switch c {
			case ',':
				setName(s[start : i-1])
				done = true
			case ':':
				key := s[start : i-1]
				var val string
				val, i = bunValue(s, i)
				seenName = true
				addOpt(&t, key, val)
				done = true
			case '"':
				var v string
				v, i = bunQuoted(s, i)
				setName(v)
				done = true
			}
		}
		if !done {
			setName(s[start:i])
		}
		if i < len(s) && s[i] == ',' {
			i++
		}
	}
	return t
}

func addOpt(t *bunTag, k, v string) {
	if k == "" {
		return
	}
	if t.opts == nil {
		t.opts = map[string][]string{}
	}
	t.opts[k] = append(t.opts[k], v)
}

func bunValue(s string, i int) (string, int) {
	start := i
	for i < len(s) {
		c := s[i]
		i++
		switch c {
		case '"':
			return bunQuoted(s, i)
		case ',':
			return s[start : i-1], i - 1
		case '(':
			lvl := 0
			for i < len(s) {
				c := s[i]
				i++
				if c == '"' {
					_, i = bunQuoted(s, i)
				} else if c == '(' {
					lvl++
				} else if c == ')' {
					if lvl == 0 {
						break
					}
					lvl--
				}
			}
		}
	}
	return s[start:i], i
}

func bunQuoted(s string, i int) (string, int) {
	var b strings.Builder
	for i < len(s) {
		c := s[i]
		i++
		switch c {
		case '\\':
			if i < len(s) {
				b.WriteByte(s[i])
				i++
			}
		case '"':
			return b.String(), i
		default:
			b.WriteByte(c)
		}
	}
	return "", i
}

// bunKnownOptions are the field options bun reads; others are reported,
// as bun itself warns about them.
var bunKnownOptions = map[string]bool{"column": true, "alt": true, "type": true, "array": true, "hstore": true,
	"composite": true, "multirange": true, "json_use_number": true, "msgpack": true, "notnull": true,
	"nullzero": true, "default": true, "unique": true, "soft_delete": true, "scanonly": true, "skipupdate": true,
	"pk": true, "autoincrement": true, "rel": true, "join": true, "join_on": true, "on_update": true,
	"on_delete": true, "m2m": true, "polymorphic": true, "identity": true, "embed": true}

// bunField is one field of a bun model.
type bunField struct {
	goName  string
	index   []int
	name    string
	tag     bunTag
	typ     *gtype
	pos     token.Position
	tagText string
	rtv     tagValue
	rItems  []item
	pk      bool
	notNull bool
	sqlType string
	err     error
	prefix  string // embed prefix, for unique group names
}

// bunTableName reads the table name from bun.BaseModel's tag, or makes it
// as bun does: the plural of the struct's name in snake_case.
func (l *loader) bunTableName(decl *typeDecl, st *ast.StructType) model.QName {
	name := plural(bunName(decl.spec.Name.Name))
	q := model.QName{Schema: "public", Name: name}
	for _, fld := range st.Fields.List {
		if len(fld.Names) != 0 || !typeOf(decl.file, fld.Type).is(pathBun, "BaseModel") {
			continue
		}
		tv, ok, _ := l.tagOf(fld).lookup("bun")
		if !ok {
			continue
		}
		tag := parseBunTag(tv.val)
		if tag.name != "" {
			name = tag.name
		}
		if v, ok := tag.opt("table"); ok {
			name = v
		}
		if i := strings.Index(name, "."); i > 0 {
			q.Schema, name = name[:i], name[i+1:]
		}
		q.Name = name
	}
	return q
}

// bunFields reads a bun model's columns in bun's order (processFields):
// struct order, embedded structs flattened where they stand.
func (l *loader) bunFields(st *ast.StructType, f *fileInfo, index []int, depth int) (fields, rels []*bunField) {
	if st.Fields == nil || depth > 16 {
		return nil, nil
	}
	var direct, embedded []*bunField
	names := map[string]int{}
	tagged := map[string]int{}
	i := -1
	for _, fld := range st.Fields.List {
		typ := typeOf(f, fld.Type)
		ti := l.tagOf(fld)
		tv, _, err := ti.lookup("bun")
		if err != nil {
			l.e.add(ti.pos, ti.raw, "%v", err)
		}
		fnames := fld.Names
		if len(fnames) == 0 {
			base, _ := deref(typ)
			fnames = []*ast.Ident{{Name: base.name, NamePos: fld.Type.Pos()}}
		}
		for _, n := range fnames {
			i++
			idx := append(index[:len(index):len(index)], i)
			if tv.val == "-" {
				names[n.Name]++
				continue
			}
			tag := parseBunTag(tv.val)
			anonymous := len(fld.Names) == 0
			if !ast.IsExported(n.Name) && !anonymous {
				continue
			}
			if anonymous {
				base, _ := deref(typ)
				if base.is(pathBun, "BaseModel") {
					continue
				}
				est, ef, ok := structOf(base)
				if !ok {
					continue
				}
				sub, subRels := l.bunFields(est, ef, idx, depth+1)
				embedded = append(embedded, sub...)
				rels = append(rels, subRels...)
				continue
			}
			if prefix, ok := tag.opt("embed"); ok {
				base, _ := deref(typ)
				est, ef, sok := structOf(base)
				if !sok {
					l.e.add(l.pos(n), ti.raw, "field %s: embed needs a struct type in the packages read", n.Name)
					continue
				}
				sub, subRels := l.bunFields(est, ef, idx, depth+1)
				for _, s := range sub {
					s.name, s.prefix = prefix+s.name, prefix
				}
				embedded = append(embedded, sub...)
				rels = append(rels, subRels...)
				continue
			}
			bf := l.bunField(n, typ, tag, ti, idx)
			if tag.has("rel") || tag.has("m2m") {
				rels = append(rels, bf)
				continue
			}
			if tag.has("scanonly") {
				continue
			}
			names[bf.name]++
			direct = append(direct, bf)
		}
	}
	for _, e := range embedded {
		names[e.name]++
		if e.tag.name != "" || len(e.tag.opts) > 0 {
			tagged[e.name]++
		}
	}
	fields = direct
	for _, e := range embedded {
		tag := e.tag.name != "" || len(e.tag.opts) > 0
		if names[e.name] > 1 && !(tag && tagged[e.name] == 1) {
			continue // ambiguous: bun leaves it out
		}
		fields = append(fields, e)
	}
	if len(embedded) > 0 {
		slices.SortStableFunc(fields, func(a, b *bunField) int { return slices.Compare(a.index, b.index) })
	}
	return fields, rels
}

// bunField reads one field's bun tag (Table.newField).
func (l *loader) bunField(n *ast.Ident, typ *gtype, tag bunTag, ti tagInfo, idx []int) *bunField {
	bf := &bunField{goName: n.Name, index: idx, name: bunName(n.Name), tag: tag, typ: typ, pos: l.pos(n), tagText: ti.raw}
	if tag.name != "" {
		bf.name = tag.name
	}
	if v, ok := tag.opt("column"); ok {
		bf.name = v
	}
	for k := range tag.opts {
		if !bunKnownOptions[k] {
			l.e.add(ti.pos, ti.raw, "field %s: unknown bun option %q (bun only warns; retort refuses it so that a typo does not go unseen)", n.Name, k)
		}
	}
	if rtv, ok, err := ti.lookup(tagKey); err == nil && ok {
		bf.rtv = rtv
		if bf.rItems, err = splitItems(rtv.val); err != nil {
			l.tagErr(rtv, err)
		}
	}
	bf.notNull = tag.has("notnull")
	if tag.has("pk") {
		bf.pk, bf.notNull = true, true
	}
	auto := tag.has("autoincrement")
	if auto {
		bf.notNull = true
	}
	if tag.has("rel") || tag.has("m2m") {
		return bf
	}
	bf.sqlType, bf.err = bunSQLType(typ, tag)
	if auto && !tag.has("identity") {
		switch bf.sqlType {
		case "SMALLINT":
			bf.sqlType = "SMALLSERIAL"
		case "INTEGER":
			bf.sqlType = "SERIAL"
		case "BIGINT":
			bf.sqlType = "BIGSERIAL"
		}
	}
	return bf
}

// bunSQLType is pgdialect's type for a field (fieldSQLType), in bun's own
// spelling.
func bunSQLType(typ *gtype, tag bunTag) (string, error) {
	if v, ok := tag.opt("type"); ok && v != "" {
		return v, nil
	}
	if v, ok := tag.opt("composite"); ok {
		return v, nil
	}
	if tag.has("hstore") {
		return "HSTORE", nil
	}
	t, _ := deref(typ)
	u := underlying(t)
	if tag.has("array") && (u.kind == kSlice || u.kind == kArray) {
		et, err := bunBaseType(u.elem, 0)
		return et + "[]", err
	}
	return bunBaseType(t, 0)
}

// bunBaseType is pgdialect's sqlType: special types first, then the Go
// kind.
func bunBaseType(t *gtype, depth int) (string, error) {
	t, _ = deref(t)
	if depth > 32 || t == nil {
		return "", fmt.Errorf("type nests too deep")
	}
	switch t.kind {
	case kNamed:
		switch t.key() {
		case pathSQL + ".NullString":
			return "VARCHAR", nil
		case pathNet + ".IP":
			return "INET", nil
		case pathNet + ".IPNet":
			return "CIDR", nil
		case pathJSON + ".RawMessage":
			return "JSONB", nil
		case pathTime + ".Time", pathSQL + ".NullTime", pathBun + ".NullTime", pathBunSchema + ".NullTime":
			return "TIMESTAMPTZ", nil
		case pathSQL + ".NullBool":
			return "BOOLEAN", nil
		case pathSQL + ".NullFloat64":
			return "DOUBLE PRECISION", nil
		case pathSQL + ".NullInt64", pathTime + ".Duration":
			return "BIGINT", nil
		}
		if isUUID(t) && t.path != pathPgtype {
			return "BYTEA", nil // a [16]byte
		}
		if t.path == pathSQL || t.path == pathPgtype || t.path == pathDecimal || t.path == pathGorm {
			return "JSONB", nil // structs
		}
		if t.decl != nil {
			return bunBaseType(underlying(t), depth+1)
		}
		return "", fmt.Errorf("no column type known for %s under bun's rules; add type:…", t)
	case kBasic:
		if s, ok := bunKinds[t.name]; ok {
			return s, nil
		}
	case kMap, kStruct:
		return "JSONB", nil
	case kSlice, kArray:
		if isByte(t.elem) {
			return "BYTEA", nil
		}
		return "JSONB", nil
	}
	return "", fmt.Errorf("bun has no column type for %s; add type:…", t)
}

var bunKinds = map[string]string{"bool": "BOOLEAN", "int": "BIGINT", "int8": "SMALLINT", "int16": "SMALLINT",
	"int32": "INTEGER", "int64": "BIGINT", "uint": "BIGINT", "uint8": "SMALLINT", "uint16": "SMALLINT",
	"uint32": "INTEGER", "uint64": "BIGINT", "uintptr": "BIGINT", "float32": "REAL", "float64": "DOUBLE PRECISION",
	"string": "VARCHAR"}

// bunTypeText writes bun's type names as PostgreSQL prints them.
var bunTypeText = map[string]string{"VARCHAR": "character varying", "TIMESTAMPTZ": "timestamp with time zone",
	"BOOLEAN": "boolean", "DOUBLE PRECISION": "double precision", "BIGINT": "bigint", "INTEGER": "integer",
	"SMALLINT": "smallint", "REAL": "real", "JSONB": "jsonb", "BYTEA": "bytea", "INET": "inet", "CIDR": "cidr",
	"HSTORE": "hstore", "BIGSERIAL": "bigserial", "SERIAL": "serial", "SMALLSERIAL": "smallserial"}

func bunText(s string) string {
	base, dims := s, ""
	for strings.HasSuffix(base, "[]") {
		base, dims = strings.TrimSuffix(base, "[]"), dims+"[]"
	}
	if v, ok := bunTypeText[base]; ok {
		return v + dims
	}
	return s
}
