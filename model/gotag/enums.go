package gotag

import (
	"go/ast"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"

	"github.com/retortdb/retort/model"
)

// enumSpec is an enum a Go string type declares.
type enumSpec struct {
	q      model.QName
	labels []string
	decl   *typeDecl
}

// enumSet holds the enums of a Load.
type enumSet struct {
	byDecl map[*typeDecl]*enumSpec
	list   []*enumSpec
}

// enums builds the enum of every Go type that a column uses as one, and
// of every type marked //retort:enum in the packages read.
func (l *loader) enums(pkgs []*pkgInfo, tables []*tableSpec) *enumSet {
	es := &enumSet{byDecl: map[*typeDecl]*enumSpec{}}
	byName := map[model.QName]*enumSpec{}
	add := func(d *typeDecl) {
		if _, done := es.byDecl[d]; done {
			return
		}
		es.byDecl[d] = nil
		name := d.spec.Name.Name
		pos := l.pos(d.spec)
		sch, n, marked := enumDirective(d)
		if marked && n == "" && hasEnumArg(d) {
			l.e.add(pos, "", "type %s: //retort:enum takes [schema.]name", name)
			return
		}
		if u := typeOf(d.file, d.spec.Type); u.kind != kBasic || u.name != "string" {
			l.e.add(pos, "", "type %s is marked //retort:enum but is not a string type", name)
			return
		}
		if n == "" {
			n = snakeName(name)
		}
		if sch == "" {
			sch = "public"
		}
		e := &enumSpec{q: model.QName{Schema: sch, Name: n}, decl: d}
		seen := map[string]bool{}
		for _, c := range d.file.pkg.consts[name] {
			if seen[c.value] {
				l.e.add(c.pos, "", "enum %s: label %q appears more than once (constant %s)", e.q, c.value, c.name)
				continue
			}
			seen[c.value] = true
			e.labels = append(e.labels, c.value)
		}
		if len(e.labels) == 0 {
			l.e.add(pos, "", "type %s declares enum %s but has no constants of its type", name, e.q)
			return
		}
		if prev, dup := byName[e.q]; dup {
			l.e.add(pos, "", "enum %s is declared twice: by type %s here and by type %s at %s", e.q, name,
				prev.decl.spec.Name.Name, l.pos(prev.decl.spec))
			return
		}
		byName[e.q] = e
		es.byDecl[d] = e
		es.list = append(es.list, e)
	}
	for _, p := range pkgs {
		for _, f := range p.files {
			for _, decl := range f.ast.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok {
					continue
				}
				for _, s := range gd.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok {
						if d := p.types[ts.Name.Name]; d != nil && d.spec == ts {
							if _, _, marked := enumDirective(d); marked {
								add(d)
							}
						}
					}
				}
			}
		}
	}
	for _, t := range tables {
		for _, c := range t.cols {
			if c.enum != nil {
				add(c.enum)
			}
		}
	}
	return es
}

// qualify writes a type given by name (type:mood, gorm:"type:mood[]")
// that is one of the enums declared here schema-qualified, as rendered
// DDL needs it: it runs with an empty search_path.
func (es *enumSet) qualify(typ string) string {
	base := strings.TrimRight(typ, "[]")
	dims := typ[len(base):]
	for _, e := range es.list {
		if base == e.q.Name || base == e.q.Schema+"."+e.q.Name || base == sqlq.Qualified(e.q.Schema, e.q.Name) {
			return sqlq.Qualified(e.q.Schema, e.q.Name) + dims
		}
	}
	return typ
}

// hasEnumArg reports whether a //retort:enum directive has an argument
// (that did not read as a name).
func hasEnumArg(d *typeDecl) bool {
	for _, c := range d.doc.List {
		for _, prefix := range []string{"//retort:enum ", "// retort:enum "} {
			if len(c.Text) > len(prefix) && c.Text[:len(prefix)] == prefix {
				return true
			}
		}
	}
	return false
}

// setColumnRenamedFrom records a column's former name.
func (l *loader) setColumnRenamedFrom(c *colSpec, it item, tv tagValue) {
	n, ok := ident(it.val)
	if !ok {
		l.e.add(tv.posAt(it.off), tv.tag.raw, "renamed_from needs the column's former name")
		return
	}
	c.renamedFrom = n
}
