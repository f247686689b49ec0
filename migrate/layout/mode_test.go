package layout

import (
	"os"
	"syscall"
	"testing"
)

// TestWriteHonoursUmask is the regression test for native revision files
// written 0600 and other layouts' files 0644, whatever the umask: every
// file a revision writes gets 0666 less the umask, as any new file would.
func TestWriteHonoursUmask(t *testing.T) {
	for _, mask := range []int{0o022, 0o077} {
		want := os.FileMode(0o666 &^ mask)
		for _, l := range All {
			dir := t.TempDir()
			old := syscall.Umask(mask)
			paths, err := Write(dir, l, createItems(), Options{})
			syscall.Umask(old)
			if err != nil {
				t.Fatalf("%s: %v", l, err)
			}
			for _, p := range paths {
				fi, err := os.Stat(p)
				if err != nil {
					t.Fatal(err)
				}
				if got := fi.Mode().Perm(); got != want {
					t.Errorf("%s, umask %03o: %s has mode %v, want %v", l, mask, p, got, want)
				}
			}
		}
	}
}
