package render_test

import (
	"bytes"
	"os"
	osexec "os/exec"
	"path/filepath"
	"testing"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/sharedtest"
	"github.com/retortdb/retort/render"
)

// mermaidCheck is the package of check.js, which scripts/setup --test
// installs with npm ci.
const mermaidCheck = "../internal/mermaidcheck"

// tool finds a program the diagram checks run. Without it they are skipped
// on a developer's machine, but CI (CI=true), whose scripts/setup --test
// installs it, fails: the check must not pass there by not running.
func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := osexec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (scripts/setup --test installs %s)", name, pkg)
		}
		t.Skipf("%s is not installed (scripts/setup --test installs %s)", name, pkg)
	}
	return p
}

// writeAll writes each text to DIR/NAME.ext and returns the paths.
func writeAll(t *testing.T, texts map[string]string, ext string) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for name, text := range texts {
		p := filepath.Join(dir, name+ext)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// checkMermaid parses each diagram with mermaid's own parser.
func checkMermaid(t *testing.T, diagrams map[string]string) {
	t.Helper()
	node := tool(t, "node", "nodejs")
	if _, err := os.Stat(filepath.Join(mermaidCheck, "node_modules", "mermaid")); err != nil {
		t.Fatalf("mermaid is not installed in %s: run scripts/setup --test (npm ci there)", mermaidCheck)
	}
	dir, err := filepath.Abs(mermaidCheck)
	if err != nil {
		t.Fatal(err)
	}
	cmd := osexec.Command(node, append([]string{"check.js"}, writeAll(t, diagrams, ".mmd")...)...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Errorf("mermaid rejects the diagram: %v\n%s", err, out.String())
	}
}

// checkDot lays each graph out with Graphviz's dot.
func checkDot(t *testing.T, graphs map[string]string) {
	t.Helper()
	dot := tool(t, "dot", "graphviz")
	for _, p := range writeAll(t, graphs, ".dot") {
		cmd := osexec.Command(dot, "-Tsvg", "-o", os.DevNull, p)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		// dot exits 0 on some syntax errors in labels, which it only
		// warns about: any output is a failure.
		if err := cmd.Run(); err != nil || out.Len() > 0 {
			t.Errorf("dot rejects %s: %v\n%s", filepath.Base(p), err, out.String())
		}
	}
}

// TestDiagramsOfRealSchemas draws pagila and hatchet, loaded as their
// authors load them, and has mermaid's parser and dot accept the drawings.
func TestDiagramsOfRealSchemas(t *testing.T) {
	t.Parallel()
	schemas := []struct {
		name  string
		files []string
	}{
		{"pagila", []string{"pagila.sql"}},
		{"hatchet", []string{"hatchet-v0.sql", "hatchet-v1-core.sql", "hatchet-v1-olap.sql"}},
	}
	mermaid, dot := map[string]string{}, map[string]string{}
	for _, rs := range schemas {
		url := devdbtest.NewDatabase(t)
		for _, f := range rs.files {
			if err := psqlFile(url, sharedtest.Schema(t, f)); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
		s := inspectDB(t, url)
		if len(s.Tables) == 0 {
			t.Fatalf("%s: no tables", rs.name)
		}
		mermaid[rs.name], dot[rs.name] = render.Mermaid(s), render.Dot(s)
	}
	checkMermaid(t, mermaid)
	checkDot(t, dot)
}
