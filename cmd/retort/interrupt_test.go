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

// TestInterruptLeavesNothing runs retort on a schema file that keeps the dev
// server busy, interrupts it as Ctrl-C would, and checks that it exits 1 and
// that the embedded server's directories are gone.
func TestInterruptLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a dev server")
	}
	// A directory of our own, reachable by the server's account, so that
	// other tests' dev servers do not show up here.
	tmp, err := os.MkdirTemp("", "retort-sigint-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	schema := filepath.Join(t.TempDir(), "slow.sql")
	if err := os.WriteFile(schema, []byte("CREATE TABLE t (id int);\nSELECT pg_sleep(60);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "inspect", schema)
	cmd.Env = append(os.Environ(), "RETORT_TEST_RUN_MAIN=1", "TMPDIR="+tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the server is up and the file is being applied: its data
	// directory exists in tmp.
	deadline := time.Now().Add(30 * time.Second)
	for {
		m, _ := filepath.Glob(filepath.Join(tmp, "retort-dev-*"))
		if len(m) > 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("dev server never started; stderr: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitError {
		t.Errorf("exit = %v, want code %d; stderr: %s", err, exitError, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr lacks 'interrupted': %s", stderr.String())
	}
	left, _ := filepath.Glob(filepath.Join(tmp, "*"))
	if len(left) > 0 {
		t.Errorf("left behind after Ctrl-C: %v", left)
	}
}
