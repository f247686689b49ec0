package devdb

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/retortdb/retort/internal/sqlq"
)

func TestNewScratchName(t *testing.T) {
	a, b := newScratchName(), newScratchName()
	if a == b {
		t.Fatalf("two scratch names %s", a)
	}
	for _, name := range []string{a, b} {
		if len(name) > 63 {
			t.Errorf("%s: %d bytes, PostgreSQL keeps 63", name, len(name))
		}
		if sqlq.QuoteIdent(name) != name {
			t.Errorf("%s needs quoting: %s", name, sqlq.QuoteIdent(name))
		}
		o, ok := parseScratchName(name)
		if !ok || o != thisProcess() {
			t.Errorf("parseScratchName(%s) = %+v, %v; want %+v", name, o, ok, thisProcess())
		}
	}
	// The longest pid and a start time past 2286 still fit.
	long := fmt.Sprintf("%s%s_%d_%d_%s", ScratchPrefix, thisProcess().host, 1<<31-1, int64(99999999999), randomHex(4))
	if _, ok := parseScratchName(long); !ok || len(long) > 63 {
		t.Errorf("%s (%d bytes) not a valid scratch name", long, len(long))
	}
}

// scratchName builds a scratch name as newScratchName would in process o.
func scratchName(o scratchOwner) string {
	return fmt.Sprintf("%s%s_%d_%d_%s", ScratchPrefix, o.host, o.pid, o.start, randomHex(4))
}

func TestScratchDropReason(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	me := scratchOwner{host: "0123abcd", pid: 100, start: now.Add(-time.Minute).Unix()}
	alive := func(o scratchOwner) bool { return o.pid == me.pid && o.start == me.start }
	at := func(host string, pid int, ago time.Duration) string {
		return scratchName(scratchOwner{host: host, pid: pid, start: now.Add(-ago).Unix()})
	}
	for _, tc := range []struct {
		what      string
		name      string
		connected bool
		drop      bool
	}{
		{"this host, process gone", at(me.host, 200, time.Minute), false, true},
		{"this host, process gone, connected", at(me.host, 200, time.Minute), true, false},
		{"this host, live process", scratchName(me), false, false},
		{"this host, live process, connected", scratchName(me), true, false},
		{"this host, pid reused", at(me.host, me.pid, time.Hour), false, true},
		{"this host, gone long ago", at(me.host, 200, 48*time.Hour), false, true},
		{"other host, recent", at("fedc4321", 200, 23*time.Hour), false, false},
		{"other host, 25 hours", at("fedc4321", 200, 25*time.Hour), false, true},
		{"other host, 25 hours, connected", at("fedc4321", 200, 25*time.Hour), true, false},
		{"other host, in the future", at("fedc4321", 200, -48*time.Hour), false, false},
		{"earlier version", ScratchPrefix + "0123456789abcdef", false, false},
		{"not ours", ScratchPrefix + "mine", false, false},
		{"upper case", strings.ToUpper(at("fedc4321", 200, 25*time.Hour)), false, false},
		{"extra field", at("fedc4321", 200, 25*time.Hour) + "_x", false, false},
		{"pid 0", at("fedc4321", 0, 25*time.Hour), false, false},
	} {
		reason := scratchDropReason(tc.name, tc.connected, me, now, alive)
		if (reason != "") != tc.drop {
			t.Errorf("%s: %s: reason %q, want drop %v", tc.what, tc.name, reason, tc.drop)
		}
	}
}

// deadPid returns the pid of a process that has exited.
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.ProcessState.Pid()
}

func TestOwnerAlive(t *testing.T) {
	me := thisProcess()
	if !ownerAlive(me) {
		t.Errorf("this process %+v not alive", me)
	}
	if ownerAlive(scratchOwner{host: me.host, pid: deadPid(t), start: me.start}) {
		t.Error("exited process alive")
	}
	if _, ok := processStartUnix(me.pid); ok {
		if ownerAlive(scratchOwner{host: me.host, pid: me.pid, start: me.start - 3600}) {
			t.Error("a process that started an hour before this one counts as this one")
		}
	}
}

// foreignHost returns a host hash other than this host's.
func foreignHost() string {
	if thisProcess().host == "fedc4321" {
		return "0123abcd"
	}
	return "fedc4321"
}

func TestScratchDropsAbandoned(t *testing.T) {
	s := start(t, Options{})
	adminURL := s.ConnString("postgres")
	admin := connect(t, adminURL)
	me, now := thisProcess(), time.Now()
	dead := deadPid(t)
	create := func(name string) string {
		t.Helper()
		if _, err := admin.Exec(t.Context(), "CREATE DATABASE "+sqlq.Ident(name)+" TEMPLATE template0 STRATEGY FILE_COPY"); err != nil {
			t.Fatal(err)
		}
		return name
	}
	ago := func(host string, pid int, d time.Duration) string {
		return create(scratchName(scratchOwner{host: host, pid: pid, start: now.Add(-d).Unix()}))
	}
	other := foreignHost()
	deadName := ago(me.host, dead, time.Minute)
	liveName := create(scratchName(me))
	oldName := ago(other, 4242, 25*time.Hour)
	oldConnected := ago(other, 4243, 25*time.Hour)
	deadConnected := ago(me.host, dead, time.Minute)
	recentOther := ago(other, 4244, time.Hour)
	earlier := create(ScratchPrefix + "0123456789abcdef")
	connect(t, s.ConnString(oldConnected))
	connect(t, s.ConnString(deadConnected))
	want := map[string]bool{ // name: whether it stays
		deadName: false, liveName: true, oldName: false, oldConnected: true,
		deadConnected: true, recentOther: true, earlier: true,
	}
	check := func(when string, want map[string]bool) {
		t.Helper()
		for name, stays := range want {
			if got := databaseExists(t, admin, name); got != stays {
				t.Errorf("%s: %s exists %v, want %v", when, name, got, stays)
			}
		}
	}

	// The embedded server's scratch databases go with its data dir; a
	// Dev on it drops nothing.
	embedded := NewDev(s)
	if _, err := embedded.Scratch(t.Context()); err != nil {
		t.Fatal(err)
	}
	check("first Scratch of a Dev on the embedded server", map[string]bool{deadName: true, oldName: true})
	if err := embedded.Close(); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var logs []string
	logf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		logs = append(logs, fmt.Sprintf(format, args...))
	}
	dev, err := Open(t.Context(), adminURL, Options{Logf: logf})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	sc, err := dev.Scratch(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	check("first Scratch of an external Dev", want)
	if !databaseExists(t, admin, sc.Name()) {
		t.Errorf("the new scratch database %s does not exist", sc.Name())
	}
	if !slices.ContainsFunc(logs, func(l string) bool { return strings.Contains(l, "dropping scratch database "+deadName) }) {
		t.Errorf("no log of dropping %s; logged %q", deadName, logs)
	}
	if !slices.ContainsFunc(logs, func(l string) bool { return strings.Contains(l, earlier) }) {
		t.Errorf("no log of keeping %s; logged %q", earlier, logs)
	}

	// Once per Dev: its later scratch databases do not look again.
	later := ago(me.host, dead, time.Minute)
	if _, err := dev.Scratch(t.Context()); err != nil {
		t.Fatal(err)
	}
	check("second Scratch of an external Dev", map[string]bool{later: true})
	next, err := Open(t.Context(), adminURL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer next.Close()
	if _, err := next.Scratch(t.Context()); err != nil {
		t.Fatal(err)
	}
	check("first Scratch of the next external Dev", map[string]bool{later: false})
}
