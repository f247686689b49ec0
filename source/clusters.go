package source

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/retortdb/retort/internal/devdb"
	"github.com/retortdb/retort/internal/modelcache"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/model"
)

// A long migrations directory (see clusterStatements) is replayed on an
// embedded dev server of its own, whose cluster is then saved (see
// [devdb.Clusters]) under a key of everything the replay applied. The next
// replay of the directory starts from the cluster saved after the longest
// run of its first revisions, and applies only the rest: adding a revision
// to a long directory costs that revision. The cluster is the exact state
// the revisions left, rows and sequence positions included, which a model
// of it would not be.

// replayDatabase names the database that a replay on its own server fills
// and a saved cluster keeps.
const replayDatabase = "retort_replay"

// clustersFormat is mixed into every cluster key; bump it when what a saved
// cluster holds, or how it is replayed, changes.
const clustersFormat = "1"

// clusterStatements is how many statements a migrations directory's
// revisions must hold together for its replay to run on a server of its
// own and be saved: a short replay costs less than the copies a saved
// cluster takes (40 MB at least, and a server start). GitLab's schema is
// 14,600 statements, pagila's 233. Counting rather than timing keeps the
// choice the same on every run. A directory with a saved cluster that fits
// always uses it.
var clusterStatements = 1000

// processStart is when this process started, to tell the cache entries
// of earlier runs from this run's.
var processStart = time.Now()

// cacheOutlivesRuns reports whether the cache directory holds an entry that
// an earlier run wrote or used. A cache that does not, such as a CI job's
// made afresh for each job, would never start a replay from a saved
// cluster, so saving one would only cost: a GitLab-size cluster is 10,000
// files.
func (l *Loader) cacheOutlivesRuns() bool {
	dir, err := modelcache.DefaultDir(l.CacheDir)
	if err != nil {
		return false
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue // being written
		}
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(processStart) {
			return true
		}
	}
	return false
}

// savesClusters reports whether the run may replay migrations on a dev
// server of its own and save its cluster (see replayOnOwnServer for when it
// does): only with the cache on and the embedded dev server, since a server
// given by URL is not retort's to save.
func (l *run) savesClusters() bool {
	return l.Cache && (l.DevURL == "" || l.DevURL == "embedded")
}

// clusters returns the store of saved clusters: clusters under the cache
// directory (see [Loader.CacheDir]).
func (l *Loader) clusters() (*devdb.Clusters, error) {
	dir, err := modelcache.DefaultDir(l.CacheDir)
	if err != nil {
		return nil, err
	}
	return &devdb.Clusters{Dir: filepath.Join(dir, "clusters"), Debugf: l.Debugf}, nil
}

// clusterKeys returns, for each of steps in order, the key of the cluster
// that applying steps up to it leaves: a chain of hashes, so that a changed
// revision changes its own key and every later one. Besides the
// revisions, the keys hold retort's build, the dev server's version, the
// options that change a replay (Migrate, Trusted, Layout) and
// clustersFormat.
func (l *run) clusterKeys(ctx context.Context, steps []migrate.Step) ([]string, error) {
	version, err := modelcache.Version()
	if err != nil {
		return nil, err
	}
	sv, err := l.serverVersion(ctx)
	if err != nil {
		return nil, err
	}
	k := modelcache.NewKey()
	k.String("clusters", clustersFormat)
	k.String("retort", version)
	k.String("server major", strconv.Itoa(sv.major))
	k.String("server version", sv.version)
	k.String("trusted", strconv.FormatBool(l.Trusted))
	k.String("layout", string(l.Layout))
	if err := k.Value("migrate", l.Migrate); err != nil {
		return nil, err
	}
	prev := k.Sum()
	keys := make([]string, len(steps))
	for i, st := range steps {
		rev := st.Revision
		k := modelcache.NewKey()
		k.String("after", prev)
		k.String("revision", rev.ID)
		k.String("checksum", rev.Checksum)
		if err := errors.Join(k.Value("parents", rev.Parents), k.Value("depends on", rev.DependsOn),
			k.Value("allow hazards", rev.AllowHazards), k.Value("up", rev.Up)); err != nil {
			return nil, err
		}
		prev = k.Sum()
		keys[i] = prev
	}
	return keys, nil
}

