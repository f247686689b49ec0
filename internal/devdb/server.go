package devdb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options configure Start.
type Options struct {
	// BinDir is the directory holding initdb and postgres. Empty means
	// $RETORT_PG_BIN, else a search of pg_config --bindir, PATH and the
	// usual install locations.
	BinDir string

	// Major is the wanted server major version. Zero means the newest
	// found; if the wanted one is absent the newest is used, with a warning
	// through Logf.
	Major int

	// Logf receives warnings and progress messages; nil discards them.
	Logf func(format string, args ...any)
	// Debugf receives detail, such as each start of a server and how long
	// it took; nil discards it.
	Debugf func(format string, args ...any)

	// Dir is the directory the server's own directory is made in (and
	// where leftovers of killed runs are looked for). Empty means
	// [os.TempDir]. Tests put it on a memory file system, where each
	// CREATE DATABASE and DROP DATABASE costs about a third less.
	Dir string

	// Trusted applies declared sources as the dev server's superuser (the
	// admin role of an external server) instead of a role without
	// superuser rights; see the package documentation. Start ignores it:
	// it is for Open.
	Trusted bool

	// From is a cluster that [Dev.Save] saved (see [Clusters]): the
	// server starts from a copy of it instead of the initdb template, with
	// the databases and roles it holds. A cluster that cannot be started
	// from is an error, not a reason to start empty.
	From string
}

const (
	// dirPrefix names the temp dirs a Server owns; leftovers of killed runs
	// are found by it.
	dirPrefix = "retort-dev-"
	// ownerFile holds the pid (and start time) of the retort process that
	// owns a server dir, so that a later run can tell an abandoned one.
	ownerFile = "owner.pid"
	// sockDirPrefix names socket dirs made in /tmp when the server dir's
	// path is too long for a socket.
	sockDirPrefix = "retort-sock-"
	// sockDirFile records the socket dir when it had to live outside the
	// server dir.
	sockDirFile = "socket.dir"
	// port only names the socket file: the server listens on no TCP port.
	port = 5432
	// maxSocketPath keeps the socket path within sun_path (108 bytes on
	// Linux, 104 on the BSDs and macOS), with room to spare.
	maxSocketPath = 100
	// startTimeout bounds the wait for a server that neither comes up nor
	// exits, when the caller's context has no deadline.
	startTimeout = 60 * time.Second
)

// Server is a private, throwaway PostgreSQL server: its data lives in a
// temp dir it owns, and it listens only on a Unix socket in a dir that no
// other user can enter, where it lets anyone in as the postgres superuser
// without a password. Close stops it and removes all of it.
type Server struct {
	in   install
	acct *account
	logf func(string, ...any)

	base    string // where root is made: Options.Dir or the temp dir
	root    string // the retort-dev-* dir: owner file, logs, data dir
	dataDir string
	sockDir string

	cmd     *exec.Cmd
	exited  chan struct{} // closed when cmd has been waited for
	waitErr error         // cmd.Wait's result, valid once exited is closed

	ranInitdb bool // whether Start ran initdb rather than copying the template

	closeOnce sync.Once
	closeErr  error
}

