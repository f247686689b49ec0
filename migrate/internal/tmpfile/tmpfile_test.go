package tmpfile

import (
	"os"
	"syscall"
	"testing"
)

// TestCreateHonoursUmask is the regression test for revision files that
// were written 0600 whatever the umask.
func TestCreateHonoursUmask(t *testing.T) {
	for _, tt := range []struct {
		umask int
		want  os.FileMode
	}{{0o022, 0o644}, {0o002, 0o664}, {0o077, 0o600}} {
		old := syscall.Umask(tt.umask)
		f, err := Create(t.TempDir())
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := f.Stat()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != tt.want {
			t.Errorf("umask %03o: mode %v, want %v", tt.umask, got, tt.want)
		}
	}
}
