package source

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/retortdb/retort/internal/connstr"
	"github.com/retortdb/retort/internal/devdb"
	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/migrate/layout"
	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/sqlddl"
)

// Kind classifies a SRC string.
type Kind int

// The kinds of source.
const (
	Database Kind = iota + 1
	SQLFiles
	HCLFiles
	YAMLFiles
	GoPackages
	Migrations
	Empty
)

// Spec is a parsed SRC.
type Spec struct {
	Kind Kind
	// Raw is the SRC as given; for a database its password is in it, so print
	// [Spec.String] instead.
	Raw string
	// Path is the file, directory or package pattern for file-like sources.
	Path string
}

// String returns the source for messages, with any password redacted.
func (s Spec) String() string {
	if s.Kind == Database {
		return connstr.Redact(s.Raw)
	}
	return s.Raw
}

// Parse classifies src. It does not touch the file system or the network.
func Parse(src string) (Spec, error) {
	switch {
	case src == "":
		return Spec{}, errors.New("empty source: want postgres://…, a .sql file or directory, or empty")
	case src == "empty":
		return Spec{Kind: Empty, Raw: src}, nil
	case strings.HasPrefix(src, "postgres://"), strings.HasPrefix(src, "postgresql://"):
		if _, err := url.Parse(src); err != nil {
			return Spec{}, fmt.Errorf("source %s: not a valid URL", connstr.Redact(src))
		}
		return Spec{Kind: Database, Raw: src}, nil
	case strings.HasPrefix(src, "go://"):
		return Spec{Kind: GoPackages, Raw: src, Path: strings.TrimPrefix(src, "go://")}, nil
	case strings.HasPrefix(src, "migrations://"):
		return Spec{Kind: Migrations, Raw: src, Path: strings.TrimPrefix(src, "migrations://")}, nil
	}
	path := strings.TrimPrefix(src, "file://")
	if i := strings.Index(path, "://"); i > 0 && !strings.ContainsAny(path[:i], "/.") {
		return Spec{}, fmt.Errorf("source %q: unknown scheme %q: want postgres://, postgresql://, file://, go:// or migrations://", src, path[:i])
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".sql":
		return Spec{Kind: SQLFiles, Raw: src, Path: path}, nil
	case ".hcl":
		return Spec{Kind: HCLFiles, Raw: src, Path: path}, nil
	case ".yaml", ".yml":
		return Spec{Kind: YAMLFiles, Raw: src, Path: path}, nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return dirSpec(src, path)
	}
	return Spec{}, fmt.Errorf("source %q: not a database URL, a .sql/.hcl/.yaml file, a directory, go://…, migrations://… or empty", src)
}

// dirSpec decides a directory's kind by the schema files it holds.
func dirSpec(src, dir string) (Spec, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Spec{}, fmt.Errorf("source %s: %w", src, err)
	}
	kinds := map[Kind]bool{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".sql":
			kinds[SQLFiles] = true
		case ".hcl":
			kinds[HCLFiles] = true
		case ".yaml", ".yml":
			kinds[YAMLFiles] = true
		}
	}
	switch len(kinds) {
	case 0:
		return Spec{}, fmt.Errorf("source %s: directory holds no .sql, .hcl or .yaml files", src)
	case 1:
		for k := range kinds {
			return Spec{Kind: k, Raw: src, Path: dir}, nil
		}
	}
	return Spec{}, fmt.Errorf("source %s: directory mixes schema formats; point at one file or split them", src)
}

// Loader loads sources. Its zero value is not usable: set DevURL.
type Loader struct {
	// DevURL is "embedded", "none" or a postgres:// URL of a server on which
	// scratch databases may be created.
	DevURL string
	// Inspect selects what is read from every database.
	Inspect introspect.Options
	// Include and Exclude are the --include and --exclude patterns (see
	// package internal/filter), applied alike to every source loaded.
	Include, Exclude []string
	// Logf receives warnings and progress; nil discards them.
	Logf func(format string, args ...any)
	// Debugf receives detail (the dev server's start); nil discards it.
	Debugf func(format string, args ...any)
	// Privileges keeps owners and grants of declared schemas.
	Privileges bool
	// Migrate names retort's own tables, which are never part of a schema,
	// and is used to replay migrations sources.
	Migrate migrate.Options
	// Layout is the file layout of migrations sources (retort.yaml's
	// layout); empty means retort's own.
	Layout layout.Layout
	// AllowEmpty accepts a declared schema that declares nothing besides
	// schemas (see [ErrEmptySchema]).
	AllowEmpty bool
	// Trusted applies declared sources and replayed migrations on the dev
	// server as its superuser (--trusted, dev_trusted). By default they
	// are applied as a role without superuser rights: see [devdb].
	Trusted bool
	// Cache keeps the schemas that declared sources and migrations
	// directories load as, keyed by their contents and every setting that
	// changes them, so that an unchanged source is not applied to the dev
	// server again (see package internal/modelcache). Live databases and
	// empty are always read. Without a dev server nothing is cached.
	Cache bool
	// CacheDir is the cache's directory; empty means $RETORT_CACHE_DIR,
	// else retort/models under the user's cache directory.
	CacheDir string

	// mu guards what loads running at once (LoadPair) share.
	mu      sync.Mutex
	dev     *devdb.Dev
	probe   *probe
	version *serverVersion // of the dev server, for cache keys; nil until asked
}

