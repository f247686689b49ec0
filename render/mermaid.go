package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// Mermaid writes a schema's tables as a Mermaid erDiagram, which GitHub
// renders in Markdown: each table with its key columns (PK, FK and UK
// markers: primary key, foreign key, unique constraint or plain unique
// index), and each foreign key as a relation with its cardinality. A
// partition is left out (its parent stands for it); a referenced table that
// the schema's filters left out is drawn without columns.
//
// Mermaid's grammar allows few characters in names, so names are mapped:
// each entity's identifier is its schema and name with every character but
// ASCII letters, digits and "_" made "_" (and a number appended when two
// collide), and its label is the qualified name with ", %, \ and control
// characters made "_". An attribute's type and name are mapped the same
// way (types also keep ( ) [ ] , . -); a name that changed, or that
// Mermaid reads as a key marker (pk, fk, uk), gets a trailing "_" where
// needed and its real name in the attribute's comment.
func Mermaid(s *model.Schema) string {
	d := newERDiagram(s)
	var b strings.Builder
	b.WriteString("erDiagram\n")
	for _, t := range d.tables {
		fmt.Fprintf(&b, "    %s[\"%s\"]", d.ids[t.QName], mermaidLabel(t.QName.String()))
		var attrs []string
		for _, c := range t.Columns {
			marks := d.marks(t, c.Name)
			if len(marks) == 0 {
				continue
			}
			name := mermaidWord(c.Name, false)
			if strings.EqualFold(name, "pk") || strings.EqualFold(name, "fk") || strings.EqualFold(name, "uk") {
				name += "_"
			}
			line := mermaidWord(c.Type, true) + " " + name + " " + strings.Join(marks, ", ")
			if name != c.Name {
				line += ` "` + mermaidComment(c.Name) + `"`
			}
			attrs = append(attrs, line)
		}
		if len(attrs) == 0 {
			b.WriteString("\n")
			continue
		}
		b.WriteString(" {\n")
		for _, a := range attrs {
			b.WriteString("        " + a + "\n")
		}
		b.WriteString("    }\n")
	}
	for _, q := range d.external {
		fmt.Fprintf(&b, "    %s[\"%s\"]\n", d.ids[q], mermaidLabel(q.String()))
	}
	for _, e := range d.edges {
		parent := "||"
		if e.optional {
			parent = "|o"
		}
		child := "o{"
		if e.unique {
			child = "o|"
		}
		line := ".."
		if e.identifying {
			line = "--"
		}
		fmt.Fprintf(&b, "    %s %s%s%s %s : \"%s\"\n", d.ids[e.parent], parent, line, child, d.ids[e.child], mermaidComment(e.name))
	}
	return b.String()
}

// erDiagram is what the Mermaid and DOT writers draw: tables, the tables
// their foreign keys reference outside the schema, and the foreign keys.
type erDiagram struct {
	tables   []*model.Table
	external []model.QName
	edges    []erEdge
	// ids are identifiers both grammars accept, unique per table.
	ids  map[model.QName]string
	keys map[model.QName]map[string][]string
}

// erEdge is a foreign key from child to parent.
type erEdge struct {
	child, parent       model.QName
	name                string
	columns, refColumns []string
	// optional: some referencing column may be NULL, so a row need not
	// have a parent.
	optional bool
	// unique: the referencing columns are unique, so a parent has at most
	// one child.
	unique bool
	// identifying: the referencing columns are part of the child's
	// primary key.
	identifying bool
}

func newERDiagram(s *model.Schema) *erDiagram {
	d := &erDiagram{ids: map[model.QName]string{}, keys: map[model.QName]map[string][]string{}}
	used := map[string]bool{}
	id := func(q model.QName) {
		if _, ok := d.ids[q]; ok {
			return
		}
		base := identWord(q.Schema) + "_" + identWord(q.Name)
		v := base
		for n := 2; used[strings.ToLower(v)]; n++ {
			v = fmt.Sprintf("%s_%d", base, n)
		}
		used[strings.ToLower(v)] = true
		d.ids[q] = v
	}
	have := map[model.QName]bool{}
	for i := range s.Tables {
		t := &s.Tables[i]
		if t.PartitionOf != nil {
			continue
		}
		d.tables = append(d.tables, t)
		have[t.QName] = true
		id(t.QName)
	}
	for _, t := range d.tables {
		d.keys[t.QName] = tableKeys(t)
	}
	for _, t := range d.tables {
		for _, c := range t.Constraints {
			if c.Type != model.ForeignKey || c.RefTable == nil {
				continue
			}
			e := erEdge{child: t.QName, parent: *c.RefTable, name: c.Name, columns: c.Columns, refColumns: c.RefColumns}
			for _, col := range c.Columns {
				if i := slices.IndexFunc(t.Columns, func(x model.Column) bool { return x.Name == col }); i >= 0 && !t.Columns[i].NotNull {
					e.optional = true
				}
			}
			e.unique, e.identifying = uniqueColumns(t, c.Columns)
			if !have[e.parent] {
				have[e.parent] = true
				d.external = append(d.external, e.parent)
				id(e.parent)
			}
			d.edges = append(d.edges, e)
		}
	}
	return d
}

