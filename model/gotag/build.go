package gotag

import (
	"go/token"
	"slices"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/internal/sqltext"
	"github.com/retortdb/retort/model"
)

// schema reads the tables of the packages and builds the schema.
func (l *loader) schema(pkgs []*pkgInfo) *model.Schema {
	gms := &gormModels{l: l, byDecl: map[*typeDecl]*gormModel{}, byTable: map[model.QName]*gormModel{}}
	bunByDecl := map[*typeDecl]*bunModel{}
	var bunList []*bunModel
	var tables []*tableSpec
	for _, fd := range l.detect(pkgs) {
		t := &tableSpec{pos: l.pos(fd.decl.spec), decl: fd.decl, goName: fd.decl.spec.Name.Name, dialect: fd.dialect,
			q: model.QName{Schema: "public"}, byField: map[string]*colSpec{}}
		switch fd.dialect {
		case dGorm:
			q, ok := l.gormTableName(fd.decl)
			if !ok && fd.marker == nil {
				l.e.add(t.pos, "", "struct %s: its TableName method does not just return a string literal; add a marker _ struct{} `retort:\"table:NAME\"`", t.goName)
			}
			t.q = q
		case dBun:
			t.q = l.bunTableName(fd.decl, fd.st)
		}
		if fd.marker != nil {
			l.readMarker(t, *fd.marker)
		}
		switch fd.dialect {
		case dRetort:
			l.readRetortFields(t, fd.st, fd.decl.file, "", nil, 0)
			tables = append(tables, t)
		case dGorm:
			gms.add(l.newGormModel(t, fd.st, fd.decl.file), fd.decl)
		case dBun:
			m := l.newBunModel(t, fd)
			bunByDecl[fd.decl], bunList = m, append(bunList, m)
		}
	}
	gms.relate()
	for _, m := range gms.list {
		l.gormBuild(m)
		tables = append(tables, m.t)
	}
	m2m := map[string]bool{}
	for _, m := range bunList {
		for _, r := range m.rels {
			if v, ok := r.tag.opt("m2m"); ok {
				m2m[v] = true
			}
		}
	}
	for _, m := range bunList {
		m.isM2M = m2m[m.t.q.Name] || m2m[m.t.q.String()]
	}
	for _, m := range bunList {
		l.bunBuild(m, bunByDecl)
		tables = append(tables, m.t)
	}

	s := &model.Schema{}
	byName := map[model.QName]*tableSpec{}
	for _, t := range tables {
		if prev, dup := byName[t.q]; dup {
			l.e.add(t.pos, "", "table %s is declared twice: by %s here and by %s at %s", t.q, t.goName, prev.goName, prev.pos)
			continue
		}
		byName[t.q] = t
	}
	enums := l.enums(pkgs, tables)
	relations := map[model.QName]token.Position{}
	for _, t := range tables {
		if byName[t.q] != t {
			continue
		}
		relations[t.q] = t.pos
		l.checkSQL(t)
		l.resolveFKs(t, byName)
		s.Tables = append(s.Tables, l.table(t, enums, relations))
	}
	namespaces := map[string]bool{}
	for _, t := range s.Tables {
		namespaces[t.Schema] = true
	}
	for _, e := range enums.list {
		s.Enums = append(s.Enums, model.Enum{QName: e.q, Labels: e.labels})
		namespaces[e.q.Schema] = true
	}
	for n := range namespaces {
		if n != "public" {
			s.Namespaces = append(s.Namespaces, model.Namespace{Name: n})
		}
	}
	s.Normalize()
	return s
}

