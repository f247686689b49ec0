// Package devdbtest gives the tests of other packages a PostgreSQL server:
// one embedded [devdb.Server] per test binary, started on first use and
// stopped when the tests are done, with a fresh database per test.
//
// A package that uses it calls [Main] from TestMain:
//
//	func TestMain(m *testing.M) { devdbtest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		t.Parallel()
//		conn, err := pgx.Connect(t.Context(), devdbtest.NewDatabase(t))
//		…
//	}
//
// If the environment variable RETORT_TEST_PG_URL is set to a postgres://
// URL, the tests use that server instead of starting one; its role needs
// CREATEDB, and every test database is dropped after its test. Otherwise the
// embedded server is found as [devdb.Start] finds it ($RETORT_PG_BIN, PATH
// and so on). A server that cannot be started fails the tests that need it,
// with the reason, and no others.
package devdbtest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/retortdb/retort/internal/devdb"
)

// EnvURL names the environment variable that points the tests at an
// external server instead of an embedded one.
const EnvURL = "RETORT_TEST_PG_URL"

// startTimeout bounds the first start, which may have to run initdb.
const startTimeout = 2 * time.Minute

var shared struct {
	mu      sync.Mutex
	inMain  bool
	started bool
	server  *devdb.Server
	dev     *devdb.Dev // used by NewDatabase; does not own server
	err     error
}

// Main runs the tests of the test binary with one shared dev server, then
// stops the server and exits with the tests' exit code. Call it from
// TestMain. The server is started by the first test that needs it, so a run
// that selects no such test starts none.
func Main(m *testing.M) {
	shared.mu.Lock()
	shared.inMain = true
	shared.mu.Unlock()

	code := m.Run()

	shared.mu.Lock()
	var errs []error
	if shared.dev != nil {
		errs = append(errs, shared.dev.Close())
	}
	if shared.server != nil {
		errs = append(errs, shared.server.Close())
	}
	shared.mu.Unlock()
	for _, err := range errs {
		if err != nil {
			fmt.Fprintf(os.Stderr, "devdbtest: stopping the dev server: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	os.Exit(code)
}

// setup starts the shared server, or connects the shared Dev to the external
// one, once; a failure is remembered and reported to every caller.
func setup(t testing.TB) {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.inMain {
		t.Fatal("devdbtest: call devdbtest.Main from TestMain to use the shared dev server")
	}
	if !shared.started {
		shared.started = true
		shared.err = start()
	}
	if shared.err != nil {
		t.Fatalf("devdbtest: %v", shared.err)
	}
}

func start() error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if pgURL := os.Getenv(EnvURL); pgURL != "" {
		dev, err := devdb.Open(ctx, pgURL, devdb.Options{})
		if err != nil {
			return fmt.Errorf("%s: %w", EnvURL, err)
		}
		shared.dev = dev
		return nil
	}
	opts := devdb.Options{Dir: MemDir()}
	if testing.Verbose() {
		opts.Logf = func(format string, args ...any) {
			fmt.Fprintf(os.Stderr, "devdbtest: "+format+"\n", args...)
		}
	}
	s, err := devdb.Start(ctx, opts)
	if err != nil {
		return err
	}
	shared.server = s
	shared.dev = devdb.NewDev(s)
	return nil
}

// MemDir returns /dev/shm when it is a directory that every user can write
// to (a memory file system on Linux), else "" (the temp dir): where tests
// should put dev servers, as [devdb.Options.Dir] or as TMPDIR of a retort
// process. The tests create and drop thousands of databases; on a memory
// file system each costs about a third less CPU time (measured: 40 creates
// and drops took 5.7 s of CPU on /dev/shm, 8.4 s on the disk's /tmp).
func MemDir() string {
	const shm = "/dev/shm"
	fi, err := os.Stat(shm)
	if err != nil || !fi.IsDir() || fi.Mode().Perm()&0o002 == 0 {
		return ""
	}
	return shm
}

// NewDatabase creates an empty database for the test (on the server of
// the major it is bound to by [UseMajor], if any), dropped when the test
// ends, and returns a URL to connect to it. It is cheap and safe to call
// from parallel tests.
func NewDatabase(t testing.TB) string {
	t.Helper()
	_, dev, ok := boundServer(t)
	if !ok {
		setup(t)
		dev = shared.dev
	}
	sc, err := dev.Scratch(t.Context())
	if err != nil {
		t.Fatalf("devdbtest: %v", err)
	}
	t.Cleanup(func() {
		// t.Context is already cancelled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := sc.Close(ctx); err != nil {
			t.Errorf("devdbtest: %v", err)
		}
	})
	return sc.ConnString()
}

// Server returns the shared embedded server (or, in a test bound to a
// major by [UseMajor], that major's server). It skips the test when
// RETORT_TEST_PG_URL points the tests at an external server, as there is no
// Server then.
func Server(t testing.TB) *devdb.Server {
	t.Helper()
	if s, _, ok := boundServer(t); ok {
		return s
	}
	setup(t)
	if shared.server == nil {
		t.Skipf("devdbtest: %s is set; the test needs the embedded server", EnvURL)
	}
	return shared.server
}

// Dev returns a Dev backed by the shared server, for code under test that
// makes its own scratch databases. It is closed when the test ends, which
// drops the scratch databases it still has.
func Dev(t testing.TB) *devdb.Dev {
	t.Helper()
	var dev *devdb.Dev
	if s, _, ok := boundServer(t); ok {
		dev = devdb.NewDev(s)
	} else if setup(t); shared.server != nil {
		dev = devdb.NewDev(shared.server)
	} else {
		var err error
		dev, err = devdb.Open(t.Context(), os.Getenv(EnvURL), devdb.Options{})
		if err != nil {
			t.Fatalf("devdbtest: %s: %v", EnvURL, err)
		}
	}
	t.Cleanup(func() {
		if err := dev.Close(); err != nil {
			t.Errorf("devdbtest: %v", err)
		}
	})
	return dev
}

// Connect opens a connection to url for the test, closed when it ends.
func Connect(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
