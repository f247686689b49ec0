package yaml_test

import (
	"os"
	"testing"

	"github.com/retortdb/retort/internal/codectest"
	"github.com/retortdb/retort/model/yaml"
)

// FuzzDecode checks that no input makes Decode panic, and that whatever it
// accepts is written by Encode as text that Decode reads back to the same
// schema (but for what the format leaves to the dev server).
func FuzzDecode(f *testing.F) {
	for _, p := range []string{"testdata/schema.yaml"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("tables:\n  - name: t\n    columns: [{name: a, type: varchar(10)}]\n    primary_key: {columns: [a]}\n"))
	f.Add([]byte("schemas: [{name: app}]\ndefault_privileges:\n  - {role: r, on: TYPES}\n  - role: r\n    schema: app\n    on: tables\n    grants: [{to: PUBLIC, privileges: [SELECT]}]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := yaml.Decode("f.yaml", src)
		if err != nil {
			return
		}
		text, err := yaml.Encode(s)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		back, err := yaml.Decode("g.yaml", text)
		if err != nil {
			t.Fatalf("decode of encoded text: %v\n%s", err, text)
		}
		codectest.Lossy(s)
		codectest.Lossy(back)
		if !s.Equal(back) {
			t.Fatalf("encoded text reads back differently:\n%s\n%s", codectest.Diff(s, back), text)
		}
	})
}
