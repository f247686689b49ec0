package devdbtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/retortdb/retort/internal/devdb"
)

// TestedMajors are the PostgreSQL majors that the tests across versions run
// on besides the system's (Debian's 15, on which the whole suite runs):
// those whose binaries `scripts/setup --test` installs in
// [devdb.VersionsDir].
var TestedMajors = []int{13, 14, 16, 17, 18}

// versionServer is the embedded server of one major, started by the first
// test bound to it and stopped when the test that bound it ends.
type versionServer struct {
	once   sync.Once
	server *devdb.Server
	dev    *devdb.Dev
	err    error
}

var versions struct {
	mu      sync.Mutex
	servers map[int]*versionServer
	bound   map[string]int // test name → major, for it and its subtests
}

// ForEachMajor runs f as the subtest t/MAJOR for each of [TestedMajors], with
// the test and its subtests bound to a server of that major: in them,
// [NewDatabase], [Server] and [Dev] use it. The majors run one after
// another, each with its own server, stopped when its subtest ends; the
// subtests of one major run in parallel as they choose. A major whose
// binaries are not installed fails its subtest when CI=true (so that CI
// never loses a version silently) and skips it otherwise, naming the
// command that installs them.
func ForEachMajor(t *testing.T, f func(t *testing.T, major int)) {
	if os.Getenv(EnvURL) != "" {
		t.Skipf("devdbtest: %s is set; the tests across versions start their own servers", EnvURL)
	}
	dir, err := devdb.VersionsDir()
	if err != nil {
		t.Fatalf("devdbtest: %v", err)
	}
	var missing []string
	for _, major := range TestedMajors {
		if !installed(dir, major) {
			missing = append(missing, strconv.Itoa(major))
		}
	}
	if len(missing) > 0 {
		t.Logf("PostgreSQL %s server binaries are not installed in %s", strings.Join(missing, ", "), dir)
	}
	for _, major := range TestedMajors {
		t.Run(strconv.Itoa(major), func(t *testing.T) {
			if !installed(dir, major) {
				msg := fmt.Sprintf("PostgreSQL %d server binaries are not installed in %s; run scripts/setup --test", major, dir)
				if os.Getenv("CI") == "true" {
					t.Fatal(msg)
				}
				t.Skip(msg)
			}
			begin := time.Now()
			UseMajor(t, major)
			t.Cleanup(func() { t.Logf("PostgreSQL %d: %v", major, time.Since(begin).Round(time.Second)) })
			f(t, major)
		})
	}
}

// installed reports whether dir holds runnable server binaries of major.
func installed(dir string, major int) bool {
	fi, err := os.Stat(filepath.Join(devdb.VersionBinDir(dir, major), "postgres"))
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// UseMajor binds t and its subtests to an embedded server of major, from
// the binaries in [devdb.VersionsDir], started on first use and stopped
// when t ends. Call it before the subtests start.
func UseMajor(t *testing.T, major int) {
	t.Helper()
	versions.mu.Lock()
	if versions.bound == nil {
		versions.bound = make(map[string]int)
		versions.servers = make(map[int]*versionServer)
	}
	versions.bound[t.Name()] = major
	vs := versions.servers[major]
	if vs == nil {
		vs = &versionServer{}
		versions.servers[major] = vs
	}
	versions.mu.Unlock()
	t.Cleanup(func() {
		versions.mu.Lock()
		delete(versions.bound, t.Name())
		if versions.servers[major] == vs {
			delete(versions.servers, major)
		}
		versions.mu.Unlock()
		if vs.dev != nil {
			if err := vs.dev.Close(); err != nil {
				t.Errorf("devdbtest: %v", err)
			}
		}
		if vs.server != nil {
			if err := vs.server.Close(); err != nil {
				t.Errorf("devdbtest: stopping the PostgreSQL %d server: %v", major, err)
			}
		}
	})
}

// boundServer returns the server of the major t (or a test it is a
// subtest of) is bound to, starting it on first use; ok is false when t is
// not bound to one.
func boundServer(t testing.TB) (s *devdb.Server, dev *devdb.Dev, ok bool) {
	t.Helper()
	versions.mu.Lock()
	major, vs := 0, (*versionServer)(nil)
	for name := t.Name(); ; {
		if m, found := versions.bound[name]; found {
			major, vs = m, versions.servers[m]
			break
		}
		i := strings.LastIndexByte(name, '/')
		if i < 0 {
			break
		}
		name = name[:i]
	}
	versions.mu.Unlock()
	if vs == nil {
		return nil, nil, false
	}
	vs.once.Do(func() { vs.err = vs.start(major) })
	if vs.err != nil {
		t.Fatalf("devdbtest: %v", vs.err)
	}
	return vs.server, vs.dev, true
}

func (vs *versionServer) start(major int) error {
	dir, err := devdb.VersionsDir()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	opts := devdb.Options{Dir: MemDir(), BinDir: devdb.VersionBinDir(dir, major)}
	if testing.Verbose() {
		opts.Logf = func(format string, args ...any) {
			fmt.Fprintf(os.Stderr, "devdbtest: "+format+"\n", args...)
		}
	}
	s, err := devdb.Start(ctx, opts)
	if err != nil {
		return fmt.Errorf("PostgreSQL %d: %w", major, err)
	}
	if s.Major() != major {
		s.Close()
		return fmt.Errorf("the binaries in %s are PostgreSQL %d, not %d", opts.BinDir, s.Major(), major)
	}
	vs.server, vs.dev = s, devdb.NewDev(s)
	return nil
}
