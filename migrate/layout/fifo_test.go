//go:build unix

package layout

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/retortdb/retort/internal/userfile"
)

// TestReadDirRefusesFIFO checks that a named pipe among the migrations, in
// every layout, is an error naming it, not a read that blocks forever.
func TestReadDirRefusesFIFO(t *testing.T) {
	tests := []struct {
		layout Layout
		name   string
	}{
		{Native, "20260101000000_init.sql"},
		{Goose, "20260101000000_init.sql"},
		{GolangMigrate, "1_init.up.sql"},
		{Dbmate, "20260101000000_init.sql"},
		{Flyway, "V1__init.sql"},
		{Atlas, "20260101000000_init.sql"},
	}
	for _, tt := range tests {
		t.Run(string(tt.layout), func(t *testing.T) {
			dir := t.TempDir()
			if err := syscall.Mkfifo(filepath.Join(dir, tt.name), 0o644); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := ReadDir(os.DirFS(dir), ".", tt.layout)
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, userfile.ErrNotRegular) || !strings.Contains(err.Error(), tt.name+" is not a regular file") {
					t.Errorf("err = %v, want %s is not a regular file", err, tt.name)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("ReadDir blocked on a named pipe")
			}
		})
	}
}