// Load reads src into a normalized schema.
func (l *Loader) Load(ctx context.Context, src string) (*model.Schema, error) {
	spec, err := Parse(src)
	if err != nil {
		return nil, err
	}
	if err := l.checkPatterns(); err != nil {
		return nil, err
	}
	r := l.newRun(spec)
	s, err := r.loadCached(ctx)
	return l.finish(ctx, r, s, err)
}

// Close drops scratch databases and stops an embedded server.
func (l *Loader) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dev == nil {
		return nil
	}
	l.probe = nil // dropped with the dev server's other scratch databases
	err := l.dev.Close()
	l.dev = nil
	return err
}

func (l *Loader) devServer(ctx context.Context, spec Spec) (*devdb.Dev, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dev != nil {
		return l.dev, nil
	}
	if l.DevURL == "none" {
		return nil, fmt.Errorf("source %s needs a dev server to be read exactly; use --dev-url embedded or --dev-url postgres://…", spec)
	}
	// Opening connects to nothing: the server starts at the first
	// scratch database, once, however many loads ask at once.
	dev, err := devdb.Open(ctx, l.DevURL, devdb.Options{Logf: l.Logf, Debugf: l.Debugf, Trusted: l.Trusted})
	if err != nil {
		return nil, fmt.Errorf("dev server: %w", err)
	}
	l.dev = dev
	return dev, nil
}

// onScratch inspects a new, empty scratch database, which is what the empty
// source reads as on this dev server. The scratch database is always dropped.
func (l *run) onScratch(ctx context.Context, spec Spec) (_ *model.Schema, err error) {
	dev, err := l.devServer(ctx, spec)
	if err != nil {
		return nil, err
	}
	sc, err := dev.Scratch(ctx)
	if err != nil {
		return nil, fmt.Errorf("dev server: %w", err)
	}
	defer func() {
		// Drop even when ctx was cancelled: a scratch database must not outlive us.
		if cerr := sc.Close(context.WithoutCancel(ctx)); cerr != nil && err == nil {
			err = fmt.Errorf("drop scratch database: %w", cerr)
		}
	}()
	s, err := introspect.InspectURL(ctx, sc.ConnString(), l.Inspect)
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", spec, err)
	}
	return s, nil
}

// onScratchSQL applies generated DDL text to a new scratch database and
// inspects it. The scratch database is always dropped.
func (l *run) onScratchSQL(ctx context.Context, spec Spec, ddl string) (_ *model.Schema, err error) {
	dev, err := l.devServer(ctx, spec)
	if err != nil {
		return nil, err
	}
	sc, err := dev.Scratch(ctx)
	if err != nil {
		return nil, fmt.Errorf("dev server: %w", err)
	}
	defer func() {
		if err == nil {
			// Kept as the probe: see Loader.Reconcile.
			l.kept, l.ddl = sc, ddl
			return
		}
		if cerr := sc.Close(context.WithoutCancel(ctx)); cerr != nil && err == nil {
			err = fmt.Errorf("drop scratch database: %w", cerr)
		}
	}()
	tgt, err := l.target(ctx, dev, sc)
	if err != nil {
		return nil, err
	}
	if err := applyText(ctx, tgt, spec.String(), ddl); err != nil {
		return nil, err
	}
	if err := settle(ctx, sc); err != nil {
		return nil, fmt.Errorf("dev server: %w", err)
	}
	s, err := introspect.InspectURL(ctx, sc.ConnString(), l.Inspect)
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", spec, err)
	}
	return s, nil
}