// marks are the key markers of a table's column, in PK, FK, UK order.
func (d *erDiagram) marks(t *model.Table, col string) []string {
	return d.keys[t.QName][col]
}

// tableKeys maps each key column of t to its markers.
func tableKeys(t *model.Table) map[string][]string {
	has := map[string]map[string]bool{}
	mark := func(m string, cols []string) {
		for _, c := range cols {
			if has[c] == nil {
				has[c] = map[string]bool{}
			}
			has[c][m] = true
		}
	}
	for _, c := range t.Constraints {
		switch c.Type {
		case model.PrimaryKey:
			mark("PK", c.Columns)
		case model.ForeignKey:
			mark("FK", c.Columns)
		case model.Unique:
			mark("UK", c.Columns)
		}
	}
	for _, ix := range t.Indexes {
		if cols, ok := uniqueIndexColumns(t, ix); ok {
			mark("UK", cols)
		}
	}
	out := map[string][]string{}
	for c, ms := range has {
		for _, m := range []string{"PK", "FK", "UK"} {
			if ms[m] {
				out[c] = append(out[c], m)
			}
		}
	}
	return out
}

// uniqueIndexColumns returns the columns of a unique index over plain
// columns without a predicate: a key in all but name.
func uniqueIndexColumns(t *model.Table, ix model.Index) ([]string, bool) {
	if !ix.Unique || ix.Predicate != "" || len(ix.Keys) == 0 {
		return nil, false
	}
	var cols []string
	for _, k := range ix.Keys {
		i := slices.IndexFunc(t.Columns, func(c model.Column) bool { return sqlq.QuoteIdent(c.Name) == k || c.Name == k })
		if i < 0 {
			return nil, false
		}
		cols = append(cols, t.Columns[i].Name)
	}
	return cols, true
}

// uniqueColumns reports whether cols hold a primary key, unique
// constraint or unique index of t (so that they are unique), and whether
// they are all part of its primary key.
func uniqueColumns(t *model.Table, cols []string) (unique, inPK bool) {
	covers := func(key []string) bool {
		for _, k := range key {
			if !slices.Contains(cols, k) {
				return false
			}
		}
		return len(key) > 0
	}
	for _, c := range t.Constraints {
		switch c.Type {
		case model.PrimaryKey:
			unique = unique || covers(c.Columns)
			inPK = len(cols) > 0
			for _, col := range cols {
				inPK = inPK && slices.Contains(c.Columns, col)
			}
		case model.Unique:
			unique = unique || covers(c.Columns)
		}
	}
	for _, ix := range t.Indexes {
		if key, ok := uniqueIndexColumns(t, ix); ok {
			unique = unique || covers(key)
		}
	}
	return unique, inPK
}

// identWord maps a name onto ASCII letters, digits and "_", not starting
// with a digit.
func identWord(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && (r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	w := b.String()
	if w == "" || w[0] >= '0' && w[0] <= '9' {
		w = "_" + w
	}
	return w
}

// mermaidWord maps a column name (or, with typ, a type) onto the
// characters of Mermaid's attribute words.
func mermaidWord(s string, typ bool) string {
	if !typ {
		return identWord(s)
	}
	var b strings.Builder
	for i, r := range s {
		ok := r < 0x80 && (r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
		if i > 0 && r < 0x80 && (r >= '0' && r <= '9' || strings.ContainsRune("()[],.-", r)) {
			ok = true
		}
		if ok {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// mermaidLabel keeps what Mermaid allows in an entity's quoted label.
func mermaidLabel(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '"' || r == '%' || r == '\\' || r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, s)
}

// mermaidComment keeps what Mermaid allows in a quoted comment or
// relation label: anything but a double quote or a line break.
func mermaidComment(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case r < 0x20 || r == 0x7f:
			return ' '
		}
		return r
	}, s)
}
