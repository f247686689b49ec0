//go:build unix

package config

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

// TestLoadHostileFile checks that retort.yaml as a named pipe, or nested
// deeply enough to make the YAML parser take gigabytes, is an error at
// once.
func TestLoadHostileFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(dir, "deep.yaml")
	if err := os.WriteFile(deep, []byte("url: "+strings.Repeat("[", 80<<10)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		is   error
		want string
	}{
		{fifo, userfile.ErrNotRegular, fifo + " is not a regular file (a named pipe)"},
		{deep, nil, deep + ":1:104: nested more than 100 levels deep"},
	}
	for _, tt := range tests {
		done := make(chan error, 1)
		go func() {
			_, err := Load(tt.path, true, "")
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), tt.want) || tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Load(%s) = %v, want %q", filepath.Base(tt.path), err, tt.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Load(%s) blocked", filepath.Base(tt.path))
		}
	}
}