// replayOnOwnServer replays dir on an embedded server of its own, started
// from the saved cluster of the longest run of dir's first revisions, and
// reads the result; it saves the cluster it ends with. ok is false when a
// saved cluster is not worth it (see clusterStatements) or it could not
// say which clusters fit; the caller then replays as usual.
func (l *run) replayOnOwnServer(ctx context.Context, spec Spec, dir *migrate.Dir) (_ *model.Schema, ok bool, err error) {
	steps, err := dir.UpgradeSteps(nil, "heads")
	if err != nil {
		return nil, false, nil // the replay itself says why
	}
	store, err := l.clusters()
	if err != nil {
		l.debugf("source %s: no saved clusters: %v", spec, err)
		return nil, false, nil
	}
	keys, err := l.clusterKeys(ctx, steps)
	if err != nil {
		l.debugf("source %s: no saved clusters: %v", spec, err)
		return nil, false, nil
	}
	from := 0
	for i := len(keys); i > 0; i-- {
		if store.Use(keys[i-1]) {
			from = i
			break
		}
	}
	if from == 0 {
		n := 0
		for _, st := range steps {
			n += len(st.Revision.Up)
		}
		if n < clusterStatements || !l.cacheOutlivesRuns() {
			return nil, false, nil
		}
	}
	s, err := l.replayFrom(ctx, spec, dir, store, keys, from)
	return s, true, err
}

// replayFrom is replayOnOwnServer once it knows the keys of the clusters
// after each revision and which saved cluster to start from (0: none).
func (l *run) replayFrom(ctx context.Context, spec Spec, dir *migrate.Dir, store *devdb.Clusters, keys []string, from int) (_ *model.Schema, err error) {
	dev, sc, from, err := l.ownServer(ctx, store, keys, from)
	if err != nil {
		return nil, fmt.Errorf("dev server: %w", err)
	}
	defer func() {
		if cerr := dev.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("dev server: %w", cerr)
		}
	}()
	l.debugf("source %s: replaying %d of %d revisions on a dev server of its own", spec, len(keys)-from, len(keys))
	s, err := l.replayAndRead(ctx, spec, dev, sc, dir)
	if err != nil {
		return nil, err
	}
	if from < len(keys) {
		last := keys[len(keys)-1]
		begin := time.Now()
		if err := dev.Save(ctx, store.Path(last)); err != nil {
			l.debugf("source %s: cluster not saved: %s", spec, oneLine(err))
		} else {
			l.debugf("source %s: saved the cluster after %d revisions in %v", spec, len(keys), time.Since(begin).Round(time.Millisecond))
			store.Evict(last)
		}
	}
	return s, nil
}

// oneLine folds err's text (a server's error can quote its log) into the
// one line that a log line must be.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// ownServer starts the embedded server the replay runs on, from the saved
// cluster after the first from revisions (none when from is 0), and
// returns it with its replay database and how many revisions the cluster
// it started from holds. A saved cluster that cannot be started from is
// removed, and the server starts empty instead.
func (l *run) ownServer(ctx context.Context, store *devdb.Clusters, keys []string, from int) (*devdb.Dev, *devdb.Scratch, int, error) {
	for {
		opts := devdb.Options{Logf: l.Logf, Debugf: l.Debugf, Trusted: l.Trusted}
		if from > 0 {
			opts.From = store.Path(keys[from-1])
		}
		dev, err := devdb.Open(ctx, "embedded", opts)
		if err != nil {
			return nil, nil, 0, err
		}
		sc, err := dev.Database(ctx, replayDatabase)
		if err == nil {
			return dev, sc, from, nil
		}
		dev.Close()
		if from == 0 || ctx.Err() != nil {
			return nil, nil, 0, err
		}
		l.debugf("saved cluster %s unusable, replaying from the first revision: %s", opts.From, oneLine(err))
		store.Remove(keys[from-1])
		from = 0
	}
}
