//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFIFOSource gives retort a named pipe as a schema file and inside a
// migrations directory. Each read used to block forever, deaf to Ctrl-C,
// with the embedded dev server running; now each command exits 1 at once,
// naming the file, and leaves no server behind.
func TestFIFOSource(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a dev server")
	}
	tmp, err := os.MkdirTemp("", "retort-fifo-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "schema.sql")
	migrations := filepath.Join(dir, "migrations")
	if err := os.Mkdir(migrations, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, filepath.Join(dir, "schema.hcl"), filepath.Join(migrations, "0001_init.sql")} {
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"inspect", fifo}, fifo + " is not a regular file (a named pipe)"},
		{[]string{"inspect", filepath.Join(dir, "schema.hcl")}, "schema.hcl is not a regular file (a named pipe)"},
		{[]string{"inspect", "migrations://" + migrations}, "0001_init.sql is not a regular file (a named pipe)"},
	}
	for _, tt := range tests {
		t.Run(tt.args[1], func(t *testing.T) {
			cmd := exec.Command(os.Args[0], tt.args...)
			cmd.Env = append(os.Environ(), "RETORT_TEST_RUN_MAIN=1", "TMPDIR="+tmp)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err = <-done:
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("retort %s blocked; stderr: %s", strings.Join(tt.args, " "), stderr.String())
			}
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != exitError {
				t.Errorf("exit = %v, want code %d; stderr: %s", err, exitError, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr = %q, want it to hold %q", stderr.String(), tt.want)
			}
			if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}
