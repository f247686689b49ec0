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
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/retortdb/retort/internal/devdb"
	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/migrate/layout"
	"github.com/retortdb/retort/model"
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
		return Redact(s.Raw)
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
			return Spec{}, fmt.Errorf("source %s: not a valid URL", Redact(src))
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

// Redact returns a connection URL with its password replaced by "xxxxx".
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		// An unparsable URL may still hold a password: cut everything
		// between the scheme and the last '@'.
		if i, j := strings.Index(raw, "://"), strings.LastIndex(raw, "@"); i >= 0 && j > i {
			return raw[:i+3] + "xxxxx" + raw[j:]
		}
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Loader loads sources. Its zero value is not usable: set DevURL.
type Loader struct {
	// DevURL is "embedded", "none" or a postgres:// URL of a server on which
	// scratch databases may be created.
	DevURL string
	// Inspect selects what is read from every database.
	Inspect introspect.Options
	// Logf receives warnings and progress; nil discards them.
	Logf func(format string, args ...any)
	// Privileges keeps owners and grants of declared schemas.
	Privileges bool
	// Migrate names retort's own tables, which are never part of a schema,
	// and is used to replay migrations sources.
	Migrate migrate.Options
	// Layout is the file layout of migrations sources (retort.yaml's
	// layout); empty means retort's own.
	Layout layout.Layout

	dev *devdb.Dev
}

// Load reads src into a normalized schema.
func (l *Loader) Load(ctx context.Context, src string) (*model.Schema, error) {
	spec, err := Parse(src)
	if err != nil {
		return nil, err
	}
	switch spec.Kind {
	case Database:
		s, err := introspect.InspectURL(ctx, spec.Raw, l.inspectOptions())
		if err != nil {
			return nil, fmt.Errorf("inspect %s: %w", spec, redactErr(err, spec.Raw))
		}
		return s, nil
	case Empty:
		return l.onScratch(ctx, spec)
	case SQLFiles:
		return l.loadSQL(ctx, spec)
	case HCLFiles:
		return l.loadHCL(ctx, spec)
	case YAMLFiles:
		return l.loadYAML(ctx, spec)
	case GoPackages:
		return l.loadGo(ctx, spec)
	case Migrations:
		return l.loadMigrations(ctx, spec)
	}
	return nil, fmt.Errorf("source %s: unknown kind", spec)
}

// Close drops scratch databases and stops an embedded server.
func (l *Loader) Close() error {
	if l.dev == nil {
		return nil
	}
	err := l.dev.Close()
	l.dev = nil
	return err
}

func (l *Loader) devServer(ctx context.Context, spec Spec) (*devdb.Dev, error) {
	if l.dev != nil {
		return l.dev, nil
	}
	if l.DevURL == "none" {
		return nil, fmt.Errorf("source %s needs a dev server to be read exactly; use --dev-url embedded or --dev-url postgres://…", spec)
	}
	dev, err := devdb.Open(ctx, l.DevURL, devdb.Options{Logf: l.Logf})
	if err != nil {
		return nil, fmt.Errorf("dev server: %w", err)
	}
	l.dev = dev
	return dev, nil
}

// onScratch inspects a new, empty scratch database, which is what the empty
// source reads as on this dev server. The scratch database is always dropped.
func (l *Loader) onScratch(ctx context.Context, spec Spec) (_ *model.Schema, err error) {
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
func (l *Loader) onScratchSQL(ctx context.Context, spec Spec, ddl string) (_ *model.Schema, err error) {
	dev, err := l.devServer(ctx, spec)
	if err != nil {
		return nil, err
	}
	sc, err := dev.Scratch(ctx)
	if err != nil {
		return nil, fmt.Errorf("dev server: %w", err)
	}
	defer func() {
		if cerr := sc.Close(context.WithoutCancel(ctx)); cerr != nil && err == nil {
			err = fmt.Errorf("drop scratch database: %w", cerr)
		}
	}()
	if err := applyText(ctx, sc.ConnString(), spec.String(), ddl); err != nil {
		return nil, err
	}
	s, err := introspect.InspectURL(ctx, sc.ConnString(), l.Inspect)
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", spec, err)
	}
	return s, nil
}

// applyText runs DDL text as one simple-protocol batch; an error names the
// statement PostgreSQL rejected.
func applyText(ctx context.Context, connString, name, text string) error {
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		return fmt.Errorf("connect to scratch database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.PgConn().Exec(ctx, text).ReadAll(); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Position > 0 {
			line, _ := lineCol(text, int(pgErr.Position))
			lines := strings.Split(text, "\n")
			return fmt.Errorf("source %s: the dev server rejected %q: %s (SQLSTATE %s)", name, strings.TrimSpace(lines[line-1]), pgErr.Message, pgErr.Code)
		}
		return fmt.Errorf("source %s: the dev server rejected its DDL: %w", name, err)
	}
	return nil
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

// redactErr keeps a password in a connection string from leaking through a
// driver error message.
func redactErr(err error, raw string) error {
	u, perr := url.Parse(raw)
	if perr != nil {
		return err
	}
	if pw, ok := u.User.Password(); ok && pw != "" && strings.Contains(err.Error(), pw) {
		return errors.New(strings.ReplaceAll(err.Error(), pw, "xxxxx"))
	}
	return err
}
