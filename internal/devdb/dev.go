package devdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/connstr"
	"github.com/retortdb/retort/internal/sqlq"
)

// ErrNoDevServer is returned by Open for the dev URL "none": the user has
// ruled out any dev server, so whatever needed one cannot be done.
var ErrNoDevServer = errors.New("no dev server (--dev-url none)")

// ScratchPrefix starts the name of every scratch database, so that they are
// recognisable on a shared dev server.
const ScratchPrefix = "retort_scratch_"

// closeTimeout bounds the drops that Dev.Close does, as Close takes no
// context.
const closeTimeout = 30 * time.Second

// Dev is where scratch databases come from: an embedded Server, started on
// first use, or an external server given by URL. Its methods are safe for
// concurrent use.
type Dev struct {
	opts     Options
	external string // admin URL of an external server; "" for embedded

	mu        sync.Mutex
	server    *Server
	ownServer bool // whether Close stops server
	scratches map[*Scratch]struct{}
	closed    bool
	swept     atomic.Bool // whether Scratch has dropped abandoned scratch databases

	// admin is the superuser role Dev works as on its own server; ""
	// means the bootstrap role (see restrict.go).
	admin string
	apply applyPolicy // how declared sources are applied: see restrict.go
}

// Open returns the Dev named by devURL:
//
//   - "embedded" or "": a private Server, started by the first call that
//     needs it, with opts;
//   - "postgres://…" or "postgresql://…": that server, on which scratch
//     databases are created and dropped (the role needs CREATEDB);
//   - "none": the error ErrNoDevServer.
//
// Open connects to nothing; problems with the server show at first use.
func Open(ctx context.Context, devURL string, opts Options) (*Dev, error) {
	switch {
	case devURL == "" || devURL == "embedded":
		return &Dev{opts: opts, ownServer: true, scratches: make(map[*Scratch]struct{})}, nil
	case devURL == "none":
		return nil, ErrNoDevServer
	case strings.HasPrefix(devURL, "postgres://"), strings.HasPrefix(devURL, "postgresql://"):
		// pgconn redacts passwords in its parse errors.
		if _, err := pgx.ParseConfig(devURL); err != nil {
			return nil, fmt.Errorf("devdb: dev URL: %w", err)
		}
		if _, err := url.Parse(devURL); err != nil {
			return nil, fmt.Errorf("devdb: dev URL: not a valid URL")
		}
		return &Dev{opts: opts, external: devURL, scratches: make(map[*Scratch]struct{})}, nil
	default:
		return nil, fmt.Errorf("devdb: dev URL %q: want embedded, none, or a postgres:// URL", connstr.Redact(devURL))
	}
}

// NewDev returns a Dev that creates scratch databases on s. Closing it drops
// the scratch databases it made but leaves s running: s belongs to the
// caller.
func NewDev(s *Server) *Dev {
	return &Dev{opts: Options{Logf: s.logf}, server: s, scratches: make(map[*Scratch]struct{})}
}

// adminURL returns a URL for the maintenance database on which CREATE and
// DROP DATABASE run, starting the embedded server if need be.
func (d *Dev) adminURL(ctx context.Context) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return "", errors.New("devdb: Dev is closed")
	}
	if d.external != "" {
		return d.external, nil
	}
	if d.server == nil {
		// A failed start is not remembered: the next call tries again,
		// which matters when only the caller's ctx was cancelled.
		s, err := Start(ctx, d.opts)
		if err != nil {
			return "", err
		}
		if !d.opts.Trusted && d.ownServer {
			// A saved cluster was restricted before it was saved.
			if d.opts.From == "" {
				if err := s.restrict(ctx); err != nil {
					return "", errors.Join(err, s.Close())
				}
			}
			d.admin, d.apply = adminRole, applyAsStandIn
		}
		d.server = s
	}
	return d.server.connStringAs(d.adminRole(), "postgres"), nil
}

// serverMajor returns the embedded server's major version.
func (d *Dev) serverMajor() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.server.Major()
}

