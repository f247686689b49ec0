// Package nestedmod builds, for tests, a program of a nested Go module: a
// directory with a go.mod of its own (model/gotag/testdata/orms,
// model/hcl/testdata/atlas), so that retort's go.mod does not depend on the
// ORMs and tools its compatibility tests run. Only tests import it.
package nestedmod

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Build builds the package pkg (such as "./cmd/atlaseval") of the nested
// module in dir and returns the program's path. Building may download the
// module's dependencies through the module proxy. The test is skipped in
// -short mode, and when the program cannot be built, except in CI
// (CI=true), where the proxy is reachable and a skip would hide a check
// that did not run: there the test fails. what names the program in
// messages.
func Build(t *testing.T, dir, pkg, what string) string {
	t.Helper()
	if testing.Short() {
		t.Skipf("builds %s: not in -short mode", what)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		skipOrFail(t, "no go command to build %s with", what)
	}
	bin := filepath.Join(t.TempDir(), filepath.Base(pkg))
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		skipOrFail(t, "cannot build %s in %s (is the Go module proxy reachable?): %v\n%s", what, dir, err, out)
	}
	return bin
}

func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}
