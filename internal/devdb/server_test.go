package devdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// start starts a server for the test and closes it at the end.
func start(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	s, err := Start(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// privateCache points os.UserCacheDir at an empty dir, so that the next
// start is a cold one.
func privateCache(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir) // Linux and other Unix
	t.Setenv("HOME", dir)           // macOS: $HOME/Library/Caches
	return dir
}

func serverVersionNum(t *testing.T, connString string) int {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), connString)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var num string
	if err := conn.QueryRow(t.Context(), "SHOW server_version_num").Scan(&num); err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// ownDirs lists the server dirs that this test process owns.
func ownDirs(t *testing.T) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	if err != nil {
		t.Fatal(err)
	}
	var own []string
	for _, dir := range matches {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue
		}
		if f := strings.Fields(string(b)); len(f) > 0 && f[0] == strconv.Itoa(os.Getpid()) {
			own = append(own, dir)
		}
	}
	return own
}

// childServers lists the live initdb and postgres processes that this test
// process started, where /proc shows them.
func childServers(t *testing.T) []string {
	t.Helper()
	if runtime.GOOS != "linux" {
		return nil
	}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var found []string
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		s := string(b)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open {
			continue
		}
		comm := s[open+1 : end]
		f := strings.Fields(s[end+1:])
		// f[0] is the state, f[1] the parent pid.
		if len(f) < 2 || f[1] != strconv.Itoa(os.Getpid()) || f[0] == "Z" {
			continue
		}
		if comm == "postgres" || comm == "initdb" {
			found = append(found, path+" "+comm)
		}
	}
	return found
}

func TestStartColdThenWarm(t *testing.T) {
	cache := privateCache(t)

	begin := time.Now()
	cold := start(t, Options{})
	coldTime := time.Since(begin)
	if !cold.ranInitdb {
		t.Error("cold start: initdb did not run")
	}
	if got := serverVersionNum(t, cold.ConnString("postgres")) / 10000; got != cold.Major() {
		t.Errorf("server_version_num says major %d, Major() %d", got, cold.Major())
	}
	tmpl, err := templateDir(cold.in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tmpl, cache) || !haveTemplate(tmpl) {
		t.Fatalf("no template cached in %s after a cold start", tmpl)
	}
	if err := cold.Close(); err != nil {
		t.Fatal(err)
	}

	begin = time.Now()
	warm := start(t, Options{})
	warmTime := time.Since(begin)
	if warm.ranInitdb {
		t.Error("warm start: initdb ran although a template was cached")
	}
	if got := serverVersionNum(t, warm.ConnString("postgres")) / 10000; got != warm.Major() {
		t.Errorf("warm server: major %d, want %d", got, warm.Major())
	}
	t.Logf("PostgreSQL %d: cold start %v, warm start %v", warm.Major(), coldTime.Round(time.Millisecond), warmTime.Round(time.Millisecond))
}

func TestBrokenTemplateFallsBackToInitdb(t *testing.T) {
	privateCache(t)
	s := start(t, Options{})
	tmpl, err := templateDir(s.in)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// A template whose control file is gone cannot start.
	if err := os.Remove(filepath.Join(tmpl, "global", "pg_control")); err != nil {
		t.Fatal(err)
	}
	var logs []string
	var mu sync.Mutex
	s = start(t, Options{Logf: func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		logs = append(logs, format)
		t.Logf(format, args...)
	}})
	if !s.ranInitdb {
		t.Error("initdb did not run after the template failed")
	}
	mu.Lock()
	if !slices.ContainsFunc(logs, func(l string) bool { return strings.Contains(l, "cached template") && strings.Contains(l, "failed") }) {
		t.Errorf("no warning about the failed template; logged %q", logs)
	}
	mu.Unlock()
	if !haveTemplate(tmpl) {
		t.Error("template was not re-cached")
	} else if _, err := os.Stat(filepath.Join(tmpl, "global", "pg_control")); err != nil {
		t.Errorf("re-cached template: %v", err)
	}
	serverVersionNum(t, s.ConnString("postgres"))
}

