package devdb

import (
	"bufio"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ownerlessGrace is how old a server dir without an owner file must be
// before it counts as abandoned: a live run writes the file right after
// creating the dir, so only a run killed in between leaves one without.
const ownerlessGrace = time.Minute

// cleanLeftovers removes the server dirs in base whose owning retort process
// is gone (killed, or crashed before Close), stopping any postmaster still
// running in them, and the partial template copies of killed runs in the
// template cache. Failures are only logged: a leftover must not keep a new
// server from starting.
func cleanLeftovers(ctx context.Context, base string, logf func(string, ...any)) {
	if cache, err := templateCache(); err == nil {
		cleanTemplateTemps(cache, time.Now(), logf)
	}
	entries, err := os.ReadDir(base)
	if err != nil {
		return
	}
	// Only dirs that a run as this user made are ours to judge: as root,
	// another user's dir in a shared /tmp could hold anything.
	owners := map[uint32]bool{uint32(os.Geteuid()): true}
	if acct, err := serverAccount(); err == nil && acct != nil {
		owners[acct.uid] = true
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), dirPrefix) {
			continue
		}
		dir := filepath.Join(base, e.Name())
		fi, err := os.Lstat(dir)
		if err != nil || !fi.IsDir() {
			continue
		}
		if uid, ok := fileOwner(fi); !ok || !owners[uid] {
			continue
		}
		if !abandoned(dir) {
			continue
		}
		logf("removing dev server left behind by an earlier run: %s", dir)
		if err := removeLeftover(ctx, dir); err != nil {
			logf("removing %s: %v", dir, err)
		}
	}
}

// abandoned reports whether the server dir's owner process has gone.
func abandoned(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if errors.Is(err, fs.ErrNotExist) {
		fi, err := os.Stat(dir)
		return err == nil && time.Since(fi.ModTime()) > ownerlessGrace
	}
	if err != nil {
		// Most likely another user's: not ours to judge.
		return false
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return false // being written right now
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil {
		return false
	}
	start := ""
	if len(f) > 1 {
		start = f[1]
	}
	return !processAlive(pid, start)
}

// removeLeftover stops the postmaster of an abandoned server dir, if it is
// still running, and removes the dir and its socket dir.
func removeLeftover(ctx context.Context, dir string) error {
	dataDir := filepath.Join(dir, "data")
	sockDir := filepath.Join(dir, "s")
	if b, err := os.ReadFile(filepath.Join(dir, sockDirFile)); err == nil {
		sockDir = strings.TrimSpace(string(b))
	}
	if pid := postmasterPID(dataDir); pid > 0 && processAlive(pid, "") && isPostmasterOf(ctx, pid, dataDir, sockDir) {
		// Immediate shutdown: nothing in a throwaway server is worth a
		// checkpoint.
		_ = signalServer(pid, stopImmediate)
		if !waitGone(ctx, pid, 5*time.Second) {
			_ = signalServer(pid, stopKill)
			waitGone(ctx, pid, 5*time.Second)
		}
	}
	var errs []error
	if filepath.Dir(sockDir) == "/tmp" && strings.HasPrefix(filepath.Base(sockDir), sockDirPrefix) {
		errs = append(errs, os.RemoveAll(sockDir))
	}
	errs = append(errs, os.RemoveAll(dir))
	return errors.Join(errs...)
}

// postmasterPID reads the pid from the first line of postmaster.pid, or 0.
func postmasterPID(dataDir string) int {
	f, err := os.Open(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(sc.Text()))
	if err != nil {
		return 0
	}
	return pid
}

// isPostmasterOf guards against signalling an unrelated process that reused
// the pid of a postmaster that died long ago. A postmaster's working dir is
// its data dir; where the OS does not show working dirs, a server answering
// on the leftover's private socket is proof enough that the pid file is
// current.
func isPostmasterOf(ctx context.Context, pid int, dataDir, sockDir string) bool {
	if cwd, ok := processCwd(pid); ok {
		want, err := filepath.EvalSymlinks(dataDir)
		if err != nil {
			want = dataDir
		}
		return cwd == want
	}
	s := &Server{sockDir: sockDir}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return ping(ctx, s.ConnString("postgres")) == nil
}

// waitGone polls until pid has exited, reporting false if it has not within
// timeout.
func waitGone(ctx context.Context, pid int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for processAlive(pid, "") {
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}
