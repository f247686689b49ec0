package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/retortdb/retort/internal/modelcache"
	"github.com/retortdb/retort/internal/userfile"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/sqlddl"
)

// entry is what the cache keeps of a load.
type entry struct {
	Schema *model.Schema
	// Notes are the load's log lines, said again on a hit.
	Notes []string
	// DDL is what was applied for a rendered (HCL, YAML, Go) source, to
	// make the probe again on a hit; SQL sources apply their files.
	DDL string
}

// serverVersion is the dev server's version, for cache keys.
type serverVersion struct {
	major   int
	version string
}

// loadCached loads the run's source through the cache when the source is
// one it keeps (see [Loader.Cache]). Errors are never cached: a source
// that fails fails as it would without the cache.
func (r *run) loadCached(ctx context.Context) (*model.Schema, error) {
	key := r.cacheKey(ctx)
	if key == "" {
		return r.load(ctx)
	}
	c, err := r.cache()
	if err != nil {
		r.debugf("source %s: model cache unusable: %v", r.spec, err)
		return r.load(ctx)
	}
	var e entry
	if c.Get(key, &e) && e.Schema != nil {
		r.debugf("source %s: cache hit (%s): not applied again", r.spec, key[:16])
		r.notes = e.Notes
		if declaredKind(r.spec.Kind) {
			r.reapply = r.reapplier(e.DDL)
		}
		return e.Schema, nil
	}
	r.debugf("source %s: cache miss (%s)", r.spec, key[:16])
	s, err := r.load(ctx)
	if err != nil {
		return nil, err
	}
	// An input that changed while it was loaded is not stored under the
	// key of what it was before.
	if again := r.cacheKey(ctx); again != key {
		r.debugf("source %s: changed while it was loaded; not cached", r.spec)
		return s, nil
	}
	c.Put(key, &entry{Schema: s, Notes: r.notes, DDL: r.ddl})
	return s, nil
}

func (l *Loader) cache() (*modelcache.Cache, error) {
	dir, err := modelcache.DefaultDir(l.CacheDir)
	if err != nil {
		return nil, err
	}
	return &modelcache.Cache{Dir: dir, Debugf: l.Debugf}, nil
}

// reapplier returns how a declared source whose schema came from the cache
// is applied again for the probe: its SQL files, or the DDL it rendered.
func (r *run) reapplier(ddl string) func(context.Context, target) error {
	spec, files := r.spec, r.files
	if spec.Kind != SQLFiles {
		return func(ctx context.Context, t target) error { return applyText(ctx, t, spec.String(), ddl) }
	}
	return func(ctx context.Context, t target) error {
		names, err := sqlFiles(spec.Path)
		if err != nil {
			return err
		}
		var stmts []sqlddl.Statement
		for _, f := range names {
			text, ok := files[f]
			if !ok {
				return fmt.Errorf("source %s: %s was not read", spec, f)
			}
			ss, err := sqlddl.Split(f, text)
			if err != nil {
				return err
			}
			stmts = append(stmts, ss...)
		}
		_, err = applyStatements(ctx, t, stmts)
		return err
	}
}

// read returns a SQL file's contents: those read for the cache key when
// there are, so that what is applied is what was hashed.
func (r *run) read(path string) ([]byte, error) {
	if b, ok := r.files[path]; ok {
		return b, nil
	}
	return userfile.Read(path, 0)
}

