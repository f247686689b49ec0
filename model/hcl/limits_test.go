package hcl

import (
	"math/rand"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/retortdb/retort/model/internal/codec"
)

// decodeMeasured decodes src in a goroutine, failing the test if that takes
// longer than a few seconds, and returns the bytes allocated and the error.
func decodeMeasured(t *testing.T, src []byte) (uint64, error) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	done := make(chan error, 1)
	go func() {
		_, err := Decode("deep.hcl", src)
		done <- err
	}()
	select {
	case err := <-done:
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc, err
	case <-time.After(10 * time.Second):
		t.Fatal("Decode did not return within 10 s")
		return 0, nil
	}
}

// TestNestingLimit checks that deeply nested input is refused before the
// parser builds (or recurses into) it: quickly, in little memory, at the
// place where the limit is passed. Today 80 KB of [ overflows the stack.
func TestNestingLimit(t *testing.T) {
	const n = 80 << 10
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"brackets", "a = " + strings.Repeat("[", n), "deep.hcl:1:105: nested more than 100 levels deep"},
		{"parentheses", "a = " + strings.Repeat("(", n), "deep.hcl:1:105: nested more than 100 levels deep"},
		{"objects", "a = " + strings.Repeat("{a=", n/3), "deep.hcl:1:305: nested more than 100 levels deep"},
		{"blocks", strings.Repeat("a {\n", n/4), "deep.hcl:101:3: nested more than 100 levels deep"},
		{"templates", `a = "` + strings.Repeat(`${"`, n/3), "deep.hcl:1:155: nested more than 100 levels deep"},
		{"template directives", `a = "` + strings.Repeat(`%{if a}`, n/7), "deep.hcl:1:692: nested more than 100 levels deep"},
		{"unary operators", "a = " + strings.Repeat("!", n) + "true", "deep.hcl:1:105: nested more than 100 levels deep"},
		{"negations", "a = " + strings.Repeat("-", n) + "1", "deep.hcl:1:105: nested more than 100 levels deep"},
		{"conditionals", "a = " + strings.Repeat("x ? y : ", n/8) + "1", "deep.hcl:1:807: nested more than 100 levels deep"},
		{"closers in strings", "a = [" + strings.Repeat(`"]", [`, n/6), "deep.hcl:1:600: nested more than 100 levels deep"},
		{"closers in heredocs", "a = [" + strings.Repeat("<<E\n]\nE\n, [", n/10), "deep.hcl:298:4: nested more than 100 levels deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			alloc, err := decodeMeasured(t, []byte(tt.src))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
			if alloc > 50<<20 {
				t.Errorf("allocated %d MB, want under 50", alloc>>20)
			}
		})
	}
}

// TestNestingAllowed checks that what nests within the limit, with
// closers and openers inside strings, heredocs and comments, is not
// refused by the pre-scan.
func TestNestingAllowed(t *testing.T) {
	deep := strings.Repeat("[", 99) + strings.Repeat("]", 99)
	tests := []string{
		"a = " + deep,
		"a = \"" + strings.Repeat("[(", 300) + "\"\n",
		"# " + strings.Repeat("[", 300) + "\n// " + strings.Repeat("{", 300) + "\n/* " + strings.Repeat("(", 300) + " */\n",
		"a = <<EOT\n" + strings.Repeat("[{(", 300) + "\n  EOT\n",
		"a = <<-EOT\n  $${" + strings.Repeat("[", 300) + "\n  EOT\n",
		"a = \"\\\"" + strings.Repeat("[", 300) + "\"\n",
		"a = [" + strings.Repeat("-1, ", 300) + "]\n",
		strings.Repeat("b = -1\nc = !true\n", 300),
		"a = [" + strings.Repeat("column.my-col-name-with-dashes, ", 300) + "]\n",
	}
	for i, src := range tests {
		if at, over := scanNesting([]byte(src), 100); over {
			t.Errorf("%d: refused at byte %d: %.60q", i, at, src[at:])
		}
	}
	for _, p := range []string{"testdata/atlas.hcl", "testdata/partitions.hcl"} {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if at, over := scanNesting(src, 20); over {
			t.Errorf("%s: refused at byte %d with a limit of 20", p, at)
		}
	}
}

// lexDepth is how deep src nests by HCL's own tokens.
func lexDepth(src []byte) int {
	tokens, _ := hclsyntax.LexConfig(src, "f.hcl", hcl.InitialPos)
	closes := map[hclsyntax.TokenType][]hclsyntax.TokenType{
		hclsyntax.TokenCBrace:         {hclsyntax.TokenOBrace},
		hclsyntax.TokenCBrack:         {hclsyntax.TokenOBrack},
		hclsyntax.TokenCParen:         {hclsyntax.TokenOParen},
		hclsyntax.TokenCQuote:         {hclsyntax.TokenOQuote},
		hclsyntax.TokenCHeredoc:       {hclsyntax.TokenOHeredoc},
		hclsyntax.TokenTemplateSeqEnd: {hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl},
	}
	var stack []hclsyntax.TokenType
	depth := 0
	for _, tk := range tokens {
		switch tk.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen, hclsyntax.TokenOQuote,
			hclsyntax.TokenOHeredoc, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			stack = append(stack, tk.Type)
			depth = max(depth, len(stack))
		default:
			if opens, ok := closes[tk.Type]; ok && len(stack) > 0 {
				for _, o := range opens {
					if stack[len(stack)-1] == o {
						stack = stack[:len(stack)-1]
						break
					}
				}
			}
		}
	}
	return depth
}

// FuzzNesting checks the pre-scan against HCL's own scanner: whatever the
// tokens nest, the pre-scan counts at least as deep.
func FuzzNesting(f *testing.F) {
	for _, s := range []string{
		`a = [[["]]]", "${[[["]"]}"]]]`,
		"a = <<EOT\n]]]\nEOT\nb = [[[]]]",
		"a = <<-EOT\n  ${[\"\n]\"]}EOT\n  EOT\n]",
		`a = "\"]]" [[[`,
		`a = "$${" [[ "%%{" ((`,
		`a = "%{ if x }[[%{ endif }" [[`,
		"/* ]] */ [[ /* [[",
		"# ]]\n[[ // ]]\n[[",
		"a = {\n b = [\n ~} ]]] [[[",
		"a = \"x\\\n]]\" [[",
		"a = \"\\\"\"[[",
		"a = <<Ǆ\n]]\nǄ\n[[",
		"a = <<_\r\n]]\r\n_\r\n[[[",
		"a = \"${ { } }\" [[",
		"a = \"${ {]} }\" [[",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 4096 || codec.CheckText("f.hcl", src) != nil {
			return // what is not text never reaches the pre-scan
		}
		d := lexDepth(src)
		if d == 0 {
			return
		}
		if _, over := scanNesting(src, d-1); !over {
			t.Errorf("tokens nest %d deep, the pre-scan counts fewer: %q", d, src)
		}
	})
}

// TestBinaryInput checks that a binary file gives one short error line, not
// one diagnostic per byte with the bytes in it (13 KB before).
func TestBinaryInput(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := range 20 {
		src := make([]byte, 16<<10)
		r.Read(src)
		_, err := Decode("blob.hcl", src)
		if err == nil {
			t.Fatalf("%d: no error", i)
		}
		msg := err.Error()
		if len(msg) > 300 || strings.ContainsFunc(msg, unicode.IsControl) || strings.ContainsRune(msg, '\uFFFD') {
			t.Errorf("%d: error of %d bytes: %q", i, len(msg), msg[:min(len(msg), 400)])
		}
	}
}
