// Package userfile reads the files a user names: schema files, migration
// files, retort.yaml, Go sources. It refuses anything that is not a regular
// file (after symbolic links): a named pipe, a device or a socket named
// schema.sql would otherwise block a read forever, where no context and no
// Ctrl-C can reach it, or never end (/dev/zero). The check is made before
// the file is opened and again on the opened file, so that a file swapped
// for a pipe in between is refused too.
package userfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is matched (errors.Is) by the error for a path that is not
// a regular file.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is matched (errors.Is) by the error for a file larger than
// the limit its reader sets.
var ErrTooLarge = errors.New("file too large")

// NotRegularError reports a path that names something other than a
// regular file.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is not a regular file (%s)", e.Path, describe(e.Mode))
}

// Is makes errors.Is(err, ErrNotRegular) hold.
func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

// describe names the kind of a file that is not regular.
func describe(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "mode " + m.String()
}

// check returns a [*NotRegularError] unless fi is a regular file.
func check(path string, fi fs.FileInfo) error {
	if fi.Mode().IsRegular() {
		return nil
	}
	return &NotRegularError{Path: path, Mode: fi.Mode()}
}

// Check reports whether path, following symbolic links, is a regular file:
// nil, a [*NotRegularError], or the error of os.Stat. A lister calls it on
// the entries it is about to hand to a reader that does not go through
// [Read], such as go/build.
func Check(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	return check(path, fi)
}

// Read returns the content of the regular file at path. A symbolic link to
// a regular file is read; anything else is a [*NotRegularError]. limit > 0
// bounds the size: a larger file is an error matching [ErrTooLarge], found
// without reading more than limit+1 bytes.
func Read(path string, limit int64) ([]byte, error) {
	if err := Check(path); err != nil {
		return nil, err
	}
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpened(f, path, limit)
}

// ReadFS is [Read] for a file of fsys. An fs.FS cannot be asked to open
// without blocking, so between the check and the open a file swapped for a
// named pipe can still block; the check on the opened file catches every
// other swap.
func ReadFS(fsys fs.FS, name string, limit int64) ([]byte, error) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if err := check(name, fi); err != nil {
		return nil, err
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpened(f, name, limit)
}

// readOpened checks the opened file again and reads at most limit bytes.
func readOpened(f fs.File, path string, limit int64) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := check(path, fi); err != nil {
		return nil, err
	}
	if limit > 0 && fi.Size() > limit {
		return nil, tooLarge(path, limit)
	}
	var r io.Reader = f
	if limit > 0 {
		// The size may grow after the stat: read one byte past the limit
		// to know.
		r = io.LimitReader(f, limit+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if limit > 0 && int64(len(data)) > limit {
		return nil, tooLarge(path, limit)
	}
	return data, nil
}

func tooLarge(path string, limit int64) error {
	return fmt.Errorf("%s: %w: larger than %s", path, ErrTooLarge, Size(limit))
}

// Size writes a byte count for messages and documentation: 16 MiB, 1 KiB,
// 100 bytes.
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
