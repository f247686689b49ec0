// Package sharedtest finds, for the tests of any package, what they read
// from ../shared, the directory beside this repository: real-world schemas
// in schemas/ (see its README) and sqldef's psqldef test cases in corpus/.
// Only tests import it.
//
// A test that needs a part of ../shared that is missing fails, saying what
// belongs there. It fails once per test binary: every later test of the
// package that needs the same part is skipped, pointing at that failure,
// so that one missing directory reads as one error.
package sharedtest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Schemas returns the directory of the real-world schemas, ../shared/schemas.
func Schemas(t testing.TB) string {
	t.Helper()
	return dir(t, "schemas")
}

// Schema returns the path of one file of ../shared/schemas, such as
// "pagila.sql".
func Schema(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(Schemas(t), name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("real schema missing: %v (../shared/schemas/README.md lists the files that belong there)", err)
	}
	return p
}

// Corpus returns the directory of the external acceptance corpus,
// ../shared/corpus.
func Corpus(t testing.TB) string {
	t.Helper()
	return dir(t, "corpus")
}

var (
	mu       sync.Mutex
	reported = map[string]bool{} // parts of ../shared found missing
)

// dir returns ../shared/part as an absolute path, or ends the test when it
// is not a directory.
func dir(t testing.TB, part string) string {
	t.Helper()
	shared, err := sharedDir()
	if err == nil {
		p := filepath.Join(shared, part)
		fi, serr := os.Stat(p)
		switch {
		case serr != nil:
			err = serr
		case !fi.IsDir():
			err = fmt.Errorf("%s is not a directory", p)
		default:
			return p
		}
	}
	mu.Lock()
	first := !reported[part]
	reported[part] = true
	mu.Unlock()
	if !first {
		t.Skipf("../shared/%s is missing: see the failure above", part)
	}
	t.Fatalf("../shared/%s is missing (%v). The tests read ../shared, the directory beside this repository: "+
		"real-world schemas in schemas/ (pagila, hatchet, PostgREST's fixtures, GitLab's structure.sql) and "+
		"sqldef's psqldef test cases in corpus/psqldef; see README.md, \"Run the tests\". "+
		"Other tests of this package that need it are skipped.", part, err)
	return ""
}

// sharedDir returns ../shared beside the module root, which it finds
// from the working directory, the package's own when go test runs it.
func sharedDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared"), nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("no go.mod above " + wd)
		}
	}
}
