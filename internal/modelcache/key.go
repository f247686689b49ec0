package modelcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"reflect"
	"runtime/debug"
	"sync"
)

// Key builds a cache key: a SHA-256 of named parts, each written with its
// length, so that no two different sequences of parts hash alike.
type Key struct {
	h hash.Hash
}

// NewKey returns a key that holds nothing yet.
func NewKey() *Key { return &Key{h: sha256.New()} }

func (k *Key) part(name string, n int) {
	var buf [binary.MaxVarintLen64]byte
	k.h.Write(binary.AppendUvarint(buf[:0], uint64(len(name))))
	k.h.Write([]byte(name))
	k.h.Write(binary.AppendUvarint(buf[:0], uint64(n)))
}

// String adds a named string.
func (k *Key) String(name, value string) {
	k.part(name, len(value))
	io.WriteString(k.h, value)
}

// Bytes adds named bytes, such as a file's name and contents.
func (k *Key) Bytes(name string, value []byte) {
	k.part(name, len(value))
	k.h.Write(value)
}

// Value adds a named value (an options struct) in the codec's encoding,
// leaving out its function fields (loggers), which change no result.
func (k *Key) Value(name string, v any) error {
	var buf bytes.Buffer
	if err := encode(&buf, reflect.ValueOf(v), true); err != nil {
		return fmt.Errorf("modelcache: key part %s: %w", name, err)
	}
	k.Bytes(name, buf.Bytes())
	return nil
}

// Sum returns the key as hex, the name of its entry.
func (k *Key) Sum() string { return hex.EncodeToString(k.h.Sum(nil)) }

var version struct {
	once sync.Once
	v    string
	err  error
}

// Version identifies the running build of retort, for keys: an entry
// written by one build is never read by another, whose loading may
// differ. It is the build's VCS revision when the tree it was built from
// was clean; otherwise (a modified tree, or a build without VCS
// information such as a test binary) a SHA-256 of the executable, since
// the revision alone does not say what was built then.
func Version() (string, error) {
	version.once.Do(func() {
		if bi, ok := debug.ReadBuildInfo(); ok {
			var rev, modified string
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					rev = s.Value
				case "vcs.modified":
					modified = s.Value
				}
			}
			if rev != "" && modified == "false" {
				version.v = "vcs:" + rev
				return
			}
		}
		version.v, version.err = executableHash()
	})
	return version.v, version.err
}

// executableHash returns a SHA-256 of the running executable.
func executableHash() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("modelcache: find the executable: %w", err)
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", fmt.Errorf("modelcache: hash the executable: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("modelcache: hash the executable: %w", err)
	}
	return "exe:" + hex.EncodeToString(h.Sum(nil)), nil
}
