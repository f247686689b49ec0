package gotag

import (
	"bufio"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/retortdb/retort/internal/userfile"
	"github.com/retortdb/retort/model"
)

// Load reads the Go packages that patterns match and returns the schema
// that their tagged structs declare. Patterns are resolved against dir as
// the go command resolves them: "./models", "./models/..." (every package
// below, skipping testdata, directories starting with . or _, and nested
// modules), ".", or an import path of the module that holds dir. Files are
// only parsed: the module is not compiled, its dependencies need not be
// downloaded, and build constraints are honored for the current platform.
//
// Every problem found is reported, each as an [*Error] with its file, line
// and column, joined with [errors.Join]. The schema is normalized
// ([model.Schema.Normalize]); its types and expressions are the text the
// source gives, which PostgreSQL canonicalizes when the schema is applied.
func Load(dir string, patterns ...string) (*model.Schema, error) {
	l, err := newLoader(dir)
	if err != nil {
		return nil, err
	}
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	var pkgs []*pkgInfo
	for _, p := range patterns {
		dirs, err := l.match(p)
		if err != nil {
			return nil, err
		}
		for _, d := range dirs {
			pkg, err := l.pkgAt(d)
			if err != nil {
				return nil, err
			}
			if pkg != nil && !slices.Contains(pkgs, pkg) {
				pkgs = append(pkgs, pkg)
			}
		}
	}
	if err := l.e.err(); err != nil {
		return nil, err
	}
	s := l.schema(pkgs)
	if err := l.e.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// loader holds what one Load has read.
type loader struct {
	dir     string // absolute
	fset    *token.FileSet
	modRoot string // directory of the go.mod that holds dir, or ""
	modPath string // its module path
	byDir   map[string]*pkgInfo
	e       errs
}

func newLoader(dir string) (*loader, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("gotag: %w", err)
	}
	if fi, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("gotag: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("gotag: %s is not a directory", dir)
	}
	l := &loader{dir: abs, fset: token.NewFileSet(), byDir: map[string]*pkgInfo{}}
	for d := abs; ; d = filepath.Dir(d) {
		if mp, ok := modulePath(filepath.Join(d, "go.mod")); ok {
			l.modRoot, l.modPath = d, mp
			break
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return l, nil
}

// modulePath reads the module path of a go.mod file.
func modulePath(file string) (string, bool) {
	if userfile.Check(file) != nil {
		return "", false
	}
	f, err := os.Open(file)
	if err != nil {
		return "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			mp := strings.TrimSpace(rest)
			if i := strings.Index(mp, "//"); i >= 0 {
				mp = strings.TrimSpace(mp[:i])
			}
			if uq, err := strconv.Unquote(mp); err == nil {
				mp = uq
			}
			return mp, true
		}
	}
	return "", true
}

// match returns the package directories a pattern names.
func (l *loader) match(pattern string) ([]string, error) {
	p := filepath.ToSlash(pattern)
	recursive := false
	switch {
	case p == "...":
		p, recursive = ".", true
	case strings.HasSuffix(p, "/..."):
		p, recursive = strings.TrimSuffix(p, "/..."), true
	}
	if strings.Contains(p, "...") {
		return nil, fmt.Errorf("gotag: pattern %q: ... is only supported at the end", pattern)
	}
	var root string
	switch {
	case filepath.IsAbs(pattern):
		root = filepath.FromSlash(p)
	case p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../"):
		root = filepath.Join(l.dir, filepath.FromSlash(p))
	case l.modPath != "" && (p == l.modPath || strings.HasPrefix(p, l.modPath+"/")):
		root = filepath.Join(l.modRoot, filepath.FromSlash(strings.TrimPrefix(p, l.modPath)))
	default:
		if fi, err := os.Stat(filepath.Join(l.dir, filepath.FromSlash(p))); err == nil && fi.IsDir() {
			root = filepath.Join(l.dir, filepath.FromSlash(p))
			break
		}
		return nil, fmt.Errorf("gotag: pattern %q: not a directory below %s nor a package of module %q", pattern, l.dir, l.modPath)
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("gotag: pattern %q: directory %s does not exist", pattern, root)
	}
	if !recursive {
		if files, err := l.goFiles(root); err != nil {
			return nil, fmt.Errorf("gotag: %w", err)
		} else if len(files) == 0 {
			return nil, fmt.Errorf("gotag: pattern %q: no Go files in %s", pattern, root)
		}
		return []string{root}, nil
	}
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if p != root {
			name := d.Name()
			if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir
			}
		}
		if l.hasGoFiles(p) {
			dirs = append(dirs, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("gotag: pattern %q: %w", pattern, err)
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("gotag: pattern %q matched no Go packages", pattern)
	}
	return dirs, nil
}

// goFiles lists the Go files of a directory that are part of its package
// on this platform: no tests, build constraints satisfied.
func (l *loader) goFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") ||
			strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			continue
		}
		// go/build opens the file to read its build constraints: a named
		// pipe would block it forever.
		if err := userfile.Check(filepath.Join(dir, name)); err != nil {
			return nil, err
		}
		if ok, err := build.Default.MatchFile(dir, name); err != nil || !ok {
			continue
		}
		files = append(files, filepath.Join(dir, name))
	}
	return files, nil
}

