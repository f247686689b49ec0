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
	"strings"
	"time"
)

// templateFormat is mixed into the cache key; bump it whenever the initdb
// arguments change, so that old templates are no longer picked up.
const templateFormat = "1"

// templateTempInfix follows the template's name in the name of a copy
// being written, .<template>.tmp-<pid>-<start>-<random>, so that a later
// run can tell whether its writer is gone.
const templateTempInfix = ".tmp-"

// templateTempMaxAge is how old a copy being written may be before it
// counts as abandoned whatever its name says: a copy takes well under a
// second, and copies named by earlier versions name no writer.
const templateTempMaxAge = time.Hour

// templateCache returns the dir that holds the cached templates.
func templateCache() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, "retort"), nil
}

// templateDir returns where the initdb template for in is cached, or "" when
// the user has no cache directory.
func templateDir(in install) (string, error) {
	cache, err := templateCache()
	if err != nil {
		return "", err
	}
	h := sha256.Sum256([]byte(in.binDir + "\x00" + in.version + "\x00" + templateFormat))
	name := "pgtemplate-" + strconv.Itoa(in.major) + "-" + hex.EncodeToString(h[:8])
	return filepath.Join(cache, name), nil
}

// haveTemplate reports whether dir holds a complete template. Templates are
// renamed into place whole, so the presence of PG_VERSION is enough.
func haveTemplate(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, "PG_VERSION"))
	return err == nil && fi.Mode().IsRegular()
}

// saveDataDir copies a data dir that no server is running on (a fresh
// initdb template, or a saved cluster) into the cache at dst. It copies
// into a temporary sibling named after this process and renames, so that a
// concurrent or interrupted run never sees half a copy, and a later run
// removes the copy of a writer that was killed (see cleanTemplateTemps and
// Clusters.Evict); if another run got there first its copy is kept. With
// move, a data dir that is thrown away next is renamed rather than copied
// where it is on the same file system as dst.
func saveDataDir(ctx context.Context, dataDir, dst string, move bool) error {
	parent := filepath.Dir(dst)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return err
	}
	pid := os.Getpid()
	tmp := filepath.Join(parent, "."+filepath.Base(dst)+templateTempInfix+
		strconv.Itoa(pid)+"-"+processStartTime(pid)+"-"+randomHex(4))
	// Mkdir claims the name, so that the deferred removal never takes
	// another writer's copy; copyTree wants to create the root itself.
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.Remove(tmp); err != nil {
		return err
	}
	if !move || os.Rename(dataDir, tmp) != nil {
		if err := copyTree(ctx, dataDir, tmp, nil); err != nil {
			return err
		}
	}
	hook("template-copied")
	if err := os.Rename(tmp, dst); err != nil {
		if haveTemplate(dst) {
			return nil
		}
		return err
	}
	return nil
}

// cleanTemplateTemps removes from the template cache dir the copies that
// runs killed while saving a template left behind: those whose writer
// process is gone, and any older than templateTempMaxAge. Failures are only
// logged.
func cleanTemplateTemps(cache string, now time.Time, logf func(string, ...any)) {
	entries, err := os.ReadDir(cache)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, ".pgtemplate-") {
			continue
		}
		path := filepath.Join(cache, name)
		fi, err := os.Lstat(path)
		if err != nil || !fi.IsDir() {
			continue
		}
		if !staleTemplateTemp(name, now.Sub(fi.ModTime())) {
			continue
		}
		logf("removing partial initdb template left behind by an earlier run: %s", path)
		if err := os.RemoveAll(path); err != nil {
			logf("removing %s: %v", path, err)
		}
	}
}

// staleTemplateTemp reports whether the template copy being written under
// name, last modified age ago, is abandoned.
func staleTemplateTemp(name string, age time.Duration) bool {
	if age > templateTempMaxAge {
		return true
	}
	_, writer, ok := strings.Cut(name, templateTempInfix)
	if !ok {
		return false // an earlier version's: only its age tells
	}
	f := strings.Split(writer, "-")
	if len(f) != 3 {
		return false
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil || pid <= 0 {
		return false
	}
	return !processAlive(pid, f[1])
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