// cacheKey returns the key of the run's source, or "" when it is not
// cached: a live database or empty, no dev server, the cache turned off, or
// an input that cannot be read (the load then says why).
//
// The key holds retort's build, the dev server's major version and
// version text and its URL, the source as given and its kind, every input
// file's name and contents, and the options that change what a source
// loads as: Inspect (schemas, excluded schemas, ignored tables), Migrate
// (retort's table names, timeouts), Layout, Privileges and Trusted. The
// include and exclude patterns and AllowEmpty are not in it: they apply to
// the loaded schema, hit or miss.
func (r *run) cacheKey(ctx context.Context) string {
	if !r.Cache || r.DevURL == "none" {
		return ""
	}
	switch r.spec.Kind {
	case SQLFiles, HCLFiles, YAMLFiles, GoPackages, Migrations:
	default:
		return ""
	}
	version, err := modelcache.Version()
	if err != nil {
		r.debugf("source %s: not cached: %v", r.spec, err)
		return ""
	}
	sv, err := r.serverVersion(ctx)
	if err != nil {
		r.debugf("source %s: not cached: %v", r.spec, err)
		return ""
	}
	k := modelcache.NewKey()
	k.String("retort", version)
	k.String("model", modelcache.Fingerprint(&entry{}))
	k.String("server major", strconv.Itoa(sv.major))
	k.String("server version", sv.version)
	k.String("dev url", r.DevURL)
	k.String("kind", strconv.Itoa(int(r.spec.Kind)))
	k.String("source", r.spec.Raw)
	k.String("layout", string(r.Layout))
	k.String("privileges", strconv.FormatBool(r.Privileges))
	k.String("trusted", strconv.FormatBool(r.Trusted))
	if err := errors.Join(k.Value("inspect", r.Inspect), k.Value("migrate", r.Migrate)); err != nil {
		r.debugf("source %s: not cached: %v", r.spec, err)
		return ""
	}
	if err := r.hashInputs(k); err != nil {
		r.debugf("source %s: not cached: %v", r.spec, err)
		return ""
	}
	return k.Sum()
}

// serverVersion returns the dev server's version, asked once per Loader;
// the embedded server is not started for it.
func (l *Loader) serverVersion(ctx context.Context) (serverVersion, error) {
	l.mu.Lock()
	v := l.version
	l.mu.Unlock()
	if v != nil {
		return *v, nil
	}
	dev, err := l.devServer(ctx, Spec{})
	if err != nil {
		return serverVersion{}, err
	}
	major, version, err := dev.Version(ctx)
	if err != nil {
		return serverVersion{}, err
	}
	v = &serverVersion{major: major, version: version}
	l.mu.Lock()
	l.version = v
	l.mu.Unlock()
	return *v, nil
}

// hashInputs adds every file the run's source reads to k.
func (r *run) hashInputs(k *modelcache.Key) error {
	var files []string
	var err error
	switch r.spec.Kind {
	case SQLFiles:
		files, err = sqlFiles(r.spec.Path)
	case HCLFiles:
		files, err = declaredFiles(r.spec.Path, ".hcl")
	case YAMLFiles:
		files, err = declaredFiles(r.spec.Path, ".yaml", ".yml")
	case GoPackages:
		var wd string
		if wd, err = os.Getwd(); err != nil {
			return err
		}
		k.String("working directory", wd)
		files, err = treeFiles(goRoot(wd), func(name string) bool {
			return strings.HasSuffix(name, ".go") || name == "go.mod" || name == "go.work"
		})
	case Migrations:
		files, err = treeFiles(r.spec.Path, func(string) bool { return true })
	}
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return errors.New("no input files")
	}
	read := map[string][]byte{}
	for _, f := range files {
		b, err := userfile.Read(f, 0)
		if err != nil {
			return err
		}
		k.Bytes("file "+f, b)
		read[f] = b
	}
	if r.spec.Kind == SQLFiles && r.files == nil {
		r.files = read
	}
	return nil
}

// goRoot is the directory of the go.mod that holds dir, or dir: the Go
// files of a go:// source's packages, and of what they embed, are under
// it.
func goRoot(dir string) string {
	for d := dir; ; {
		if fi, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && fi.Mode().IsRegular() {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// treeFiles lists the files under root that keep accepts, in
// lexical order, leaving out version-control directories.
func treeFiles(root string, keep func(name string) bool) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", ".hg", ".svn", "node_modules":
				if path != root {
					return filepath.SkipDir
				}
			}
			return nil
		}
		// Symbolic links are followed as the loaders follow them;
		// what is not a regular file then fails to read, and the
		// source is not cached.
		if keep(d.Name()) {
			files = append(files, path)
		}
		return nil
	})
	return files, err
}
