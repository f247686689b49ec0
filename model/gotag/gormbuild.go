package gotag

import (
	"slices"
	"strconv"
	"strings"
)

// gormBuild turns a related GORM model into its table (phase three):
// columns as CreateTable writes them, the primary key, uniqueness,
// checks, indexes (CreateIndex) and the foreign keys of associations.
func (l *loader) gormBuild(m *gormModel) {
	t := m.t
	table := t.q.Name
	for _, n := range m.order {
		gf := m.byDB[n]
		if gf.ignore {
			continue
		}
		c := &colSpec{pos: gf.pos, tag: gf.tag, goName: gf.name, goPath: gf.bind, gorm: gf}
		c.col.Name = n
		c.col.Type = gormSQLType(gf)
		c.col.NotNull = gf.notNull
		def, err := gormDefault(gf)
		if err != nil {
			l.e.add(gf.pos, gf.tag, "field %s: %v", gf.name, err)
		}
		c.col.Default = def
		c.col.Comment = gf.comment
		if v := strings.TrimSpace(gf.set["GENERATED"]); v != "" && v != "GENERATED" {
			if mode := identityMode(v); mode != "" {
				c.col.Identity = mode
			} else {
				c.col.Generated, c.col.GeneratedKind = v, "s"
			}
		}
		if i := slices.Index(m.primary, gf); i >= 0 {
			c.pk, c.pkPos = true, i+1
		}
		t.cols = append(t.cols, c)
		if _, dup := t.byField[gf.name]; !dup {
			t.byField[gf.name] = c
		}
		if gf.unique {
			name := gormFormatName("uni", table, snakeName(n))
			t.uniques = append(t.uniques, &uniqueSpec{name: name, at: gf.pos, tag: gf.tag,
				parts: []keyPart{{key: quoteCol(n), col: n, at: gf.pos, tagTxt: gf.tag}}})
		}
		if chk := gf.set["CHECK"]; chk != "" {
			names := strings.Split(chk, ",")
			name := gormFormatName("chk", table, n)
			if len(names) > 1 && constraintName.MatchString(names[0]) {
				name, chk = names[0], strings.Join(names[1:], ",")
			} else if names[0] == "" {
				chk = strings.Join(names[1:], ",")
			}
			t.cons = append(t.cons, conSpec{pos: gf.pos, tag: gf.tag, c: checkConstraint(name, chk)})
		}
	}
	l.gormIndexes(m)
	for _, name := range m.fkOrder {
		fk := m.fks[name]
		spec := &fkSpec{at: fk.field.pos, tag: fk.field.tag, name: fk.name, refSchema: fk.ref.t.q.Schema,
			refTable: fk.ref.t.q.Name, resolved: fk.ref.t}
		for i, c := range fk.cols {
			spec.cols = append(spec.cols, c.dbName)
			spec.refCols = append(spec.refCols, fk.refCols[i].dbName)
		}
		for _, a := range []struct {
			text string
			code *string
		}{{fk.onDelete, &spec.onDelete}, {fk.onUpdate, &spec.onUpdate}} {
			if a.text == "" {
				continue
			}
			code, ok := fkActions[strings.ToLower(strings.TrimSpace(a.text))]
			if !ok {
				l.e.add(fk.field.pos, fk.field.tag, "field %s: unknown constraint action %q", fk.field.name, a.text)
				continue
			}
			*a.code = code
		}
		t.fks = append(t.fks, spec)
	}
	for _, c := range t.cols {
		l.augment(t, c, c.gorm.rtv, c.gorm.rItems)
	}
}

// augment applies a retort tag on a GORM or bun model's field: its name
// element, when given, renames the column, and its options add to or
// override what the library's tag says.
func (l *loader) augment(t *tableSpec, c *colSpec, tv tagValue, items []item) {
	if len(items) == 0 {
		return
	}
	if items[0].raw != "" {
		name, ok := l.columnName(items[0], tv)
		if !ok {
			return
		}
		c.col.Name = name
	}
	l.columnOptions(t, c, items[1:], tv)
}

// gormIndexes reads the index and uniqueIndex settings of every field
// (schema.ParseIndexes): fields that name the same index share it, in
// the order of their priority.
func (l *loader) gormIndexes(m *gormModel) {
	t := m.t
	type part struct {
		keyPart
		priority int
	}
	byName := map[string]*indexSpec{}
	parts := map[string][]part{}
	var names []string
	for _, gf := range m.fields {
		if gf.dbName == "" || gf.ignore {
			continue
		}
		for _, value := range strings.Split(gf.gtv.val, ";") {
			if value == "" {
				continue
			}
			v := strings.Split(value, ":")
			k := strings.TrimSpace(strings.ToUpper(v[0]))
			if k != "INDEX" && k != "UNIQUEINDEX" {
				continue
			}
			tag := strings.Join(v[1:], ":")
			comma := strings.IndexByte(tag, ',')
			if comma < 0 {
				comma = len(tag)
			}
			settings := gormParse(strings.Join(strings.Split(tag, ",")[1:], ","), ",")
			name := tag[:comma]
			if name == "" {
				sub := gf.name
				if comp, ok := settings["COMPOSITE"]; ok {
					if comp == "" || comp == "COMPOSITE" {
						l.e.add(gf.pos, gf.tag, "field %s: the composite setting of an index needs a name", gf.name)
						continue
					}
					sub = comp
				}
				name = gormFormatName("idx", t.q.Name, snakeName(sub))
			}
			class := settings["CLASS"]
			if k == "UNIQUEINDEX" || settings["UNIQUE"] != "" {
				class = "UNIQUE"
			}
			if class != "" && !strings.EqualFold(class, "UNIQUE") {
				l.e.add(gf.pos, gf.tag, "field %s: index class %s does not exist in PostgreSQL", gf.name, class)
				continue
			}
			priority, err := strconv.Atoi(settings["PRIORITY"])
			if err != nil {
				priority = 10
			}
			ix := byName[name]
			if ix == nil {
				ix = &indexSpec{name: name, at: gf.pos, tag: gf.tag, set: map[string]string{}}
				byName[name] = ix
				names = append(names, name)
			}
			if !ix.unique && class != "" {
				ix.unique = true
			}
			if ix.method == "" {
				ix.method = strings.ToLower(settings["TYPE"])
			}
			if ix.where == "" {
				ix.where = settings["WHERE"]
			}
			key := quoteCol(gf.dbName)
			if e := settings["EXPRESSION"]; e != "" {
				key = e
			}
			if c := settings["COLLATE"]; c != "" {
				key += " COLLATE " + c
			}
			if s := settings["SORT"]; s != "" {
				key += " " + s
			}
			p := part{keyPart{key: key, col: gf.dbName, at: gf.pos, tagTxt: gf.tag}, priority}
			parts[name] = append(parts[name], p)
			slices.SortStableFunc(parts[name], func(a, b part) int { return a.priority - b.priority })
		}
	}
	for _, n := range names {
		ix := byName[n]
		for _, p := range parts[n] {
			ix.parts = append(ix.parts, p.keyPart)
		}
		t.indexes = append(t.indexes, ix)
	}
}