// Start starts a private PostgreSQL server and waits until it accepts
// connections. It first removes what killed runs of retort left behind.
//
// The first start for a given set of binaries runs initdb and caches the
// fresh data dir in the user's cache dir; later starts copy that template,
// which takes a fraction of the time. If ctx is cancelled, or anything
// fails, Start stops the server and removes everything it created.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if err := platformSupported(); err != nil {
		return nil, fmt.Errorf("devdb: %w", err)
	}
	logf := opts.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	begin := time.Now()

	base := cmp.Or(opts.Dir, os.TempDir())
	cleanLeftovers(ctx, base, logf)

	in, err := findInstall(ctx, opts.BinDir, opts.Major, logf)
	if err != nil {
		return nil, fmt.Errorf("devdb: %w", err)
	}
	acct, err := serverAccount()
	if err != nil {
		return nil, fmt.Errorf("devdb: %w", err)
	}
	if err := accessible(filepath.Join(in.binDir, "postgres"), acct, true); err != nil {
		return nil, fmt.Errorf("devdb: server binaries: %w; put them where user %s can run them", err, acct.name)
	}

	s := &Server{in: in, acct: acct, logf: logf, base: base}
	start := s.start
	if opts.From != "" {
		start = func(ctx context.Context) error { return s.startFrom(ctx, opts.From) }
	}
	if err := start(ctx); err != nil {
		// Close after a failed start is what guarantees nothing is left
		// behind; its own error matters less than why the start failed.
		if cerr := s.Close(); cerr != nil {
			logf("cleaning up after failed start: %v", cerr)
		}
		return nil, fmt.Errorf("devdb: %w", err)
	}
	// Only the first start on a machine (initdb) is slow enough to be worth
	// a word on stderr; a warm start is silent, as a command's result
	// should be the only thing a user sees.
	if opts.From != "" && opts.Debugf != nil {
		opts.Debugf("started PostgreSQL %d dev server (%s) from the saved cluster %s in %v",
			in.major, in.binDir, opts.From, time.Since(begin).Round(time.Millisecond))
	} else if s.ranInitdb {
		logf("started PostgreSQL %d dev server (%s) in %v; later starts reuse its initdb template",
			in.major, in.binDir, time.Since(begin).Round(time.Millisecond))
	} else if opts.Debugf != nil {
		opts.Debugf("started PostgreSQL %d dev server (%s) from its cached initdb template in %v",
			in.major, in.binDir, time.Since(begin).Round(time.Millisecond))
	}
	return s, nil
}

// testHook, when set by a test, is called as Start passes each phase, so
// that a test can cancel the context at a chosen point.
var testHook func(phase string)

func hook(phase string) {
	if testHook != nil {
		testHook(phase)
	}
}

func (s *Server) start(ctx context.Context) error {
	if err := s.makeDirs(); err != nil {
		return err
	}
	hook("dirs")

	tmpl, err := templateDir(s.in)
	if err != nil {
		s.logf("not caching the initdb template: %v", err)
	}
	if tmpl != "" && haveTemplate(tmpl) {
		err := copyTree(ctx, tmpl, s.dataDir, s.acct)
		if err != nil {
			err = fmt.Errorf("copy cached template: %w", err)
		} else {
			hook("copied")
			err = s.launch(ctx)
		}
		if err == nil || ctx.Err() != nil {
			return err
		}
		// A template that cannot be started from would fail every run;
		// replace it.
		s.logf("starting from cached template %s failed, running initdb instead: %v", tmpl, err)
		if err := s.stopProcess(); err != nil {
			return err
		}
		if err := os.RemoveAll(tmpl); err != nil {
			s.logf("removing cached template: %v", err)
		}
		if err := s.resetDataDir(); err != nil {
			return err
		}
	}

	if err := s.initdb(ctx); err != nil {
		return err
	}
	hook("initdb")
	if tmpl != "" {
		// The data dir is exactly as initdb left it until launch, so this
		// is the moment to copy it.
		if err := saveDataDir(ctx, s.dataDir, tmpl, false); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("cache initdb template: %w", ctx.Err())
			}
			s.logf("caching the initdb template in %s: %v", tmpl, err)
		}
		hook("saved")
	}
	return s.launch(ctx)
}

// makeDirs creates the server dir with its owner file, the data dir and the
// socket dir, all private to the account the server runs as.
func (s *Server) makeDirs() error {
	if err := accessible(s.base, s.acct, false); err != nil {
		return fmt.Errorf("temp dir: %w; set TMPDIR to a directory every user can traverse, such as /tmp", err)
	}
	root, err := os.MkdirTemp(s.base, dirPrefix)
	if err != nil {
		return fmt.Errorf("create server dir: %w", err)
	}
	s.root = root
	pid := os.Getpid()
	owner := strconv.Itoa(pid) + " " + processStartTime(pid) + "\n"
	if err := os.WriteFile(filepath.Join(root, ownerFile), []byte(owner), 0o644); err != nil {
		return fmt.Errorf("write owner file: %w", err)
	}
	if err := chown(root, s.acct); err != nil {
		return fmt.Errorf("create server dir: %w", err)
	}

	s.sockDir = filepath.Join(root, "s")
	if len(s.sockDir)+len(socketName()) > maxSocketPath {
		// A long $TMPDIR (macOS has /var/folders/…) would overflow sun_path.
		s.sockDir, err = os.MkdirTemp("/tmp", sockDirPrefix)
		if err != nil {
			return fmt.Errorf("create socket dir: %w", err)
		}
		if err := os.WriteFile(filepath.Join(root, sockDirFile), []byte(s.sockDir), 0o644); err != nil {
			return fmt.Errorf("record socket dir: %w", err)
		}
	} else if err := os.Mkdir(s.sockDir, 0o700); err != nil {
		return fmt.Errorf("create socket dir: %w", err)
	}
	if err := chown(s.sockDir, s.acct); err != nil {
		return fmt.Errorf("create socket dir: %w", err)
	}

	s.dataDir = filepath.Join(root, "data")
	return nil
}

