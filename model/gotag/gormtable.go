package gotag

import (
	"go/ast"
	"regexp"
	"slices"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// gormModel is a GORM model between reading its fields and building its
// table: relations between models change the types of foreign key fields
// first, as GORM's schema parser does.
type gormModel struct {
	t       *tableSpec
	goName  string
	fields  []*gormField
	order   []string // column names in the order GORM creates them
	byDB    map[string]*gormField
	byName  map[string]*gormField
	primary []*gormField
	prio    *gormField
	rels    []*gormRel
	fks     map[string]*gormFK
	fkOrder []string
}

// gormRel is a resolved association.
type gormRel struct {
	name    string // the association field's name
	field   *gormField
	owner   *gormModel
	target  *gormModel
	belongs bool            // belongs-to; else has-one or has-many
	pairs   [][2]*gormField // primary key field, foreign key field
}

// gormFK is a foreign key constraint GORM creates.
type gormFK struct {
	name     string
	cols     []*gormField
	ref      *gormModel
	refCols  []*gormField
	onDelete string
	onUpdate string
	field    *gormField
}

// gormTableName is GORM's table name for a model: what TableName returns,
// or the snake_case plural of the struct's name.
func (l *loader) gormTableName(decl *typeDecl) (model.QName, bool) {
	name := decl.spec.Name.Name
	if v, _, ok := decl.file.pkg.stringMethod(name, "TableName"); ok {
		if i := strings.LastIndex(v, "."); i > 0 {
			return model.QName{Schema: v[:i], Name: v[i+1:]}, true
		}
		return model.QName{Schema: "public", Name: v}, true
	}
	_, has := decl.file.pkg.methods[name]["TableName"]
	return model.QName{Schema: "public", Name: plural(snakeName(name))}, !has
}

// newGormModel reads a GORM model's fields and keys (phase one).
func (l *loader) newGormModel(t *tableSpec, st *ast.StructType, f *fileInfo) *gormModel {
	m := &gormModel{t: t, goName: t.goName, byDB: map[string]*gormField{}, byName: map[string]*gormField{}, fks: map[string]*gormFK{}}
	m.fields = l.gormFields(st, f, nil, 0)
	m.index()
	return m
}

// index finds the columns and the primary key, as schema.Parse does.
func (m *gormModel) index() {
	for _, gf := range m.fields {
		if gf.dbName != "" {
			if v, ok := m.byDB[gf.dbName]; !ok || (!gf.noPerms && len(gf.bind) < len(v.bind)) {
				if !ok {
					m.order = append(m.order, gf.dbName)
				}
				m.byDB[gf.dbName] = gf
				m.byName[gf.name] = gf
			}
		}
		if of, ok := m.byName[gf.name]; !ok || of.set["-"] == "-" {
			m.byName[gf.name] = gf
		}
	}
	for _, n := range m.order {
		if gf := m.byDB[n]; gf.pk {
			m.primary = append(m.primary, gf)
		}
	}
	if pf := m.lookUp("id"); pf != nil || m.lookUp("ID") != nil {
		if pf == nil {
			pf = m.lookUp("ID")
		}
		if pf.pk {
			m.prio = pf
		} else if len(m.primary) == 0 {
			pf.pk = true
			m.prio = pf
			m.primary = append(m.primary, pf)
		}
	}
	if m.prio == nil {
		if len(m.primary) == 1 {
			m.prio = m.primary[0]
		} else {
			for _, pf := range m.primary {
				if pf.autoInc {
					m.prio = pf
					break
				}
			}
		}
	}
	if pf := m.prio; pf != nil && (pf.gormDT == "int" || pf.gormDT == "uint") {
		if _, ok := pf.set["AUTOINCREMENT"]; !ok {
			pf.autoInc = true
		}
	}
}

// lookUp is schema.LookUpField: by column name, Go name, or the column
// name a Go name would have.
func (m *gormModel) lookUp(name string) *gormField {
	if gf, ok := m.byDB[name]; ok {
		return gf
	}
	if gf, ok := m.byName[name]; ok {
		return gf
	}
	return m.byDB[snakeName(name)]
}

// gormModels is every GORM model of a Load, by struct and by table.
type gormModels struct {
	l       *loader
	byDecl  map[*typeDecl]*gormModel
	byTable map[model.QName]*gormModel
	list    []*gormModel
}

func (ms *gormModels) add(m *gormModel, decl *typeDecl) {
	if decl != nil {
		ms.byDecl[decl] = m
	}
	if _, dup := ms.byTable[m.t.q]; !dup {
		ms.byTable[m.t.q] = m
	}
	ms.list = append(ms.list, m)
}

// target returns the model of an associated struct, reading it when no
// pattern matched its package: GORM's AutoMigrate creates the tables of
// the models it depends on too.
func (ms *gormModels) target(t *gtype) *gormModel {
	if t.decl == nil {
		return nil
	}
	if m, ok := ms.byDecl[t.decl]; ok {
		return m
	}
	st, f, ok := structOf(t)
	if !ok {
		return nil
	}
	q, _ := ms.l.gormTableName(t.decl)
	ts := &tableSpec{pos: ms.l.pos(t.decl.spec), decl: t.decl, goName: t.decl.spec.Name.Name, dialect: dGorm, q: q, byField: map[string]*colSpec{}}
	m := ms.l.newGormModel(ts, st, f)
	ms.add(m, t.decl)
	return m
}

// relate resolves every association of every model (phase two). Models
// added on the way are related too.
func (ms *gormModels) relate() {
	for i := 0; i < len(ms.list); i++ {
		m := ms.list[i]
		for _, gf := range m.fields {
			if gf.relation && !gf.noPerms && !gf.ignore {
				ms.relation(m, gf)
			}
		}
	}
	for _, m := range ms.list {
		for _, r := range m.rels {
			ms.constraint(r)
		}
	}
}

var polymorphicKeys = []string{"POLYMORPHIC", "POLYMORPHICTYPE", "POLYMORPHICID"}

// relation resolves one association field as schema.parseRelation does.
func (ms *gormModels) relation(m *gormModel, gf *gormField) {
	l := ms.l
	tm := ms.target(gf.relType)
	if tm == nil {
		l.e.add(gf.pos, gf.tag, "field %s: association with %s, whose source is not in this module", gf.name, gf.relType)
		return
	}
	for _, k := range polymorphicKeys {
		if _, ok := gf.set[k]; ok {
			l.e.add(gf.pos, gf.tag, "field %s: polymorphic associations are not read yet; declare the foreign key with a retort tag and constraint:- here", gf.name)
			return
		}
	}
	if j := gf.set["MANY2MANY"]; j != "" {
		ms.many2many(m, gf, tm, j)
		return
	}
	var levels []bool // true: belongs-to
	switch {
	case gf.set["BELONGSTO"] != "":
		levels = []bool{true, false}
	case gf.relSlice:
		levels = []bool{false}
	case tm == m:
		levels = []bool{true, false}
	default:
		levels = []bool{false, true}
	}
	fks, pks := columnsOf(gf.set["FOREIGNKEY"]), columnsOf(gf.set["REFERENCES"])
	for _, belongs := range levels {
		if r := ms.guess(m, gf, tm, belongs, fks, pks); r != nil {
			m.rels = append(m.rels, r)
			return
		}
	}
	l.e.add(gf.pos, gf.tag, "field %s: GORM finds no foreign key for this association with %s; add foreignKey:…", gf.name, tm.goName)
}

// guess tries one way round of an association (schema.guessRelation).
func (ms *gormModels) guess(m *gormModel, gf *gormField, tm *gormModel, belongs bool, fks, pks []string) *gormRel {
	primary, foreign := m, tm
	if belongs {
		primary, foreign = tm, m
	}
	var pairs [][2]*gormField
	if len(fks) > 0 {
		var pfs []*gormField
		if len(pks) > 0 {
			for _, k := range pks {
				f := primary.lookUp(k)
				if f == nil {
					return nil
				}
				pfs = append(pfs, f)
			}
		} else if len(fks) == 1 && primary.prio != nil {
			pfs = []*gormField{primary.prio}
		} else {
			pfs = primary.primary
		}
		if len(pfs) != len(fks) {
			return nil
		}
		for i, k := range fks {
			f := foreign.lookUp(k)
			if f == nil {
				return nil
			}
			pairs = append(pairs, [2]*gormField{pfs[i], f})
		}
	} else {
		pfs := primary.primary
		if len(pks) > 0 {
			pfs = nil
			for _, k := range pks {
				if f := primary.lookUp(k); f != nil {
					pfs = append(pfs, f)
				}
			}
		}
		for _, pf := range pfs {
			look := primary.goName + pf.name
			if belongs {
				look = gf.name + pf.name
			}
			names := []string{look}
			if len(pfs) == 1 {
				stem := strings.TrimSuffix(look, pf.name)
				names = append(names, stem+"ID", stem+"Id", snakeName(stem+"ID"))
			}
			for _, n := range names {
				if f := foreign.lookUp(n); f != nil {
					pairs = append(pairs, [2]*gormField{pf, f})
					break
				}
			}
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	for _, p := range pairs {
		copyGormType(p[0], p[1])
	}
	return &gormRel{name: gf.name, field: gf, owner: m, target: tm, belongs: belongs, pairs: pairs}
}

// copyGormType gives a foreign key field its primary key's data type, as
// GORM does.
func copyGormType(pk, fk *gormField) {
	if lower := strings.ToLower(pk.dataType); !strings.Contains(lower, "auto_increment") && !strings.Contains(lower, "primary key") {
		fk.dataType = pk.dataType
	}
	fk.gormDT = pk.gormDT
	if fk.size == 0 {
		fk.size = pk.size
	}
}

func columnsOf(s string) []string {
	var out []string
	if s != "" {
		for _, v := range strings.Split(s, ",") {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

var constraintName = regexp.MustCompile(`^[\w-]+$`)

// constraint records the foreign key an association creates
// (Relationship.ParseConstraint), on the table that holds its columns.
func (ms *gormModels) constraint(r *gormRel) {
	str := r.field.set["CONSTRAINT"]
	if str == "-" {
		return
	}
	if r.belongs {
		for _, r2 := range r.target.rels {
			if r2 != r && r2.target == r.owner && len(r2.pairs) == len(r.pairs) && samePairs(r.pairs, r2.pairs) {
				return // the association the other way round creates it
			}
		}
	}
	name := gormFormatName("fk", r.owner.t.q.Name, snakeName(r.name))
	if i := strings.IndexByte(str, ','); i >= 0 && constraintName.MatchString(str[:i]) {
		name = str[:i]
	}
	set := gormParse(str, ",")
	fk := &gormFK{name: name, onDelete: set["ONDELETE"], onUpdate: set["ONUPDATE"], field: r.field, ref: r.owner}
	on := r.target
	if r.belongs {
		fk.ref, on = r.target, r.owner
	}
	for _, p := range r.pairs {
		fk.refCols = append(fk.refCols, p[0])
		fk.cols = append(fk.cols, p[1])
	}
	on.addFK(fk)
}

func (m *gormModel) addFK(fk *gormFK) {
	if _, dup := m.fks[fk.name]; dup {
		return
	}
	m.fks[fk.name] = fk
	m.fkOrder = append(m.fkOrder, fk.name)
}

func samePairs(a, b [][2]*gormField) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// many2many adds the join table of a many2many association with its two
// foreign keys (schema.buildMany2ManyRelation).
func (ms *gormModels) many2many(m *gormModel, gf *gormField, tm *gormModel, joinName string) {
	l := ms.l
	table := joinName
	if strings.ToLower(table) != table {
		table = plural(snakeName(table))
	}
	q := model.QName{Schema: "public", Name: table}
	if _, done := ms.byTable[q]; done {
		return
	}
	own, ref, ok := ms.joinedKeys(m, gf, tm)
	if !ok {
		return
	}
	jfk, jref := columnsOf(gf.set["JOINFOREIGNKEY"]), columnsOf(gf.set["JOINREFERENCES"])
	jm := &gormModel{goName: "", byDB: map[string]*gormField{}, byName: map[string]*gormField{}, fks: map[string]*gormFK{}}
	jm.t = &tableSpec{pos: gf.pos, goName: table, dialect: dGorm, q: q, byField: map[string]*colSpec{}}
	source := map[*gormField]*gormField{}
	ownNames := map[string]bool{}
	add := func(name string, from *gormField) *gormField {
		if _, dup := jm.byName[name]; dup {
			return nil
		}
		set := map[string]string{}
		for k, v := range from.set {
			set[k] = v
		}
		for _, k := range []string{"COLUMN", "AUTOINCREMENT", "INDEX", "UNIQUE", "UNIQUEINDEX"} {
			delete(set, k)
		}
		set["PRIMARYKEY"] = "PRIMARYKEY"
		f := &gormField{name: name, bind: []string{name}, pos: gf.pos, tag: gf.tag, set: set, typ: from.typ}
		if err := f.interpret(); err != nil {
			l.e.add(gf.pos, gf.tag, "field %s: join table %s: %v", gf.name, table, err)
		}
		copyGormType(from, f)
		source[f] = from
		jm.fields = append(jm.fields, f)
		jm.byName[name] = f
		return f
	}
	var ownJoin, refJoin []*gormField
	for i, of := range own {
		n := upperFirst(m.goName) + of.name
		if i < len(jfk) {
			n = upperFirst(jfk[i])
		}
		ownNames[n] = true
		if f := add(n, of); f != nil {
			ownJoin = append(ownJoin, f)
		}
	}
	for i, rf := range ref {
		n := upperFirst(tm.goName) + rf.name
		if ownNames[n] {
			if gf.name != tm.goName {
				n = singular(gf.name) + rf.name
			} else {
				n += "Reference"
			}
		}
		if i < len(jref) {
			n = upperFirst(jref[i])
		}
		if f := add(n, rf); f != nil {
			refJoin = append(refJoin, f)
		}
	}
	jm.byName = map[string]*gormField{}
	jm.index()
	for _, f := range jm.fields {
		f.pk = true
	}
	jm.primary = slices.Clone(jm.fields)
	ms.add(jm, nil)
	ms.joinForeignKeys(jm, m, gf, tm, ownJoin, refJoin, source)
}

// joinedKeys returns the fields of m and of tm that a many2many join table
// references: their primary keys, unless foreignKey and references name
// others. ok is false when one of those names no field (an error is
// recorded).
func (ms *gormModels) joinedKeys(m *gormModel, gf *gormField, tm *gormModel) (own, ref []*gormField, ok bool) {
	own, ref = m.primary, tm.primary
	if fks := columnsOf(gf.set["FOREIGNKEY"]); len(fks) > 0 {
		own = nil
		for _, k := range fks {
			f := m.lookUp(k)
			if f == nil {
				ms.l.e.add(gf.pos, gf.tag, "field %s: invalid foreign key %s", gf.name, k)
				return nil, nil, false
			}
			own = append(own, f)
		}
	}
	if pks := columnsOf(gf.set["REFERENCES"]); len(pks) > 0 {
		ref = nil
		for _, k := range pks {
			f := tm.lookUp(k)
			if f == nil {
				ms.l.e.add(gf.pos, gf.tag, "field %s: invalid reference %s", gf.name, k)
				return nil, nil, false
			}
			ref = append(ref, f)
		}
	}
	return own, ref, true
}

// joinForeignKeys adds the join table jm's two foreign keys, to m and to
// tm, unless the association's constraint tag is "-". source maps each
// join column to the field it references.
func (ms *gormModels) joinForeignKeys(jm, m *gormModel, gf *gormField, tm *gormModel, ownJoin, refJoin []*gormField, source map[*gormField]*gormField) {
	relName, relRefName := m.goName, tm.goName
	if relName == relRefName {
		relRefName = gf.name
	}
	set := gormParse(gf.set["CONSTRAINT"], ",")
	if gf.set["CONSTRAINT"] == "-" {
		return
	}
	for _, side := range []struct {
		name string
		cols []*gormField
		ref  *gormModel
	}{{relName, ownJoin, m}, {relRefName, refJoin, tm}} {
		fk := &gormFK{name: gormFormatName("fk", jm.t.q.Name, snakeName(side.name)), ref: side.ref, field: gf,
			onDelete: set["ONDELETE"], onUpdate: set["ONUPDATE"]}
		for _, c := range side.cols {
			fk.cols = append(fk.cols, c)
			fk.refCols = append(fk.refCols, source[c])
		}
		if len(fk.cols) > 0 {
			jm.addFK(fk)
		}
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// quoteCol quotes a column name for a key list.
func quoteCol(name string) string { return sqlq.QuoteIdent(name) }