// table assembles one table's model.
func (l *loader) table(t *tableSpec, enums *enumSet, relations map[model.QName]token.Position) model.Table {
	mt := model.Table{QName: t.q, Kind: model.TableOrdinary, Unlogged: t.unlogged, Comment: t.comment, Owner: t.owner, Grants: t.grants}
	cols := map[string]*colSpec{}
	var pkParts []keyPart
	for i, c := range t.cols {
		if c.enum != nil {
			if e := enums.byDecl[c.enum]; e != nil {
				c.col.Type = sqlq.Qualified(e.q.Schema, e.q.Name) + strings.Repeat("[]", c.enumDims)
			}
		} else {
			c.col.Type = enums.qualify(c.col.Type)
		}
		if prev, dup := cols[c.col.Name]; dup {
			l.e.add(c.pos, c.tag, "column %s of table %s is declared twice: by field %s here and by field %s at %s",
				c.col.Name, t.q, c.goName, prev.goName, prev.pos)
			continue
		}
		cols[c.col.Name] = c
		if c.pk {
			c.col.NotNull = true
			pkParts = append(pkParts, keyPart{col: c.col.Name, pos: c.pkPos, order: i, at: c.pos, tagTxt: c.tag})
		}
		c.col.RenamedFrom = c.renamedFrom
		mt.Columns = append(mt.Columns, c.col)
	}
	mt.RenamedFrom = t.renamedFrom
	if len(pkParts) > 0 {
		if t.dialect == dRetort {
			pkParts = l.sortParts("primary key of "+t.q.String(), pkParts)
		}
		pk := model.Constraint{Name: pgObjectName(t.q.Name, "", "pkey"), Type: model.PrimaryKey}
		for _, p := range pkParts {
			pk.Columns = append(pk.Columns, p.col)
		}
		pk.Index = pk.Name
		mt.Constraints = append(mt.Constraints, pk)
		l.relation(relations, t.q.Schema, pk.Name, pkParts[0].at, pkParts[0].tagTxt)
	}
	for _, u := range t.uniques {
		parts := l.sortParts("unique "+u.name, u.parts)
		c := model.Constraint{Name: u.name, Type: model.Unique, Index: u.name}
		for _, p := range parts {
			c.Columns = append(c.Columns, p.col)
		}
		if u.nullsNotDistinct {
			c.Definition = sqltext.KeyText(false, c.Columns, nil, true)
		}
		mt.Constraints = append(mt.Constraints, c)
		l.relation(relations, t.q.Schema, u.name, u.at, u.tag)
	}
	for _, cs := range t.cons {
		mt.Constraints = append(mt.Constraints, cs.c)
	}
	for _, fk := range t.fks {
		if fk.resolved == nil {
			continue
		}
		rt := fk.resolved.q
		mt.Constraints = append(mt.Constraints, model.Constraint{Name: fk.name, Type: model.ForeignKey,
			Columns: fk.cols, RefTable: &rt, RefColumns: fk.refCols, OnDelete: orA(fk.onDelete), OnUpdate: orA(fk.onUpdate),
			Match: "s", Deferrable: fk.deferrable, InitiallyDeferred: fk.deferred})
	}
	seen := map[string]token.Position{}
	for _, c := range mt.Constraints {
		if p, dup := seen[c.Name]; dup {
			l.e.add(t.pos, "", "table %s: constraint %s is declared twice (also at %s)", t.q, c.Name, p)
		}
		seen[c.Name] = t.pos
	}
	for _, ix := range t.indexes {
		parts := l.sortParts("index "+ix.name, ix.parts)
		mi := model.Index{Name: ix.name, Unique: ix.unique, Method: ix.method, Predicate: ix.where, Include: ix.include,
			NullsNotDistinct: ix.nullsNotDistinct, Comment: ix.comment}
		if mi.Method == "" {
			mi.Method = "btree"
		}
		for _, p := range parts {
			mi.Keys = append(mi.Keys, p.key)
		}
		for _, c := range ix.include {
			if cols[c] == nil {
				l.e.add(ix.at, ix.tag, "index %s includes unknown column %s", ix.name, c)
			}
		}
		mt.Indexes = append(mt.Indexes, mi)
		l.relation(relations, t.q.Schema, ix.name, ix.at, ix.tag)
	}
	for _, u := range t.uniques {
		for _, p := range u.parts {
			if cols[p.col] == nil {
				l.e.add(p.at, p.tagTxt, "unique %s uses unknown column %s", u.name, p.col)
			}
		}
	}
	return mt
}

func orA(code string) string {
	if code == "" {
		return "a"
	}
	return code
}

