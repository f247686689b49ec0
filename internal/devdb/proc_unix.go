//go:build unix

package devdb

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// stopSignal names the ways of stopping a postmaster, mapped to the signals
// PostgreSQL documents for its shutdown modes.
type stopSignal int

const (
	stopFast      stopSignal = iota // SIGINT: fast shutdown
	stopImmediate                   // SIGQUIT: immediate shutdown
	stopKill                        // SIGKILL to the whole process group
)

func platformSupported() error { return nil }

// account is the unprivileged OS user the server runs as when retort runs as
// root; PostgreSQL refuses to run initdb or postgres as root.
type account struct {
	name     string
	uid, gid uint32
}

// serverAccount returns the account to run the server as, or nil when the
// current user can run it directly.
func serverAccount() (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	var errs []error
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil || uid == 0 {
			errs = append(errs, fmt.Errorf("user %s: unusable uid %s/gid %s", name, u.Uid, u.Gid))
			continue
		}
		return &account{name: name, uid: uint32(uid), gid: uint32(gid)}, nil
	}
	return nil, fmt.Errorf("running as root, and no unprivileged account (postgres or nobody) to run the server as: %w", errors.Join(errs...))
}

// procAttr puts the child in its own process group, so that a Ctrl-C sent to
// the terminal's foreground group reaches retort only and Close can still shut
// the server down in order; as root it also drops to acct.
func procAttr(acct *account) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	if acct != nil {
		// An empty Groups drops root's supplementary groups too.
		attr.Credential = &syscall.Credential{Uid: acct.uid, Gid: acct.gid, Groups: []uint32{}}
	}
	return attr
}

// chown hands path to acct; a nil acct means the files are already ours.
func chown(path string, acct *account) error {
	if acct == nil {
		return nil
	}
	return os.Lchown(path, int(acct.uid), int(acct.gid))
}

// accessible reports whether acct can traverse every directory leading to
// path and, when exec is set, execute path itself. It checks mode bits only,
// which is what matters for the unprivileged account.
func accessible(path string, acct *account, exec bool) error {
	if acct == nil {
		return nil
	}
	check := func(p string, bit os.FileMode) error {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return nil
		}
		mode := fi.Mode().Perm()
		var allowed bool
		switch {
		case st.Uid == acct.uid:
			allowed = mode&(bit<<6) != 0
		case st.Gid == acct.gid:
			allowed = mode&(bit<<3) != 0
		default:
			allowed = mode&bit != 0
		}
		if !allowed {
			return fmt.Errorf("%s (mode %v, owner uid %d) is not accessible to user %s", p, fi.Mode(), st.Uid, acct.name)
		}
		return nil
	}
	dir := path
	if exec {
		if err := check(path, 1); err != nil {
			return err
		}
		dir = filepath.Dir(path)
	}
	for {
		if err := check(dir, 1); err != nil {
			return err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

// signalServer sends the signal for how to pid, the leader of its own process
// group.
func signalServer(pid int, how stopSignal) error {
	switch how {
	case stopFast:
		return syscall.Kill(pid, syscall.SIGINT)
	case stopImmediate:
		return syscall.Kill(pid, syscall.SIGQUIT)
	default:
		// Backends outlive a SIGKILLed postmaster for a moment; the group
		// signal takes them down with it.
		err := syscall.Kill(-pid, syscall.SIGKILL)
		if errors.Is(err, syscall.ESRCH) {
			err = syscall.Kill(pid, syscall.SIGKILL)
		}
		return err
	}
}

// processAlive reports whether pid names a live (not zombie) process and, if
// startTime is known, the same process that had that start time.
func processAlive(pid int, startTime string) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	state, start, ok := procStat(pid)
	if !ok {
		// No /proc (not Linux): kill(0) is all we can know.
		return true
	}
	if state == "Z" || state == "X" {
		return false
	}
	return startTime == "" || start == startTime
}

// processStartTime returns an opaque token that, with the pid, tells a
// process apart from a later one that reuses its pid; "" where unknown.
func processStartTime(pid int) string {
	_, start, _ := procStat(pid)
	return start
}

// procStat reads state and start time (in clock ticks since boot) from Linux's
// /proc/<pid>/stat.
func procStat(pid int) (state, start string, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", "", false
	}
	// The command name in parentheses may hold spaces; fields resume after
	// the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return "", "", false
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); starttime is field 22.
	if len(f) < 20 {
		return "", "", false
	}
	return f[0], f[19], true
}

// userHZ is the unit of the start time in /proc/<pid>/stat: Linux reports
// it in USER_HZ clock ticks, which is 100 on every architecture Go runs on
// (sysconf(_SC_CLK_TCK), which needs cgo to ask).
const userHZ = 100

// bootTime returns the boot time from /proc/stat, once per process.
var bootTime = sync.OnceValues(func() (int64, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
})

// processStartUnix returns when pid started, in Unix seconds, where /proc
// shows it. Linux derives the boot time it adds from the clock, so two
// processes may compute one process's start a second apart.
func processStartUnix(pid int) (int64, bool) {
	_, start, ok := procStat(pid)
	if !ok {
		return 0, false
	}
	ticks, err := strconv.ParseInt(start, 10, 64)
	if err != nil {
		return 0, false
	}
	boot, ok := bootTime()
	if !ok {
		return 0, false
	}
	return boot + ticks/userHZ, true
}

// pidNamespace identifies the pid namespace of this process where the OS
// has them (Linux), or returns "": containers that share a host name do not
// share pids.
func pidNamespace() string {
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		return ""
	}
	return ns
}

// processCwd returns pid's working directory where the OS exposes it.
func processCwd(pid int) (string, bool) {
	cwd, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/cwd")
	if err != nil {
		return "", false
	}
	return cwd, true
}

// fileOwner returns the uid owning fi.
func fileOwner(fi os.FileInfo) (uint32, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return st.Uid, true
}