// resetDataDir removes a data dir that a failed attempt left, so that the
// next attempt starts from nothing.
func (s *Server) resetDataDir() error {
	if err := os.RemoveAll(s.dataDir); err != nil {
		return fmt.Errorf("reset data dir: %w", err)
	}
	return nil
}

// initdb creates the data dir. C.UTF-8 gives UTF-8 character semantics with
// byte-order collation on every glibc since 2.35 and on musl; where a system
// lacks it, plain C still gives a deterministic cluster.
func (s *Server) initdb(ctx context.Context) error {
	s.ranInitdb = true
	var firstErr error
	for _, locale := range []string{"C.UTF-8", "C"} {
		if err := s.resetDataDir(); err != nil {
			return err
		}
		// initdb fills an existing empty dir; creating it ourselves means
		// the server account needs no write access to the server dir.
		if err := os.Mkdir(s.dataDir, 0o700); err != nil {
			return fmt.Errorf("initdb: %w", err)
		}
		if err := chown(s.dataDir, s.acct); err != nil {
			return fmt.Errorf("initdb: %w", err)
		}
		err := s.runInitdb(ctx, locale)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("initdb: %w", ctx.Err())
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

func (s *Server) runInitdb(ctx context.Context, locale string) error {
	logPath := filepath.Join(s.root, "initdb.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("initdb: %w", err)
	}
	defer logFile.Close()
	cmd := exec.CommandContext(ctx, filepath.Join(s.in.binDir, "initdb"),
		"-D", s.dataDir, "-U", "postgres", "--auth=trust", "--no-sync",
		"-E", "UTF8", "--locale="+locale)
	s.prepare(cmd, logFile)
	cmd.Cancel = func() error {
		// initdb runs postgres in bootstrap mode as its child; take the
		// whole group down so nothing keeps writing into the data dir.
		return signalServer(cmd.Process.Pid, stopKill)
	}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("initdb: %w", ctx.Err())
		}
		return fmt.Errorf("initdb --locale=%s: %w\n%s", locale, err, logTail(logPath))
	}
	return nil
}

// prepare sets what initdb and postgres have in common: output to a log file
// (passed as a descriptor, so no goroutine copies it and Wait does not wait
// on it), a working dir the server account can enter, and the process
// attributes.
func (s *Server) prepare(cmd *exec.Cmd, log *os.File) {
	cmd.Stdout = log
	cmd.Stderr = log
	cmd.Dir = s.root
	cmd.SysProcAttr = procAttr(s.acct)
}

// launch starts postgres on the data dir and waits until it accepts
// connections.
func (s *Server) launch(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	logPath := filepath.Join(s.root, "server.log")
	logFile, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	// Not CommandContext: ctx bounds the start only, and the server must
	// outlive it until Close.
	cmd := exec.Command(filepath.Join(s.in.binDir, "postgres"),
		"-D", s.dataDir,
		"-k", s.sockDir,
		"-p", strconv.Itoa(port),
		"-c", "listen_addresses=",
		"-c", "unix_socket_permissions=0700",
		// Crash safety is pointless for a throwaway server.
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		// Parallel tests each hold a few connections.
		"-c", "max_connections=200",
		// A whole schema applied in one transaction locks every table and
		// index it creates: GitLab's ~8,000 relations would exhaust the
		// default lock table (64 a connection), more so with several
		// scratch databases at once. This costs ~13 MB of shared memory.
		"-c", "max_locks_per_transaction=256",
		// WAL segments past a checkpoint are removed, not kept for
		// reuse: a saved cluster (see Clusters) would carry up to five
		// of 16 MB each.
		"-c", "wal_recycle=off",
	)
	s.prepare(cmd, logFile)
	err = cmd.Start()
	logFile.Close() // the child has its own descriptor
	if err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	exited := make(chan struct{})
	s.cmd, s.exited = cmd, exited
	go func() {
		s.waitErr = cmd.Wait()
		close(exited)
	}()
	hook("launched")
	return s.waitReady(ctx, logPath)
}