// relation records a name in a schema's relation namespace (tables,
// indexes and the indexes of keys), where PostgreSQL refuses duplicates.
func (l *loader) relation(rel map[model.QName]token.Position, schema, name string, at token.Position, tag string) {
	q := model.QName{Schema: schema, Name: pgTruncate(name)}
	if p, dup := rel[q]; dup {
		l.e.add(at, tag, "index %s: the name is taken in schema %s (by the relation declared at %s)", name, schema, p)
		return
	}
	rel[q] = at
}

// resolveFKs finds the tables that foreign keys reference and checks
// their columns: they must exist and be the referenced table's primary
// key or one of its unique keys.
func (l *loader) resolveFKs(t *tableSpec, byName map[model.QName]*tableSpec) {
	for _, fk := range t.fks {
		target := fk.resolved
		if target == nil {
			for _, q := range []model.QName{{Schema: fk.refSchema, Name: fk.refTable}, {Schema: t.q.Schema, Name: fk.refTable}, {Schema: "public", Name: fk.refTable}} {
				if q.Schema == "" || (fk.refSchema != "" && q.Schema != fk.refSchema) {
					continue
				}
				if target = byName[q]; target != nil {
					break
				}
			}
		}
		if target == nil {
			l.e.add(fk.at, fk.tag, "foreign key %s references unknown table %s", fk.name, model.QName{Schema: fk.refSchema, Name: fk.refTable})
			continue
		}
		if len(fk.refCols) == 0 {
			fk.refCols = target.pkColumns()
			if len(fk.refCols) == 0 {
				l.e.add(fk.at, fk.tag, "foreign key %s references table %s, which has no primary key: name the column, references:%s(COLUMN)", fk.name, target.q, target.q.Name)
				continue
			}
		}
		if len(fk.refCols) != len(fk.cols) {
			l.e.add(fk.at, fk.tag, "foreign key %s has %d columns but references %d", fk.name, len(fk.cols), len(fk.refCols))
			continue
		}
		ok := true
		for _, rc := range fk.refCols {
			if !slices.ContainsFunc(target.cols, func(c *colSpec) bool { return c.col.Name == rc }) {
				l.e.add(fk.at, fk.tag, "foreign key %s references unknown column %s.%s", fk.name, target.q, rc)
				ok = false
			}
		}
		if !ok {
			continue
		}
		if !target.hasKey(fk.refCols) {
			l.e.add(fk.at, fk.tag, "foreign key %s references %s(%s), which is not its primary key nor unique", fk.name, target.q, strings.Join(fk.refCols, ", "))
			continue
		}
		fk.resolved = target
	}
}

// pkColumns are the primary key's columns in key order.
func (t *tableSpec) pkColumns() []string {
	var parts []keyPart
	for i, c := range t.cols {
		if c.pk {
			parts = append(parts, keyPart{col: c.col.Name, pos: c.pkPos, order: i})
		}
	}
	slices.SortStableFunc(parts, func(a, b keyPart) int { return a.pos - b.pos })
	var out []string
	for _, p := range parts {
		out = append(out, p.col)
	}
	return out
}

// hasKey reports whether cols are, as a set, the table's primary key, a
// unique constraint, or a unique index without predicate or expressions.
func (t *tableSpec) hasKey(cols []string) bool {
	same := func(keys []string) bool {
		if len(keys) != len(cols) {
			return false
		}
		for _, c := range cols {
			if !slices.Contains(keys, c) {
				return false
			}
		}
		return true
	}
	if same(t.pkColumns()) {
		return true
	}
	for _, u := range t.uniques {
		var keys []string
		for _, p := range u.parts {
			keys = append(keys, p.col)
		}
		if same(keys) {
			return true
		}
	}
	for _, ix := range t.indexes {
		if !ix.unique || ix.where != "" {
			continue
		}
		var keys []string
		for _, p := range ix.parts {
			keys = append(keys, p.col)
		}
		if same(keys) {
			return true
		}
	}
	for _, c := range t.cons {
		if c.c.Type == model.PrimaryKey || c.c.Type == model.Unique {
			return true // given whole: PostgreSQL will judge
		}
	}
	return false
}

// checkConstraint is a CHECK constraint.
func checkConstraint(name, expr string) model.Constraint {
	return model.Constraint{Name: name, Type: model.Check, Definition: "CHECK (" + expr + ")"}
}
