// Package modelcache keeps what loading a declared schema or replaying a
// migrations directory produced, so that an unchanged source is not applied
// to the dev server again: retort check on a project where nothing changed
// reads two files instead of running thousands of statements.
//
// Entries are content-addressed: the caller builds a [Key] from everything
// that decides the result (retort's [Version], the dev server's version,
// every input file's name and contents, the options that change the
// result) and stores the value under it. A changed input is a new key; old
// entries age out. The cache lives in $RETORT_CACHE_DIR, else in
// retort/models under the user's cache directory ([os.UserCacheDir]), and
// is bounded: past [DefaultMaxBytes] the least recently used entries are
// removed. Deleting it is always safe.
//
// Entries are written to a temporary file and renamed into place, so a
// reader never sees half of one; an entry that cannot be read or decoded
// (cut short, from another build, damaged) is a miss, said on the debug
// log, never an error. Values are encoded by reflection in an encoding
// that gives back exactly what was stored (see [Marshal]).
package modelcache

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/retortdb/retort/internal/lru"
)

// EnvDir names the environment variable that sets the cache directory.
const EnvDir = "RETORT_CACHE_DIR"

// DefaultMaxBytes bounds the cache's size on disk: a normalized GitLab
// schema (1,400 tables) takes about 5 MB.
const DefaultMaxBytes = 256 << 20

// magic starts every entry; a new encoding gets a new one.
const magic = "retort-modelcache-1\n"

// tempPrefix names entries being written; a Put removes those older than
// tempMaxAge, which a killed writer left.
const (
	tempPrefix = ".tmp-"
	tempMaxAge = time.Hour
	entryExt   = ".bin"
)

// Cache is a directory of entries.
type Cache struct {
	// Dir is the directory; see [DefaultDir].
	Dir string
	// MaxBytes bounds the size of the entries together; zero means
	// [DefaultMaxBytes].
	MaxBytes int64
	// Debugf receives hits, misses and why an entry was not used or not
	// written; nil discards them.
	Debugf func(format string, args ...any)
}

// DefaultDir returns the cache directory: dir when not empty, else
// $RETORT_CACHE_DIR, else retort/models under [os.UserCacheDir].
func DefaultDir(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	if env := os.Getenv(EnvDir); env != "" {
		return env, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("modelcache: %w", err)
	}
	return filepath.Join(base, "retort", "models"), nil
}

func (c *Cache) debugf(format string, args ...any) {
	if c.Debugf != nil {
		c.Debugf(format, args...)
	}
}

func (c *Cache) path(key string) string { return filepath.Join(c.Dir, key+entryExt) }

// Get decodes the entry of key into the value v points to and reports
// whether there was one. A missing, unreadable or corrupt entry is a miss.
func (c *Cache) Get(key string, v any) bool {
	p := c.path(key)
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return false
	}
	if err != nil {
		c.debugf("model cache: entry %s unreadable, loading afresh: %v", key, err)
		return false
	}
	payload, ok := strings.CutPrefix(string(data), magic)
	if !ok || len(payload) < sha256.Size {
		c.debugf("model cache: entry %s is not one of this build's, loading afresh", key)
		return false
	}
	sum, body := payload[:sha256.Size], []byte(payload[sha256.Size:])
	if got := sha256.Sum256(body); string(got[:]) != sum {
		c.debugf("model cache: entry %s is damaged, loading afresh", key)
		return false
	}
	if err := Unmarshal(body, v); err != nil {
		c.debugf("model cache: entry %s does not decode, loading afresh: %v", key, err)
		return false
	}
	// Its modification time is its last use, for eviction.
	now := time.Now()
	os.Chtimes(p, now, now)
	return true
}

// Put stores v (a pointer) under key. It never fails the caller: a cache
// that cannot be written is said on the debug log and is only slower.
func (c *Cache) Put(key string, v any) {
	if err := c.put(key, v); err != nil {
		c.debugf("model cache: entry %s not written: %v", key, err)
	}
}

func (c *Cache) put(key string, v any) error {
	body, err := Marshal(v)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	var buf bytes.Buffer
	buf.Grow(len(magic) + len(sum) + len(body))
	buf.WriteString(magic)
	buf.Write(sum[:])
	buf.Write(body)
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := filepath.Join(c.Dir, tempPrefix+hex.EncodeToString(rnd[:]))
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, c.path(key)); err != nil {
		os.Remove(tmp)
		return err
	}
	c.evict(key)
	return nil
}

// evict removes the least recently used entries while the cache is larger
// than its bound, never the one just written (keep), and the temporary
// files that killed writers left.
func (c *Cache) evict(keep string) {
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		return
	}
	var all []lru.Entry
	now := time.Now()
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		name := e.Name()
		if strings.HasPrefix(name, tempPrefix) {
			if now.Sub(fi.ModTime()) > tempMaxAge {
				os.Remove(filepath.Join(c.Dir, name))
			}
			continue
		}
		if strings.HasSuffix(name, entryExt) {
			all = append(all, lru.Entry{Name: name, Size: fi.Size(), Used: fi.ModTime()})
		}
	}
	lru.Evict(all, cmp.Or(c.MaxBytes, DefaultMaxBytes), keep+entryExt, func(e lru.Entry) error {
		err := os.Remove(filepath.Join(c.Dir, e.Name))
		if err == nil {
			c.debugf("model cache: evicted %s (%d bytes), the least recently used", e.Name, e.Size)
		}
		return err
	})
}
