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

// TestTimeoutOffRoundTrips checks that a statement whose lock_timeout is
// turned off ("-- retort:lock_timeout 0") keeps it in every layout.
func TestTimeoutOffRoundTrips(t *testing.T) {
	for _, l := range All {
		dir := t.TempDir()
		rev := createItems()
		rev.Up[1].LockTimeout = -1
		if _, err := Write(dir, l, rev, Options{}); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		d, err := ReadDir(os.DirFS(dir), ".", l)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		revs := d.Revisions()
		if len(revs) != 1 || len(revs[0].Up) != 2 || revs[0].Up[1].LockTimeout >= 0 || revs[0].Up[0].LockTimeout != 0 {
			t.Errorf("%s: read back %+v", l, revs)
		}
	}
}
