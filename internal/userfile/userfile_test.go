//go:build unix

package userfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// promptly runs read in a goroutine and fails the test if it blocks: a
// read of a named pipe with no writer would hang forever.
func promptly(t *testing.T, read func() ([]byte, error)) ([]byte, error) {
	t.Helper()
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := read()
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-time.After(10 * time.Second):
		t.Fatal("read blocked")
		return nil, nil
	}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	regular := write("schema.sql", "CREATE TABLE t ();\n")
	big := write("big.sql", strings.Repeat("x", 101))
	fifo := filepath.Join(dir, "fifo.sql")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	toRegular := filepath.Join(dir, "link.sql")
	toFIFO := filepath.Join(dir, "fifolink.sql")
	if err := os.Symlink(regular, toRegular); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(fifo, toFIFO); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		limit   int64
		want    string // content, when no error
		wantErr error
		msg     string
	}{
		{name: "regular", path: regular, want: "CREATE TABLE t ();\n"},
		{name: "symlink to regular", path: toRegular, want: "CREATE TABLE t ();\n"},
		{name: "fifo", path: fifo, wantErr: ErrNotRegular, msg: fifo + " is not a regular file (a named pipe)"},
		{name: "symlink to fifo", path: toFIFO, wantErr: ErrNotRegular, msg: toFIFO + " is not a regular file (a named pipe)"},
		{name: "device", path: "/dev/zero", wantErr: ErrNotRegular, msg: "/dev/zero is not a regular file (a character device)"},
		{name: "directory", path: dir, wantErr: ErrNotRegular, msg: "is not a regular file (a directory)"},
		{name: "missing", path: filepath.Join(dir, "nope.sql"), wantErr: os.ErrNotExist},
		{name: "at limit", path: big, limit: 101, want: strings.Repeat("x", 101)},
		{name: "over limit", path: big, limit: 100, wantErr: ErrTooLarge, msg: big + ": file too large: larger than 100 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := func(data []byte, err error) {
				t.Helper()
				if tt.wantErr == nil {
					if err != nil || string(data) != tt.want {
						t.Fatalf("got %q, %v; want %q", data, err, tt.want)
					}
					return
				}
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if tt.msg != "" && !strings.Contains(err.Error(), tt.msg) {
					t.Errorf("err = %q, want it to hold %q", err, tt.msg)
				}
			}
			check(promptly(t, func() ([]byte, error) { return Read(tt.path, tt.limit) }))
			if filepath.IsAbs(tt.path) && strings.HasPrefix(tt.path, dir+"/") {
				name := strings.TrimPrefix(tt.path, dir+"/")
				data, err := promptly(t, func() ([]byte, error) { return ReadFS(os.DirFS(dir), name, tt.limit) })
				if tt.msg != "" {
					tt.msg = strings.ReplaceAll(tt.msg, dir+"/", "")
				}
				check(data, err)
			}
		})
	}
}

// TestOpenedFIFO checks the second check, on the opened file: a path that
// is a named pipe when opened (as after a swap) is refused without waiting
// for a writer.
func TestOpenedFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "swapped.sql")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := promptly(t, func() ([]byte, error) {
		f, err := openNonBlocking(fifo)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readOpened(f, fifo, 0)
	})
	if !errors.Is(err, ErrNotRegular) {
		t.Fatalf("err = %v, want ErrNotRegular", err)
	}
}