func TestCloseRemovesEverything(t *testing.T) {
	s := start(t, Options{})
	pid := s.cmd.Process.Pid
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{s.root, s.sockDir} {
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there after Close: %v", dir, err)
		}
	}
	if processAlive(pid, "") {
		t.Errorf("postmaster %d still running after Close", pid)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := pgx.Connect(t.Context(), s.ConnString("postgres")); err == nil {
		t.Error("connected to a closed server")
	}
}

func TestCleansLeftoverOfKilledRun(t *testing.T) {
	old := start(t, Options{})
	oldPid := old.cmd.Process.Pid

	// Pretend the run that started old was killed: its owner file now
	// names a process that has exited.
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	owner := strconv.Itoa(dead.ProcessState.Pid()) + "\n"
	if err := os.WriteFile(filepath.Join(old.root, ownerFile), []byte(owner), 0o644); err != nil {
		t.Fatal(err)
	}

	start(t, Options{})

	select {
	case <-old.exited:
	case <-time.After(10 * time.Second):
		t.Fatalf("leftover postmaster %d still running", oldPid)
	}
	if _, err := os.Stat(old.root); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("leftover dir %s still there: %v", old.root, err)
	}
}

func TestAbandoned(t *testing.T) {
	dir := t.TempDir()
	write := func(content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	self := strconv.Itoa(os.Getpid())

	write(self + " " + processStartTime(os.Getpid()) + "\n")
	if abandoned(dir) {
		t.Error("dir owned by this live process counted as abandoned")
	}
	if processStartTime(os.Getpid()) != "" {
		// Same pid, different start time: a reused pid.
		write(self + " 1\n")
		if !abandoned(dir) {
			t.Error("dir whose owner pid was reused not counted as abandoned")
		}
	}
	write("")
	if abandoned(dir) {
		t.Error("dir with an owner file being written counted as abandoned")
	}
	if err := os.Remove(filepath.Join(dir, ownerFile)); err != nil {
		t.Fatal(err)
	}
	if abandoned(dir) {
		t.Error("fresh dir without owner file counted as abandoned")
	}
	old := time.Now().Add(-2 * ownerlessGrace)
	if err := os.Chtimes(dir, old, old); err != nil {
		t.Fatal(err)
	}
	if !abandoned(dir) {
		t.Error("old dir without owner file not counted as abandoned")
	}
}

func TestCancelledStartLeavesNothing(t *testing.T) {
	if dirs := ownDirs(t); len(dirs) > 0 {
		t.Fatalf("server dirs before the test: %v", dirs)
	}
	t.Cleanup(func() { testHook = nil })
	for _, tc := range []struct {
		phase string
		cold  bool
	}{
		{"dirs", true},
		{"initdb", true},
		{"saved", true},
		{"launched", true},
		{"copied", false},
		{"launched", false},
	} {
		cache := privateCache(t)
		if !tc.cold {
			s := start(t, Options{})
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithCancel(t.Context())
		var reached []string
		testHook = func(phase string) {
			reached = append(reached, phase)
			if phase == tc.phase {
				cancel()
			}
		}
		_, err := Start(ctx, Options{Logf: t.Logf})
		testHook = nil
		cancel()
		name := fmt.Sprintf("cancel at %s (cold %v, reached %v)", tc.phase, tc.cold, reached)
		if !slices.Contains(reached, tc.phase) {
			t.Errorf("%s: phase never reached", name)
		}
		if err == nil {
			t.Fatalf("%s: Start succeeded", name)
		}
		t.Logf("%s: %v", name, err)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: error is not context.Canceled", name)
		}
		if dirs := ownDirs(t); len(dirs) > 0 {
			t.Errorf("%s: dirs left behind: %v", name, dirs)
		}
		if procs := childServers(t); len(procs) > 0 {
			t.Errorf("%s: processes left behind: %v", name, procs)
		}
		// The cache holds a whole template or nothing, never a partial
		// copy.
		entries, _ := filepath.Glob(filepath.Join(cache, "retort", "*"))
		for _, e := range entries {
			if !strings.HasPrefix(filepath.Base(e), "pgtemplate-") || !haveTemplate(e) {
				t.Errorf("%s: partial template left in the cache: %s", name, e)
			}
		}
	}
}

func TestCancelledInitdbLeavesNothing(t *testing.T) {
	// Cancelled while initdb runs, which the phase hooks cannot reach.
	privateCache(t)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	_, err := Start(ctx, Options{Logf: t.Logf})
	if err == nil {
		t.Skip("initdb finished within 300ms; nothing to test")
	}
	t.Log(err)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error is not context.DeadlineExceeded")
	}
	if dirs := ownDirs(t); len(dirs) > 0 {
		t.Errorf("dirs left behind: %v", dirs)
	}
	if procs := childServers(t); len(procs) > 0 {
		t.Errorf("processes left behind: %v", procs)
	}
}

