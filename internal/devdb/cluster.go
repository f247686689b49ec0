package devdb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/retortdb/retort/internal/lru"
)

// A replay of a long migrations directory costs as much as loading the
// schema it ends in. Saving the embedded server's whole cluster after a
// replay, and starting the next replay from a copy of it, lets a run that
// added one revision apply only that one, with everything the earlier ones
// left: data rows, sequence positions, roles, and objects retort does not
// model. A cluster is saved whole because nothing less is exact.

// DefaultClustersMaxBytes bounds the saved clusters together: the cluster
// holding GitLab's schema (1,400 tables) takes 145 MB, an empty one
// about 40 MB.
const DefaultClustersMaxBytes = 1 << 30

// saveStopTimeout bounds the fast shutdown before a save; with fsync off
// its checkpoint takes well under a second.
const saveStopTimeout = 30 * time.Second

// Clusters is a directory of saved clusters, each a data dir named by a key
// that the caller derives from everything that made it. Entries are
// written whole under a temporary name and renamed into place; past
// MaxBytes the least recently used are removed. Deleting the directory is
// always safe.
type Clusters struct {
	// Dir is the directory.
	Dir string
	// MaxBytes bounds the size of the clusters together; zero means
	// [DefaultClustersMaxBytes].
	MaxBytes int64
	// Debugf receives evictions and removals; nil discards them.
	Debugf func(format string, args ...any)
}

// Path returns where the cluster of key is, or would be, saved. Keys are
// file names, such as hex digests.
func (c *Clusters) Path(key string) string { return filepath.Join(c.Dir, key) }

// Use reports whether a complete cluster is saved under key and, if so,
// marks it as just used, so that eviction keeps it longer.
func (c *Clusters) Use(key string) bool {
	p := c.Path(key)
	if !haveTemplate(p) {
		return false
	}
	now := time.Now()
	os.Chtimes(p, now, now)
	return true
}

// Remove removes the cluster of key, for one that could not be started
// from.
func (c *Clusters) Remove(key string) {
	if err := os.RemoveAll(c.Path(key)); err != nil {
		c.debugf("saved clusters: removing %s: %v", key, err)
	}
}

func (c *Clusters) debugf(format string, args ...any) {
	if c.Debugf != nil {
		c.Debugf(format, args...)
	}
}

// Evict removes the least recently used clusters while they take more than
// MaxBytes together, never keep (the one just saved), and the partial
// copies that killed writers left.
func (c *Clusters) Evict(keep string) {
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		return
	}
	var all []lru.Entry
	now := time.Now()
	for _, e := range entries {
		name := e.Name()
		fi, err := e.Info()
		if err != nil || !fi.IsDir() {
			continue
		}
		if strings.HasPrefix(name, ".") {
			if strings.Contains(name, templateTempInfix) && staleTemplateTemp(name, now.Sub(fi.ModTime())) {
				c.debugf("saved clusters: removing %s, left behind by an earlier run", name)
				os.RemoveAll(filepath.Join(c.Dir, name))
			}
			continue
		}
		if size, err := treeSize(filepath.Join(c.Dir, name)); err == nil {
			all = append(all, lru.Entry{Name: name, Size: size, Used: fi.ModTime()})
		}
	}
	lru.Evict(all, cmp.Or(c.MaxBytes, DefaultClustersMaxBytes), keep, func(e lru.Entry) error {
		err := os.RemoveAll(filepath.Join(c.Dir, e.Name))
		if err == nil {
			c.debugf("saved clusters: evicted %s (%d bytes), the least recently used", e.Name, e.Size)
		}
		return err
	})
}

// treeSize returns the bytes of the regular files under root.
func treeSize(root string) (int64, error) {
	var n int64
	err := filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			n += fi.Size()
		}
		return nil
	})
	return n, err
}

// startFrom starts the server on a copy of the saved cluster from.
func (s *Server) startFrom(ctx context.Context, from string) error {
	if err := s.makeDirs(); err != nil {
		return err
	}
	hook("dirs")
	if !haveTemplate(from) {
		return fmt.Errorf("saved cluster %s: not a data dir", from)
	}
	if err := copyTree(ctx, from, s.dataDir, s.acct); err != nil {
		return fmt.Errorf("copy saved cluster %s: %w", from, err)
	}
	hook("copied")
	return s.launch(ctx)
}

// Database returns the database name on Dev's own server, created from
// template0 when the server has none of that name (a server started from
// a saved cluster has what Save kept). Unlike a scratch database it is
// never dropped: it stays in the cluster, for [Dev.Save].
func (d *Dev) Database(ctx context.Context, name string) (*Scratch, error) {
	if !d.Embedded() {
		return nil, errors.New("devdb: named databases are kept on retort's own dev server only")
	}
	admin, err := d.adminURL(ctx)
	if err != nil {
		return nil, err
	}
	conn, err := d.connect(ctx, admin)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	const q = "SELECT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = $1)"
	if err := conn.QueryRow(ctx, q, name).Scan(&exists); err != nil {
		return nil, fmt.Errorf("devdb: look for database %s: %w", name, err)
	}
	if !exists {
		if _, err := conn.Exec(ctx, d.createSQL(name)); err != nil {
			return nil, fmt.Errorf("devdb: create database %s: %w", name, err)
		}
	}
	connString, err := d.scratchURL(name)
	if err != nil {
		return nil, err
	}
	// Not in d.scratches: Close leaves it to the cluster.
	return &Scratch{dev: d, name: name, connString: connString, admin: admin}, nil
}

// Save stops Dev's own server with a fast shutdown and saves its cluster,
// with the databases [Dev.Database] made, at dst (see [Clusters.Path]):
// the data dir is moved there, or copied where dst is on another file
// system. The scratch databases still open are dropped first. After Save
// only Close may be called. A server that does not shut down cleanly is
// not saved.
func (d *Dev) Save(ctx context.Context, dst string) error {
	d.mu.Lock()
	s, own, closed := d.server, d.ownServer, d.closed
	scratches := make([]*Scratch, 0, len(d.scratches))
	for sc := range d.scratches {
		scratches = append(scratches, sc)
	}
	d.mu.Unlock()
	if closed || !own || s == nil {
		return errors.New("devdb: save: no running embedded server")
	}
	for _, sc := range scratches {
		if err := sc.Close(ctx); err != nil {
			return fmt.Errorf("devdb: save: %w", err)
		}
	}
	if err := s.stopClean(ctx); err != nil {
		return fmt.Errorf("devdb: save: %w", err)
	}
	if err := saveDataDir(ctx, s.dataDir, dst, true); err != nil {
		return fmt.Errorf("devdb: save cluster: %w", err)
	}
	return nil
}

// stopClean asks the postmaster for a fast shutdown, which ends sessions
// and writes a checkpoint, and waits for it to exit with success: only
// then is the data dir complete without WAL replay.
func (s *Server) stopClean(ctx context.Context) error {
	if s.cmd == nil {
		return errors.New("the server is not running")
	}
	select {
	case <-s.exited:
		return errors.New("the server has exited")
	default:
	}
	if err := signalServer(s.cmd.Process.Pid, stopFast); err != nil {
		return fmt.Errorf("stop postgres: %w", err)
	}
	timer := time.NewTimer(saveStopTimeout)
	defer timer.Stop()
	select {
	case <-s.exited:
	case <-timer.C:
		return fmt.Errorf("postgres did not shut down within %v", saveStopTimeout)
	case <-ctx.Done():
		return ctx.Err()
	}
	if s.waitErr != nil {
		return fmt.Errorf("postgres shut down with %v", s.waitErr)
	}
	return nil
}
