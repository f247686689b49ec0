package yaml

import (
	"math/rand"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode"
)

// TestNestingLimit checks that deeply nested YAML is refused before the
// parser builds it: quickly, in little memory, at the place where the
// limit is passed. Today 80 KB of [ takes gigabytes.
func TestNestingLimit(t *testing.T) {
	const n = 80 << 10
	var indented strings.Builder
	for i := range 3000 {
		indented.WriteString(strings.Repeat(" ", i) + "a:\n")
	}
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"flow sequences", strings.Repeat("[", n), "deep.yaml:1:101: nested more than 100 levels deep"},
		{"flow maps", "a: " + strings.Repeat("{a: ", n/4), "deep.yaml:1:396: nested more than 100 levels deep"},
		{"block sequences on a line", "a:\n" + strings.Repeat("- ", n/2) + "x\n", "deep.yaml:2:101: nested more than 100 levels deep"},
		{"indentation", indented.String(), "deep.yaml:51:51: nested more than 100 levels deep"},
		{"anchors", "a: [" + strings.Repeat("&a ", n/3) + "x]\n", "deep.yaml:1:296: nested more than 100 levels deep"},
		{"tags", "a: " + strings.Repeat("!!str ", n/6) + "x\n", "deep.yaml:1:249: nested more than 100 levels deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			done := make(chan error, 1)
			go func() {
				_, err := Decode("deep.yaml", []byte(tt.src))
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Decode did not return within 10 s")
			}
			runtime.ReadMemStats(&after)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 50<<20 {
				t.Errorf("allocated %d MB, want under 50", alloc>>20)
			}
		})
	}
}

// TestNestingAllowed checks that real schemas and brackets in strings,
// block scalars and comments pass the pre-scan.
func TestNestingAllowed(t *testing.T) {
	tests := []string{
		"a: " + strings.Repeat("[", 98) + strings.Repeat("]", 98) + "\n",
		"a: '" + strings.Repeat("[", 300) + "'\nb: \"" + strings.Repeat("{", 300) + "\"\n",
		"# " + strings.Repeat("[", 300) + "\na: 1\n",
		"a:\n  b: |\n    " + strings.Repeat("[", 300) + "\n  c: >\n    " + strings.Repeat("{", 300) + "\n",
		strings.Repeat("key: value\n", 300),
		"a:\n" + strings.Repeat("- name: x\n  type: int\n", 300),
	}
	src, err := os.ReadFile("testdata/schema.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests = append(tests, string(src))
	for i, src := range tests {
		if tk := scanNesting([]byte(src), 100); tk != nil {
			t.Errorf("%d: refused at %d:%d", i, tk.Position.Line, tk.Position.Column)
		}
	}
}

// TestBinaryInput checks that a binary file gives one short error line
// without the file's bytes in it.
func TestBinaryInput(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := range 20 {
		src := make([]byte, 16<<10)
		r.Read(src)
		_, err := Decode("blob.yaml", src)
		if err == nil {
			t.Fatalf("%d: no error", i)
		}
		msg := err.Error()
		if len(msg) > 300 || strings.ContainsFunc(msg, unicode.IsControl) || strings.ContainsRune(msg, '\uFFFD') {
			t.Errorf("%d: error of %d bytes: %q", i, len(msg), msg[:min(len(msg), 400)])
		}
	}
}
