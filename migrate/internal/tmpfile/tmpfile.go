// Package tmpfile creates the temporary files that revision files are
// written to before they are linked into place.
//
// os.CreateTemp makes files of mode 0600 whatever the umask; a revision
// file is meant to be committed and read by the team, so it gets the mode
// any other new file would get: 0666 less the umask, as the kernel applies
// it on open.
package tmpfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Create creates a new file in dir named .retort-<random>.tmp, open for
// writing, with mode 0666 less the process's umask. The caller removes it
// when it is not linked or renamed into place.
func Create(dir string) (*os.File, error) {
	for try := 0; ; try++ {
		b := make([]byte, 8)
		rand.Read(b) // never fails: see crypto/rand.Read
		name := filepath.Join(dir, ".retort-"+hex.EncodeToString(b)+".tmp")
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) && try < 10 {
			continue
		}
		return f, err
	}
}
