package devdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/sqlq"
)

// scratchMaxAge is how long after its process started a scratch database
// that nobody is connected to may be dropped by any run on any host: no
// retort command holds one that long.
const scratchMaxAge = 24 * time.Hour

// startSlack is how many seconds two readings of one process's start time
// may differ: Linux derives it from a boot time that follows clock
// adjustments.
const startSlack = 2

// scratchOwner identifies the process that named a scratch database.
type scratchOwner struct {
	host  string // hostHash of its host
	pid   int
	start int64 // when it started, in Unix seconds
}

// processInit stands in for the process start time where the OS does not
// show it.
var processInit = time.Now()

// thisProcess is this process as scratch names record it.
var thisProcess = sync.OnceValue(func() scratchOwner {
	pid := os.Getpid()
	start, ok := processStartUnix(pid)
	if !ok {
		start = processInit.Unix()
	}
	return scratchOwner{host: hostHash(), pid: pid, start: start}
})

// hostHash names this host in 8 hex digits. The pid namespace is part of
// it, as containers often share a host name but never their pids.
func hostHash() string {
	host, _ := os.Hostname()
	h := sha256.Sum256([]byte(host + "\x00" + pidNamespace()))
	return hex.EncodeToString(h[:4])
}

// newScratchName returns a fresh scratch database name,
// retort_scratch_<host>_<pid>_<start>_<random>: lower case, so it never
// needs quoting, and at most 54 bytes, within PostgreSQL's 63. The host,
// pid and start time let a later run tell whether the process that made
// it is gone.
func newScratchName() string {
	o := thisProcess()
	return ScratchPrefix + o.host + "_" + strconv.Itoa(o.pid) + "_" + strconv.FormatInt(o.start, 10) + "_" + randomHex(4)
}

var (
	scratchNameRE    = regexp.MustCompile(`^` + regexp.QuoteMeta(ScratchPrefix) + `([0-9a-f]{8})_([0-9]{1,10})_([0-9]{1,12})_[0-9a-f]{8}$`)
	oldScratchNameRE = regexp.MustCompile(`^` + regexp.QuoteMeta(ScratchPrefix) + `[0-9a-f]{16}$`)
)

// parseScratchName returns the owner that newScratchName recorded in name.
func parseScratchName(name string) (scratchOwner, bool) {
	m := scratchNameRE.FindStringSubmatch(name)
	if m == nil {
		return scratchOwner{}, false
	}
	pid, err1 := strconv.Atoi(m[2])
	start, err2 := strconv.ParseInt(m[3], 10, 64)
	if err1 != nil || err2 != nil || pid <= 0 {
		return scratchOwner{}, false
	}
	return scratchOwner{host: m[1], pid: pid, start: start}, true
}

// ownerAlive reports whether o, a process of this host, may still be
// running. Where the OS shows no start times, a live process with o's pid
// counts as o.
func ownerAlive(o scratchOwner) bool {
	if !processAlive(o.pid, "") {
		return false
	}
	start, ok := processStartUnix(o.pid)
	if !ok {
		return true
	}
	d := start - o.start
	return -startSlack <= d && d <= startSlack
}

// scratchDropReason says why the scratch database name may be dropped, or
// returns "" to keep it. Nothing that a session is connected to is dropped.
// A name of this host is dropped when its process is gone; one of a live
// process of this host is kept however old. Any other name is dropped once
// its process started more than scratchMaxAge before now (host clocks are
// trusted that far).
//
// Names of earlier versions (retort_scratch_<16 hex digits>) and names
// retort did not make are always kept: nothing dates them, and a database
// nobody is connected to right now may still be in use between two
// sessions.
func scratchDropReason(name string, connected bool, me scratchOwner, now time.Time, alive func(scratchOwner) bool) string {
	if connected {
		return ""
	}
	o, ok := parseScratchName(name)
	if !ok {
		return ""
	}
	if o.host == me.host {
		if alive(o) {
			return ""
		}
		return "the process on this host that made it is gone"
	}
	if now.Sub(time.Unix(o.start, 0)) > scratchMaxAge {
		return "made over 24 hours ago by a process of another host, and nobody is connected"
	}
	return ""
}

// scratchListQuery lists the scratch databases that the session's role may
// drop, and whether a session is connected to each. Autovacuum workers do
// not count: DROP DATABASE stops them.
const scratchListQuery = `
SELECT d.datname,
       EXISTS (SELECT FROM pg_catalog.pg_stat_activity a
               WHERE a.datid = d.oid AND a.backend_type IS DISTINCT FROM 'autovacuum worker')
FROM pg_catalog.pg_database d
WHERE pg_catalog.starts_with(d.datname, $1)
  AND pg_catalog.pg_has_role(d.datdba, 'USAGE')
ORDER BY d.datname`

// dropAbandonedScratches drops, through conn (a session on the maintenance
// database of a shared dev server), the scratch databases that runs killed
// before they could drop them left behind; see scratchDropReason for which.
// It is best effort: failures are logged, never returned, as leftovers of
// other runs must not fail this one. The drop is without FORCE, so a
// session that connects meanwhile makes it fail, and the database stays.
func dropAbandonedScratches(ctx context.Context, conn *pgx.Conn, logf func(string, ...any)) {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	rows, err := conn.Query(ctx, scratchListQuery, ScratchPrefix)
	if err != nil {
		logf("looking for abandoned scratch databases: %v", err)
		return
	}
	type scratchDB struct {
		name      string
		connected bool
	}
	dbs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (scratchDB, error) {
		var db scratchDB
		err := row.Scan(&db.name, &db.connected)
		return db, err
	})
	if err != nil {
		logf("looking for abandoned scratch databases: %v", err)
		return
	}
	me, now := thisProcess(), time.Now()
	var old []string
	for _, db := range dbs {
		if oldScratchNameRE.MatchString(db.name) {
			old = append(old, db.name)
		}
		reason := scratchDropReason(db.name, db.connected, me, now, ownerAlive)
		if reason == "" {
			continue
		}
		if ctx.Err() != nil {
			return
		}
		logf("dropping scratch database %s left behind by an earlier run: %s", db.name, reason)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+sqlq.Ident(db.name)); err != nil {
			logf("dropping scratch database %s: %v", db.name, err)
		}
	}
	if len(old) > 0 {
		logf("keeping %d scratch database(s) of an earlier retort version, such as %s, which cannot be dated: drop them by hand once unused", len(old), old[0])
	}
}