// waitReady polls until the server accepts a connection, the server exits,
// or ctx is done.
func (s *Server) waitReady(ctx context.Context, logPath string) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	connString := s.ConnString("postgres")
	delay := 2 * time.Millisecond
	var lastErr error
	for {
		select {
		case <-s.exited:
			return fmt.Errorf("postgres exited during startup (%v):\n%s", s.waitErr, logTail(logPath))
		default:
		}
		lastErr = ping(ctx, connString)
		if lastErr == nil {
			return nil
		}
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			if errors.Is(ctx.Err(), context.Canceled) {
				// The caller gave up; why the server was slow is noise.
				return fmt.Errorf("waiting for postgres to accept connections: %w", ctx.Err())
			}
			return fmt.Errorf("waiting for postgres to accept connections: %w (last attempt: %v)\n%s", ctx.Err(), lastErr, logTail(logPath))
		case <-s.exited:
			timer.Stop()
		case <-timer.C:
		}
		delay = min(2*delay, 100*time.Millisecond)
	}
}

func ping(ctx context.Context, connString string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

// Major returns the server's major version, such as 15.
func (s *Server) Major() int { return s.in.major }

// Version returns the server's version as postgres --version prints it.
func (s *Server) Version() string { return s.in.version }

// BinDir returns the directory of the server binaries in use.
func (s *Server) BinDir() string { return s.in.binDir }

// ConnString returns a URL for connecting to database on s as the postgres
// superuser, in the form pgx and libpq accept:
//
//	postgres://postgres@/DB?host=/socket/dir&port=5432&sslmode=disable
func (s *Server) ConnString(database string) string {
	return s.connStringAs(bootstrapRole, database)
}

// connStringAs is ConnString for logging in as role, which the server
// trusts as it trusts everyone on its socket.
func (s *Server) connStringAs(role, database string) string {
	// Slashes are legal in a query; leaving them unescaped keeps the URL
	// readable in logs.
	host := strings.ReplaceAll(url.QueryEscape(s.sockDir), "%2F", "/")
	return "postgres://" + url.User(role).String() + "@/" + url.PathEscape(database) +
		"?host=" + host + "&port=" + strconv.Itoa(port) + "&sslmode=disable"
}

// Close stops the server, with a fast shutdown and then, if that hangs, an
// immediate one, and removes its directories. It is safe to call more than
// once and on a Server that is half started.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		if err := s.stopProcess(); err != nil {
			errs = append(errs, err)
		}
		if s.sockDir != "" && filepath.Dir(s.sockDir) != s.root {
			if err := os.RemoveAll(s.sockDir); err != nil {
				errs = append(errs, err)
			}
		}
		if s.root != "" {
			if err := os.RemoveAll(s.root); err != nil {
				errs = append(errs, err)
			}
		}
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("devdb: close: %w", err)
		}
	})
	return s.closeErr
}

// stopProcess stops the postmaster, escalating from a fast shutdown (which
// ends sessions and checkpoints, quick with fsync off) to an immediate one
// and finally SIGKILL to its process group.
func (s *Server) stopProcess() error {
	if s.cmd == nil {
		return nil
	}
	pid := s.cmd.Process.Pid
	steps := []struct {
		how  stopSignal
		wait time.Duration
	}{
		{stopFast, 10 * time.Second},
		{stopImmediate, 5 * time.Second},
		{stopKill, 5 * time.Second},
	}
	for _, step := range steps {
		select {
		case <-s.exited:
			return nil
		default:
		}
		// A failed signal means the process is gone or going; exited says
		// which.
		_ = signalServer(pid, step.how)
		timer := time.NewTimer(step.wait)
		select {
		case <-s.exited:
			timer.Stop()
			return nil
		case <-timer.C:
		}
	}
	return fmt.Errorf("postgres (pid %d) did not exit after SIGKILL", pid)
}

// logTail returns the last lines of a log file, for error messages.
func logTail(path string) string {
	const maxBytes = 2048
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	if len(b) > maxBytes {
		b = b[len(b)-maxBytes:]
		if i := strings.IndexByte(string(b), '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return strings.TrimRight(string(b), "\n")
}

func socketName() string { return "/.s.PGSQL." + strconv.Itoa(port) }