func (l *loader) hasGoFiles(dir string) bool {
	files, err := l.goFiles(dir)
	return err == nil && len(files) > 0
}

// pkgAt parses the package in dir, once.
func (l *loader) pkgAt(dir string) (*pkgInfo, error) {
	if p, ok := l.byDir[dir]; ok {
		return p, nil
	}
	l.byDir[dir] = nil // a cycle of lookups ends here
	files, err := l.goFiles(dir)
	if err != nil {
		return nil, fmt.Errorf("gotag: %w", err)
	}
	if len(files) == 0 {
		return nil, nil
	}
	pkg := &pkgInfo{l: l, dir: dir, path: l.importPath(dir), types: map[string]*typeDecl{},
		consts: map[string][]enumConst{}, methods: map[string]map[string]*ast.FuncDecl{}}
	for _, name := range files {
		src, err := userfile.Read(name, 0)
		if err != nil {
			return nil, fmt.Errorf("gotag: %w", err)
		}
		f, err := parser.ParseFile(l.fset, l.display(name), src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			l.parseError(err)
			if f == nil {
				continue
			}
		}
		if pkg.name == "" {
			pkg.name = f.Name.Name
		} else if f.Name.Name != pkg.name {
			l.e.add(l.fset.Position(f.Name.Pos()), "", "package %s in a directory of package %s", f.Name.Name, pkg.name)
			continue
		}
		pkg.add(&fileInfo{ast: f, pkg: pkg, src: src})
	}
	l.byDir[dir] = pkg
	return pkg, nil
}

// parseError records a syntax error of a file.
func (l *loader) parseError(err error) {
	var list scanner.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			l.e.add(e.Pos, "", "%s", e.Msg)
		}
		return
	}
	l.e.add(token.Position{}, "", "%v", err)
}

// display is the file name used in positions: relative to the directory
// Load was given when it lies below it.
func (l *loader) display(name string) string {
	if rel, err := filepath.Rel(l.dir, name); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return name
}

// importPath is the import path of a directory of the module, or a
// path-like name of the directory outside any module.
func (l *loader) importPath(dir string) string {
	if l.modRoot != "" {
		if rel, err := filepath.Rel(l.modRoot, dir); err == nil && !strings.HasPrefix(rel, "..") {
			if rel == "." {
				return l.modPath
			}
			return path.Join(l.modPath, filepath.ToSlash(rel))
		}
	}
	return "dir:" + filepath.ToSlash(dir)
}

// pkgByPath parses the package of an import path when it belongs to the
// module, to look its types up; other packages are not read.
func (l *loader) pkgByPath(ipath string) *pkgInfo {
	if l.modPath == "" || (ipath != l.modPath && !strings.HasPrefix(ipath, l.modPath+"/")) {
		return nil
	}
	dir := filepath.Join(l.modRoot, filepath.FromSlash(strings.TrimPrefix(ipath, l.modPath)))
	p, err := l.pkgAt(dir)
	if err != nil {
		return nil
	}
	return p
}

// pkgInfo is one parsed package and the declarations Load needs from it.
type pkgInfo struct {
	l     *loader
	dir   string
	path  string
	name  string
	files []*fileInfo
	// types holds the package's type declarations by name.
	types map[string]*typeDecl
	// consts holds the string constants of each named type, in
	// declaration order, for enums.
	consts map[string][]enumConst
	// methods holds method declarations by receiver type and name.
	methods map[string]map[string]*ast.FuncDecl
}

// fileInfo is one parsed file.
type fileInfo struct {
	ast *ast.File
	pkg *pkgInfo
	src []byte
}

// typeDecl is a type declaration.
type typeDecl struct {
	spec *ast.TypeSpec
	doc  *ast.CommentGroup // the spec's doc, or its declaration's
	file *fileInfo
}

// enumConst is a string constant of a named type.
type enumConst struct {
	name, value string
	pos         token.Position
}