func TestMissingBinaries(t *testing.T) {
	empty := t.TempDir()
	_, err := Start(t.Context(), Options{BinDir: empty})
	if err == nil {
		t.Fatal("Start with an empty BinDir succeeded")
	}
	t.Log(err)
	for _, want := range []string{"no PostgreSQL server binaries", empty, "apt-get install postgresql", "RETORT_PG_BIN"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}

	t.Setenv("RETORT_PG_BIN", filepath.Join(empty, "nonexistent"))
	_, err = Start(t.Context(), Options{})
	if err == nil || !strings.Contains(err.Error(), "nonexistent") {
		t.Errorf("Start with a bad RETORT_PG_BIN: %v", err)
	}
	if dirs := ownDirs(t); len(dirs) > 0 {
		t.Errorf("failed starts left dirs: %v", dirs)
	}
}

func TestMajorSelection(t *testing.T) {
	newest, err := findInstall(t.Context(), "", 0, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	var warnings []string
	logf := func(format string, args ...any) { warnings = append(warnings, format) }

	got, err := findInstall(t.Context(), "", newest.major, logf)
	if err != nil || got.major != newest.major || len(warnings) > 0 {
		t.Errorf("wanted %d: got %d, %v, warnings %q", newest.major, got.major, err, warnings)
	}

	got, err = findInstall(t.Context(), "", 99, logf)
	if err != nil || got.major != newest.major {
		t.Errorf("wanted absent 99: got %d, %v; want newest %d", got.major, err, newest.major)
	}
	if len(warnings) != 1 {
		t.Errorf("wanted absent 99: warnings %q, want one", warnings)
	}
}

func TestConnString(t *testing.T) {
	s := &Server{sockDir: "/tmp/retort-dev-1/s"}
	got := s.ConnString("my db")
	want := "postgres://postgres@/my%20db?host=/tmp/retort-dev-1/s&port=5432&sslmode=disable"
	if got != want {
		t.Errorf("ConnString = %q, want %q", got, want)
	}
	cfg, err := pgx.ParseConfig(got)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != s.sockDir || cfg.Port != 5432 || cfg.Database != "my db" || cfg.User != "postgres" {
		t.Errorf("pgx reads %q as host %q port %d database %q user %q", got, cfg.Host, cfg.Port, cfg.Database, cfg.User)
	}
}

func TestLongTempDir(t *testing.T) {
	// A $TMPDIR this long leaves no room for the socket in the server dir.
	base, err := os.MkdirTemp("", strings.Repeat("x", 80))
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(base)
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", base)

	old := start(t, Options{})
	if filepath.Dir(old.sockDir) != "/tmp" || !strings.HasPrefix(filepath.Base(old.sockDir), sockDirPrefix) {
		t.Fatalf("socket dir %s, want one in /tmp", old.sockDir)
	}
	serverVersionNum(t, old.ConnString("postgres"))

	// Its leftover, socket dir included, is cleaned too.
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	owner := strconv.Itoa(dead.ProcessState.Pid()) + "\n"
	if err := os.WriteFile(filepath.Join(old.root, ownerFile), []byte(owner), 0o644); err != nil {
		t.Fatal(err)
	}
	s := start(t, Options{})
	for _, dir := range []string{old.root, old.sockDir} {
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("leftover %s still there: %v", dir, err)
		}
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{s.root, s.sockDir} {
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there after Close: %v", dir, err)
		}
	}
}