// applyText runs DDL that retort rendered from a declared schema. It
// goes as one simple-protocol batch, which is fast and, holding no
// transaction control, all or nothing. When the batch fails because
// something a statement needs does not exist yet (a view reading a view
// declared after it, with no depends_on between them), it is applied again
// statement by statement, each one that fails that way retried after the
// others, as a SQL source is: declarations need no order. On the embedded
// dev server, roles that grants and owners name are created as they are
// for a SQL source. What still fails is a [*Rejection].
func applyText(ctx context.Context, t target, name, text string) error {
	conn, err := pgx.Connect(ctx, t.url)
	if err != nil {
		return fmt.Errorf("connect to scratch database: %w", err)
	}
	_, err = conn.PgConn().Exec(ctx, text).ReadAll()
	conn.Close(context.WithoutCancel(ctx))
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return fmt.Errorf("source %s: the dev server rejected its DDL: %w", name, err)
	}
	stmts, serr := sqlddl.Split(name, []byte(text))
	if !deferrableCode(pgErr.Code) || serr != nil {
		return &Rejection{Source: name, Statement: rejectedLine(text, int(pgErr.Position)), Err: pgErr, Restricted: t.restricted}
	}
	_, err = applyStatements(ctx, t, stmts)
	var se *StatementError
	if !errors.As(err, &se) {
		return err
	}
	r := &Rejection{Source: name, Statement: textLine(text, se.Line), Err: se.Err, Restricted: t.restricted}
	for _, c := range se.Cycle {
		r.Cycle = append(r.Cycle, CycleStep{Statement: c.Statement, Uses: c.Uses})
	}
	return r
}

// rejectedLine is the line of text at a server error's position (1-based,
// in characters), or "" without one.
func rejectedLine(text string, pos int) string {
	if pos <= 0 {
		return ""
	}
	line, _ := lineCol(text, pos)
	return textLine(text, line)
}

// textLine is line n (1-based) of text, trimmed.
func textLine(text string, n int) string {
	lines := strings.Split(text, "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return strings.TrimSpace(lines[n-1])
}

// Rejection is the dev server's refusal of the DDL rendered from a
// declared (HCL, YAML or Go) schema. The DDL is retort's, so it names the
// rejected line of it; the loaders then point the error at the place of
// the user's files that names what the server complains about.
type Rejection struct {
	Source    string // the source, as given
	Statement string // the rejected line of the DDL, or ""
	Err       *pgconn.PgError
	// Cycle, when not empty, is why: declarations that need each other,
	// each using what the next one creates.
	Cycle []CycleStep
	// Restricted says that the DDL ran without superuser rights, which
	// the message then names when they are what it lacked.
	Restricted bool
}

// Error returns "source S: the dev server rejected "LINE": message
// (SQLSTATE code)", then the cycle, each step by its statement's first line.
func (r *Rejection) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "source %s: the dev server rejected ", r.Source)
	if r.Statement != "" {
		fmt.Fprintf(&b, "%q: ", r.Statement)
	} else {
		b.WriteString("its DDL: ")
	}
	fmt.Fprintf(&b, "%s (SQLSTATE %s)", r.Err.Message, r.Err.Code)
	if len(r.Cycle) > 0 {
		steps := make([]string, len(r.Cycle))
		for i, c := range r.Cycle {
			next := r.Cycle[(i+1)%len(r.Cycle)].Statement
			steps[i] = fmt.Sprintf("%q uses %s, which %q creates", c.Statement.FirstLine(), c.Uses, next.FirstLine())
		}
		b.WriteString("; these declarations need each other, and PostgreSQL cannot create any of them first: " + strings.Join(steps, "; "))
	}
	if r.Restricted && needsTrust(r.Err) {
		b.WriteString("; " + trustHint)
	}
	return b.String()
}

// Unwrap returns the server's error.
func (r *Rejection) Unwrap() error { return r.Err }

// name is the name a rejection is about, to be found in the user's files:
// the object the first statement of a cycle uses, or the first quoted
// name of the server's message (`relation "b" does not exist`).
func (r *Rejection) name() string {
	if len(r.Cycle) > 0 {
		return r.Cycle[0].Uses.Name
	}
	if m := quotedName.FindStringSubmatch(r.Err.Message); m != nil {
		return m[1]
	}
	return ""
}

// sqlFiles lists the .sql files of path: the file itself, or a directory's
// files in lexical order.
func sqlFiles(path string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", path, err)
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", path, err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".sql") {
			files = append(files, filepath.Join(path, e.Name()))
		}
	}
	sort.Strings(files)
	return files, nil
}

// lineCol converts PostgreSQL's 1-based character position into a 1-based
// line and column.
func lineCol(text string, pos int) (line, col int) {
	line, col = 1, 1
	for i := 0; i < len(text) && pos > 1; {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		pos--
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
