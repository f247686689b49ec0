package hcl_test

import (
	"os"
	"testing"

	"github.com/retortdb/retort/internal/codectest"
	"github.com/retortdb/retort/model/hcl"
)

// FuzzDecode checks that no input makes Decode panic, and that whatever it
// accepts is written by Encode as text that Decode reads back to the same
// schema (but for what the format leaves to the dev server).
func FuzzDecode(f *testing.F) {
	for _, p := range []string{"testdata/atlas.hcl"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`table "t" {
  column "a" { type = varchar(10) }
  primary_key { columns = [column.a] }
}`))
	f.Add([]byte(`schema "app" {}
default_privileges {
  role = "r"
  on   = types
}
default_privileges {
  role   = "r"
  schema = schema.app
  on     = TABLES
  grant {
    to         = PUBLIC
    privileges = [SELECT]
    grantable  = true
  }
}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := hcl.Decode("f.hcl", src)
		if err != nil {
			return
		}
		text, err := hcl.Encode(s)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		back, err := hcl.Decode("g.hcl", text)
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
