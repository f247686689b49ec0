package gotag

import (
	"sort"
	"strings"
)

// bunModel is a bun model between reading its fields and building its
// table.
type bunModel struct {
	t      *tableSpec
	goName string
	fields []*bunField
	rels   []*bunField
	byName map[string]*bunField
	pks    []*bunField
	isM2M  bool
}

// newBunModel reads a bun model's fields (Table.init).
func (l *loader) newBunModel(t *tableSpec, fd *found) *bunModel {
	m := &bunModel{t: t, goName: t.goName, byName: map[string]*bunField{}}
	m.fields, m.rels = l.bunFields(fd.st, fd.decl.file, nil, 0)
	for _, f := range m.fields {
		if _, dup := m.byName[f.name]; !dup {
			m.byName[f.name] = f
		}
		if f.pk {
			m.pks = append(m.pks, f)
		}
	}
	return m
}

// bunBuild writes a bun model's table as CreateTable does, with the
// foreign keys that WithForeignKeys adds for belongs-to and has-one
// relations.
func (l *loader) bunBuild(m *bunModel, byDecl map[*typeDecl]*bunModel) {
	t := m.t
	pkPos := 0
	uniques := map[string][]*bunField{}
	for _, f := range m.fields {
		if f.err != nil {
			l.e.add(f.pos, f.tagText, "field %s: %v", f.goName, f.err)
			continue
		}
		c := &colSpec{pos: f.pos, tag: f.tagText, goName: f.goName, bunOpts: f}
		c.col.Name, c.col.Type, c.col.NotNull = f.name, bunText(f.sqlType), f.notNull
		if v, ok := f.tag.opt("default"); ok {
			c.col.Default = v
		}
		if f.tag.has("identity") {
			c.col.Identity = "d"
		}
		if f.pk {
			pkPos++
			c.pk, c.pkPos = true, pkPos
		}
		t.cols = append(t.cols, c)
		if _, dup := t.byField[f.goName]; !dup {
			t.byField[f.goName] = c
		}
		if vs, ok := f.tag.opts["unique"]; ok {
			names := vs
			if len(vs) == 1 {
				names = strings.Split(vs[0], ",")
			}
			for _, n := range names {
				if n != "" && f.prefix != "" {
					n = f.prefix + n
				}
				uniques[n] = append(uniques[n], f)
			}
		}
	}
	keys := make([]string, 0, len(uniques))
	for k := range uniques {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fs := uniques[k]
		if k == "" {
			for _, f := range fs {
				t.uniques = append(t.uniques, &uniqueSpec{name: pgObjectName(t.q.Name, f.name, "key"), at: f.pos, tag: f.tagText,
					parts: []keyPart{{key: quoteCol(f.name), col: f.name, at: f.pos, tagTxt: f.tagText}}})
			}
			continue
		}
		u := &uniqueSpec{name: k, at: fs[0].pos, tag: fs[0].tagText}
		for _, f := range fs {
			u.parts = append(u.parts, keyPart{key: quoteCol(f.name), col: f.name, at: f.pos, tagTxt: f.tagText})
		}
		t.uniques = append(t.uniques, u)
	}
	for _, r := range m.rels {
		l.bunRelation(m, r, byDecl)
	}
	for _, c := range t.cols {
		l.augment(t, c, c.bunOpts.rtv, c.bunOpts.rItems)
	}
}

// bunRelation adds the foreign key of a belongs-to or has-one relation
// (Relation.References and CreateTableQuery.appendFKConstraintsRel).
func (l *loader) bunRelation(m *bunModel, r *bunField, byDecl map[*typeDecl]*bunModel) {
	rel, _ := r.tag.opt("rel")
	if r.tag.has("m2m") || rel == "has-many" {
		return
	}
	if rel != "belongs-to" && rel != "has-one" {
		l.e.add(r.pos, r.tagText, "field %s: unknown bun relation %q", r.goName, rel)
		return
	}
	base, _ := deref(r.typ)
	jm := byDecl[base.decl]
	if base.decl == nil || jm == nil {
		l.e.add(r.pos, r.tagText, "field %s: %s is not a bun model of the packages read", r.goName, base)
		return
	}
	var basePKs, joinPKs []*bunField
	if joins, ok := r.tag.opts["join"]; ok {
		if len(joins) == 1 {
			joins = strings.Split(joins[0], ",")
		}
		for _, j := range joins {
			b, jc, ok := strings.Cut(strings.TrimSpace(j), "=")
			bf, jf := m.byName[b], jm.byName[jc]
			if !ok || bf == nil || jf == nil {
				l.e.add(r.pos, r.tagText, "field %s: join %q needs base_column=join_column of existing columns", r.goName, j)
				return
			}
			basePKs, joinPKs = append(basePKs, bf), append(joinPKs, jf)
		}
	} else if rel == "belongs-to" {
		if len(jm.pks) == 0 {
			l.e.add(r.pos, r.tagText, "field %s: %s has no primary key", r.goName, jm.goName)
			return
		}
		prefix := bunName(r.goName) + "_"
		for _, pk := range jm.pks {
			fk := m.byName[prefix+pk.name]
			if fk == nil {
				fk = m.byName[pk.name]
			}
			if fk == nil {
				l.e.add(r.pos, r.tagText, "field %s: %s has no column %s for this belongs-to relation; add join:", r.goName, m.goName, prefix+pk.name)
				return
			}
			basePKs, joinPKs = append(basePKs, fk), append(joinPKs, pk)
		}
	} else {
		return // a has-one without join references the model's own key: no foreign key
	}
	allPK, nonePK := true, true
	for _, f := range basePKs {
		allPK = allPK && f.pk
		nonePK = nonePK && !f.pk
	}
	if !(m.isM2M && allPK) && !nonePK {
		return
	}
	fk := &fkSpec{at: r.pos, tag: r.tagText, refSchema: jm.t.q.Schema, refTable: jm.t.q.Name, resolved: jm.t}
	for i := range basePKs {
		fk.cols = append(fk.cols, basePKs[i].name)
		fk.refCols = append(fk.refCols, joinPKs[i].name)
	}
	fk.name = pgObjectName(m.t.q.Name, pgColumnsAddition(fk.cols), "fkey")
	if rel == "belongs-to" {
		for _, a := range []struct {
			opt  string
			code *string
		}{{"on_delete", &fk.onDelete}, {"on_update", &fk.onUpdate}} {
			if v, ok := r.tag.opt(a.opt); ok {
				code, known := fkActions[strings.ToLower(strings.TrimSpace(v))]
				if !known {
					l.e.add(r.pos, r.tagText, "field %s: unknown %s rule %q", r.goName, a.opt, v)
					return
				}
				*a.code = code
			}
		}
	}
	for _, x := range m.t.fks {
		if x.name == fk.name {
			return // PostgreSQL would name a second one …_fkey1; one is enough
		}
	}
	m.t.fks = append(m.t.fks, fk)
}
