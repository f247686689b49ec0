package devdb

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// killedWriterEnv tells TestHelperKilledTemplateWriter, run as a child
// process, what to copy where.
const killedWriterEnv = "RETORT_TEST_KILLED_TEMPLATE_WRITER"

// TestHelperKilledTemplateWriter is not a test: run as a child by
// TestTemplateTempsOfKilledRuns, it saves a template and is killed with
// SIGKILL just before the rename, as kill -9 would.
func TestHelperKilledTemplateWriter(t *testing.T) {
	src, dst, ok := strings.Cut(os.Getenv(killedWriterEnv), string(os.PathListSeparator))
	if !ok {
		t.Skip("runs only as a child of TestTemplateTempsOfKilledRuns")
	}
	testHook = func(phase string) {
		if phase == "template-copied" {
			p, _ := os.FindProcess(os.Getpid())
			p.Kill()
			time.Sleep(time.Minute)
		}
	}
	t.Fatal(saveDataDir(context.Background(), src, dst, false))
}

// tempsOf lists the template copies being written in dir by pid.
func tempsOf(t *testing.T, dir string, pid int) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".pgtemplate-*"+templateTempInfix+strconv.Itoa(pid)+"-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTemplateTempsOfKilledRuns(t *testing.T) {
	privateCache(t)
	cache, err := templateCache()
	if err != nil {
		t.Fatal(err)
	}

	// A writer killed before its rename leaves its copy, and no template.
	src := t.TempDir()
	if err := os.MkdirAll(filepath.Join(src, "base", "1"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"PG_VERSION", "base/1/1259"} {
		if err := os.WriteFile(filepath.Join(src, f), []byte("15\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	killedDst := filepath.Join(cache, "pgtemplate-0-killed")
	child := exec.Command(os.Args[0], "-test.run=^TestHelperKilledTemplateWriter$", "-test.count=1")
	child.Env = append(os.Environ(), killedWriterEnv+"="+src+string(os.PathListSeparator)+killedDst)
	out, err := child.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != -1 {
		t.Fatalf("writer was not killed: %v\n%s", err, out)
	}
	killed := tempsOf(t, cache, child.Process.Pid)
	if len(killed) != 1 || !haveTemplate(killed[0]) {
		t.Fatalf("killed writer left %q, want one whole copy", killed)
	}
	if _, err := os.Stat(killedDst); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("killed writer's template visible: %v", err)
	}

	// Copies of others: kept while their writer may still be at work.
	pid := os.Getpid()
	writer := strconv.Itoa(pid) + "-" + processStartTime(pid)
	planted := []struct {
		name      string
		old, stay bool
	}{
		{".pgtemplate-0-a" + templateTempInfix + writer + "-01234567", false, true}, // a live writer
		{".pgtemplate-0-b" + templateTempInfix + writer + "-01234567", true, false}, // live, but too old
		{".pgtemplate-0-c-123456789", false, true},                                  // an earlier version's, fresh
		{".pgtemplate-0-d-123456789", true, false},                                  // an earlier version's, old
	}
	if processStartTime(pid) != "" {
		// This pid with another start time: a writer whose pid was reused.
		planted = append(planted, struct {
			name      string
			old, stay bool
		}{".pgtemplate-0-e" + templateTempInfix + strconv.Itoa(pid) + "-1-01234567", false, false})
	}
	stays := map[string]bool{killed[0]: false}
	oldTime := time.Now().Add(-2 * templateTempMaxAge)
	for _, p := range planted {
		dir := filepath.Join(cache, p.name)
		stays[dir] = p.stay
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if p.old {
			if err := os.Chtimes(dir, oldTime, oldTime); err != nil {
				t.Fatal(err)
			}
		}
	}

	// The next start removes the stale copies, and its own template is
	// visible only once whole.
	var during []string
	t.Cleanup(func() { testHook = nil })
	testHook = func(phase string) {
		if phase != "template-copied" {
			return
		}
		entries, _ := os.ReadDir(cache)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), "pgtemplate-") {
				during = append(during, e.Name())
			}
		}
		if own := tempsOf(t, cache, pid); len(own) != 2 || !haveTemplate(own[0]) && !haveTemplate(own[1]) {
			t.Errorf("before the rename: copies of this process %q, want a whole one and the planted one", own)
		}
	}
	s := start(t, Options{})
	testHook = nil
	if len(during) > 0 {
		t.Errorf("template visible before its copy was whole: %q", during)
	}
	tmpl, err := templateDir(s.in)
	if err != nil || !haveTemplate(tmpl) {
		t.Fatalf("no template %s after a cold start: %v", tmpl, err)
	}
	for dir, want := range stays {
		_, err := os.Stat(dir)
		if got := err == nil; got != want {
			t.Errorf("%s exists %v, want %v", filepath.Base(dir), got, want)
		}
	}
	if own := tempsOf(t, cache, pid); len(own) != 1 {
		t.Errorf("copies of this process after Start: %q, want only the planted one", own)
	}
}
