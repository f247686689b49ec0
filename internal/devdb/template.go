package devdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// templateFormat is mixed into the cache key; bump it whenever the initdb
// arguments change, so that old templates are no longer picked up.
const templateFormat = "1"

// templateDir returns where the initdb template for in is cached, or "" when
// the user has no cache directory.
func templateDir(in install) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	h := sha256.Sum256([]byte(in.binDir + "\x00" + in.version + "\x00" + templateFormat))
	name := "pgtemplate-" + strconv.Itoa(in.major) + "-" + hex.EncodeToString(h[:8])
	return filepath.Join(cache, "retort", name), nil
}

// haveTemplate reports whether dir holds a complete template. Templates are
// renamed into place whole, so the presence of PG_VERSION is enough.
func haveTemplate(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, "PG_VERSION"))
	return err == nil && fi.Mode().IsRegular()
}

// saveTemplate copies a freshly initialised data dir into the cache. It
// copies into a temporary sibling and renames, so that a concurrent or
// interrupted run never sees half a template; if another run got there first
// its template is kept.
func saveTemplate(ctx context.Context, dataDir, dst string) error {
	parent := filepath.Dir(dst)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dst)+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	// MkdirTemp made tmp; copyTree wants to create the root itself.
	if err := os.Remove(tmp); err != nil {
		return err
	}
	if err := copyTree(ctx, dataDir, tmp, nil); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		if haveTemplate(dst) {
			return nil
		}
		return err
	}
	return nil
}

// copyTree copies the directory src to dst (which must not exist), keeping
// permission bits, which PostgreSQL checks on its data dir, and handing
// every entry to acct. Only directories, regular files and symlinks occur in
// a data dir; anything else is an error rather than silently skipped.
//
// The copy is sequential on purpose: copying files in parallel measured
// slower on ext4, where creating files in one directory contends.
func copyTree(ctx context.Context, src, dst string, acct *account) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch mode := info.Mode(); {
		case mode.IsDir():
			if err := os.Mkdir(target, 0o700); err != nil {
				return err
			}
			// Chmod, not Mkdir's mode, so the umask does not apply.
			if err := os.Chmod(target, mode.Perm()); err != nil {
				return err
			}
		case mode.IsRegular():
			if err := copyFile(path, target, mode.Perm()); err != nil {
				return err
			}
		case mode&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			if err := os.Symlink(link, target); err != nil {
				return err
			}
		default:
			return fmt.Errorf("copy %s: unexpected file type %v", path, mode.Type())
		}
		return chown(target, acct)
	})
}

func copyFile(src, dst string, perm fs.FileMode) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	// io.Copy between files uses copy_file_range where the kernel has it.
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	return out.Chmod(perm)
}