func (p *pkgInfo) add(f *fileInfo) {
	p.files = append(p.files, f)
	for _, d := range f.ast.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			switch d.Tok {
			case token.TYPE:
				for _, s := range d.Specs {
					ts, ok := s.(*ast.TypeSpec)
					if !ok {
						continue
					}
					doc := ts.Doc
					if doc == nil && len(d.Specs) == 1 {
						doc = d.Doc
					}
					if _, dup := p.types[ts.Name.Name]; !dup {
						p.types[ts.Name.Name] = &typeDecl{spec: ts, doc: doc, file: f}
					}
				}
			case token.CONST:
				p.addConsts(d)
			}
		case *ast.FuncDecl:
			if d.Recv == nil || len(d.Recv.List) != 1 {
				continue
			}
			recv := d.Recv.List[0].Type
			if s, ok := recv.(*ast.StarExpr); ok {
				recv = s.X
			}
			if id, ok := recv.(*ast.Ident); ok {
				if p.methods[id.Name] == nil {
					p.methods[id.Name] = map[string]*ast.FuncDecl{}
				}
				p.methods[id.Name][d.Name.Name] = d
			}
		}
	}
}

// addConsts records the string constants of named types, following Go's
// rule that a spec without type and value repeats the previous one's.
func (p *pkgInfo) addConsts(d *ast.GenDecl) {
	var typ ast.Expr
	var values []ast.Expr
	for _, s := range d.Specs {
		vs, ok := s.(*ast.ValueSpec)
		if !ok {
			continue
		}
		if vs.Type != nil || len(vs.Values) > 0 {
			typ, values = vs.Type, vs.Values
		}
		id, ok := typ.(*ast.Ident)
		if !ok {
			continue
		}
		for i, n := range vs.Names {
			if i >= len(values) || n.Name == "_" {
				continue
			}
			lit, ok := values[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				continue
			}
			v, err := strconv.Unquote(lit.Value)
			if err != nil {
				continue
			}
			p.consts[id.Name] = append(p.consts[id.Name], enumConst{name: n.Name, value: v, pos: p.l.fset.Position(n.Pos())})
		}
	}
}

// stringMethod returns the string literal that a method of a type returns
// when its body is just `return "…"`, as TableName methods usually are.
func (p *pkgInfo) stringMethod(typeName, method string) (string, token.Position, bool) {
	fd := p.methods[typeName][method]
	if fd == nil || fd.Body == nil || len(fd.Body.List) != 1 {
		return "", token.Position{}, false
	}
	ret, ok := fd.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return "", token.Position{}, false
	}
	lit, ok := ret.Results[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", token.Position{}, false
	}
	v, err := strconv.Unquote(lit.Value)
	return v, p.l.fset.Position(lit.Pos()), err == nil
}

// importsPath reports whether any file of the package imports ipath.
func (p *pkgInfo) importsPath(ipath string) bool {
	for _, f := range p.files {
		for _, im := range f.ast.Imports {
			if v, err := strconv.Unquote(im.Path.Value); err == nil && v == ipath {
				return true
			}
		}
	}
	return false
}

// importOf resolves a package name used in the file to its import path.
func (f *fileInfo) importOf(name string) (string, bool) {
	for _, im := range f.ast.Imports {
		ipath, err := strconv.Unquote(im.Path.Value)
		if err != nil {
			continue
		}
		if im.Name != nil {
			if im.Name.Name == name {
				return ipath, true
			}
			continue
		}
		if guessPackageName(ipath) == name {
			return ipath, true
		}
		if p := f.pkg.l.pkgByPath(ipath); p != nil && p.name == name {
			return ipath, true
		}
	}
	return "", false
}

// guessPackageName is the usual name of the package at an import path:
// its last element, without a major version suffix, a go- prefix or a
// .go/.vN suffix (github.com/satori/go.uuid is uuid, gopkg.in/yaml.v3 is
// yaml).
func guessPackageName(ipath string) string {
	parts := strings.Split(ipath, "/")
	last := parts[len(parts)-1]
	if len(parts) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		last = parts[len(parts)-2]
	}
	last = strings.TrimPrefix(last, "go-")
	if rest, ok := strings.CutPrefix(last, "go."); ok {
		last = rest
	}
	if i := strings.IndexByte(last, '.'); i > 0 {
		last = last[:i]
	}
	return strings.ReplaceAll(last, "-", "_")
}

// pos returns the position of a node.
func (l *loader) pos(n ast.Node) token.Position { return l.fset.Position(n.Pos()) }
