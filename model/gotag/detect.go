package gotag

import (
	"go/ast"
	"slices"
	"strings"
)

// found is a struct that declares a table, before it is read.
type found struct {
	decl    *typeDecl
	st      *ast.StructType
	dialect dialect
	marker  *tagValue
}

// detect finds the structs of the packages that declare tables:
//
//   - a struct that embeds bun.BaseModel is a bun model;
//   - a struct that embeds gorm.Model, has a field with a gorm tag or has
//     a TableName method in a package that imports GORM is a GORM model,
//     unless another struct embeds it (then it is a set of shared
//     columns), and so is every struct a GORM model associates with;
//   - a struct with a retort marker (_ struct{} `retort:"table…"`) is a
//     table of retort's grammar.
//
// A marker `retort:"-"` leaves a struct out whatever else it has.
func (l *loader) detect(pkgs []*pkgInfo) []*found {
	var out []*found
	embedded := map[*typeDecl]bool{}
	for _, p := range pkgs {
		for _, f := range p.files {
			for _, d := range f.ast.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok {
					continue
				}
				for _, s := range gd.Specs {
					ts, ok := s.(*ast.TypeSpec)
					if !ok || ts.TypeParams != nil {
						continue
					}
					st, ok := ts.Type.(*ast.StructType)
					decl := p.types[ts.Name.Name]
					if !ok || decl == nil || decl.spec != ts {
						continue
					}
					l.noteEmbedded(f, st, embedded)
					fd := &found{decl: decl, st: st}
					if tv, items, ok := l.markerOf(st); ok {
						if len(items) > 0 && items[0].key == "-" {
							continue
						}
						fd.marker = &tv
					}
					switch {
					case l.embeds(f, st, pathBun, "BaseModel"):
						fd.dialect = dBun
					case l.isGormModel(p, f, ts.Name.Name, st):
						fd.dialect = dGorm
					case fd.marker != nil:
						fd.dialect = dRetort
					default:
						continue
					}
					out = append(out, fd)
				}
			}
		}
	}
	// Shared columns are not tables of their own.
	out = slices.DeleteFunc(out, func(fd *found) bool { return fd.dialect == dGorm && fd.marker == nil && embedded[fd.decl] })
	return out
}

// noteEmbedded records the structs that st embeds, anonymously or with
// GORM's embedded option.
func (l *loader) noteEmbedded(f *fileInfo, st *ast.StructType, into map[*typeDecl]bool) {
	if st.Fields == nil {
		return
	}
	for _, fld := range st.Fields.List {
		isEmbed := len(fld.Names) == 0
		if !isEmbed {
			if tv, ok, _ := l.tagOf(fld).lookup("gorm"); ok {
				isEmbed = gormSettings(tv.val)["EMBEDDED"] != ""
			}
		}
		if !isEmbed {
			continue
		}
		t, _ := deref(typeOf(f, fld.Type))
		if t.kind == kNamed && t.decl != nil {
			into[t.decl] = true
		}
	}
}

// embeds reports whether st embeds the named type path.name.
func (l *loader) embeds(f *fileInfo, st *ast.StructType, path, name string) bool {
	if st.Fields == nil {
		return false
	}
	for _, fld := range st.Fields.List {
		if len(fld.Names) == 0 {
			t, _ := deref(typeOf(f, fld.Type))
			if t.is(path, name) {
				return true
			}
		}
	}
	return false
}

// isGormModel reports whether a struct shows that it is a GORM model.
func (l *loader) isGormModel(p *pkgInfo, f *fileInfo, name string, st *ast.StructType) bool {
	if l.embeds(f, st, pathGorm, "Model") {
		return true
	}
	if st.Fields != nil {
		for _, fld := range st.Fields.List {
			if fld.Tag != nil && strings.Contains(fld.Tag.Value, "gorm:") {
				if _, ok, _ := l.tagOf(fld).lookup("gorm"); ok {
					return true
				}
			}
		}
	}
	if _, _, ok := p.stringMethod(name, "TableName"); ok && p.importsPath(pathGorm) {
		return true
	}
	return false
}