// scratchURL returns the URL of database name on the dev server.
func (d *Dev) scratchURL(name string) (string, error) {
	if d.external == "" {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.server.connStringAs(d.adminRole(), name), nil
	}
	u, err := url.Parse(d.external)
	if err != nil {
		return "", fmt.Errorf("devdb: dev URL: not a valid URL")
	}
	u.Path, u.RawPath = "/"+name, ""
	if q := u.Query(); q.Has("dbname") {
		// libpq and pgx let a dbname parameter override the path.
		q.Del("dbname")
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// Embedded reports whether the dev server is retort's own, started for
// this process and thrown away after it, rather than a server given by URL
// that others share. Only on its own server may retort create what
// belongs to the whole server, such as roles.
func (d *Dev) Embedded() bool { return d.external == "" }

// Scratch creates an empty database on the dev server (from template0, so
// without anything a site added to template1) and returns it. The caller
// closes it; Dev.Close drops those still open.
func (d *Dev) Scratch(ctx context.Context) (*Scratch, error) {
	admin, err := d.adminURL(ctx)
	if err != nil {
		return nil, err
	}
	name := newScratchName()
	conn, err := d.connect(ctx, admin)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if d.external != "" && d.swept.CompareAndSwap(false, true) {
		// Runs killed before Close leave scratch databases on a shared
		// server that nothing else would drop; once per Dev is enough.
		dropAbandonedScratches(ctx, conn, d.opts.Logf)
	}
	if _, err := conn.Exec(ctx, d.createSQL(name)); err != nil {
		return nil, fmt.Errorf("devdb: create scratch database %s (the dev server role needs CREATEDB): %w", name, err)
	}
	connString, err := d.scratchURL(name)
	if err != nil {
		return nil, err
	}
	sc := &Scratch{dev: d, name: name, connString: connString, admin: admin}

	d.mu.Lock()
	closed := d.closed
	if !closed {
		d.scratches[sc] = struct{}{}
	}
	d.mu.Unlock()
	if closed {
		// Close ran while the database was being created; it must not
		// outlive the Dev.
		return nil, errors.Join(errors.New("devdb: Dev is closed"), sc.drop(ctx))
	}
	return sc, nil
}

// createSQL returns the statement that creates the empty database name.
func (d *Dev) createSQL(name string) string {
	create := "CREATE DATABASE " + sqlq.Ident(name) + " TEMPLATE template0"
	if d.external == "" && d.serverMajor() >= 15 {
		// On the embedded server, with fsync off, the checkpoints of
		// FILE_COPY cost less than WAL-logging the template as 15's
		// default does: parallel tests create databases about twice as
		// fast. On a shared external server those checkpoints would
		// burden everyone else, so the default stays.
		create += " STRATEGY FILE_COPY"
	}
	return create
}

// Major returns the dev server's major version, such as 15, starting the
// embedded server if need be.
func (d *Dev) Major(ctx context.Context) (int, error) {
	admin, err := d.adminURL(ctx)
	if err != nil {
		return 0, err
	}
	if d.external == "" {
		return d.serverMajor(), nil
	}
	conn, err := d.connect(ctx, admin)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var num string
	if err := conn.QueryRow(ctx, "SHOW server_version_num").Scan(&num); err != nil {
		return 0, fmt.Errorf("devdb: dev server version: %w", err)
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return 0, fmt.Errorf("devdb: dev server version: server_version_num %q: %w", num, err)
	}
	return n / 10000, nil
}

// Version returns the dev server's major version and version text without
// starting the embedded server: for it, those of the binaries it runs or
// would run (postgres --version); for a server given by URL, its
// server_version_num and server_version, over one connection. Caches key
// their entries by it.
func (d *Dev) Version(ctx context.Context) (major int, version string, err error) {
	if d.external == "" {
		d.mu.Lock()
		s := d.server
		d.mu.Unlock()
		if s != nil {
			return s.Major(), s.Version(), nil
		}
		in, err := findInstall(ctx, d.opts.BinDir, d.opts.Major, func(string, ...any) {})
		if err != nil {
			return 0, "", fmt.Errorf("devdb: %w", err)
		}
		return in.major, in.version, nil
	}
	conn, err := d.connect(ctx, d.external)
	if err != nil {
		return 0, "", err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var num string
	if err := conn.QueryRow(ctx, "SELECT pg_catalog.current_setting('server_version_num'), pg_catalog.current_setting('server_version')").Scan(&num, &version); err != nil {
		return 0, "", fmt.Errorf("devdb: dev server version: %w", err)
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return 0, "", fmt.Errorf("devdb: dev server version: server_version_num %q: %w", num, err)
	}
	return n / 10000, version, nil
}

// Close drops the scratch databases still open and stops the embedded
// server if this Dev started it. It is safe to call more than once.
func (d *Dev) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	scratches := make([]*Scratch, 0, len(d.scratches))
	for sc := range d.scratches {
		scratches = append(scratches, sc)
	}
	clear(d.scratches)
	server, own := d.server, d.ownServer
	d.mu.Unlock()

	if own {
		// The scratch databases go with the server's data dir.
		if server == nil {
			return nil
		}
		return server.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	var errs []error
	for _, sc := range scratches {
		errs = append(errs, sc.drop(ctx))
	}
	return errors.Join(errs...)
}

func (d *Dev) connect(ctx context.Context, connString string) (*pgx.Conn, error) {
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		return nil, fmt.Errorf("devdb: connect to dev server: %w", err)
	}
	return conn, nil
}

// Scratch is an empty database on the dev server, for retort to load a
// schema into and introspect. Close drops it.
type Scratch struct {
	dev        *Dev
	name       string
	connString string
	admin      string // where to connect to drop it

	mu       sync.Mutex
	applier  string // the role that applies declared sources; "" before Applier, or the admin
	applyURL string // its URL, once Applier has prepared it
	tempRole bool   // whether applier is a role of this scratch's own, dropped with it
}

// Name returns the database's name.
func (sc *Scratch) Name() string { return sc.name }

// ConnString returns a URL for connecting to the database.
func (sc *Scratch) ConnString() string { return sc.connString }

// Close drops the database, ending any sessions still connected to it. It
// is safe to call more than once, and after Dev.Close, which has then
// already dropped it.
func (sc *Scratch) Close(ctx context.Context) error {
	d := sc.dev
	d.mu.Lock()
	_, open := d.scratches[sc]
	d.mu.Unlock()
	if !open {
		return nil
	}
	if err := sc.drop(ctx); err != nil {
		// Left in the set, so that Dev.Close tries again.
		return err
	}
	d.mu.Lock()
	delete(d.scratches, sc)
	d.mu.Unlock()
	return nil
}

// drop drops the database. WITH (FORCE) (PostgreSQL 13) ends sessions that
// a caller forgot to close, which would otherwise make the drop fail.
func (sc *Scratch) drop(ctx context.Context) error {
	conn, err := sc.dev.connect(ctx, sc.admin)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+sqlq.Ident(sc.name)+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("devdb: drop scratch database %s: %w", sc.name, err)
	}
	return sc.dropRole(ctx, conn)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails: see crypto/rand.Read
	return hex.EncodeToString(b)
}
