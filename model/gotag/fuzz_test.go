package gotag

import (
	"errors"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/retortdb/retort/model"
)

// FuzzParseTag feeds arbitrary tag values to every tag reader: retort's
// tokenizer and option interpreter, GORM's settings and bun's tag parser.
// None may panic, and the tokenizer's items must be where it says they
// are.
func FuzzParseTag(f *testing.F) {
	for _, s := range []string{
		"", ",", "id,pk", ",pk:2,identity:always", ",type:numeric(10,2),default:'a,b'",
		",index:ix(pos:1,desc,where:(a > 0 AND b IN (1,2)),using:gin,include:(a, b))",
		",unique:u(pos:2,nulls_not_distinct)", ",check:c_ok((a > 0))", ",references:app.users(id),on_delete:cascade,fk:f",
		"table:app.\"Mixed, Name\",comment:'it''s',check:(a <> b),index:i(keys:(lower(a), b DESC))",
		"\"quoted\"\"name\",default:ARRAY[1, 2]", "(((", ")", "'", "\"", "[)", ",generated:(a || ',')",
		"size:255;not null;index:idx_a,priority:2,where:a IS NULL;check:c,a > 0", "users,alias:u", ",join:a=b,c=d",
		"table:t,grant:PUBLIC(select),grant:app(SELECT,INSERT,with_grant_option),grant:\"Odd, Role\"(TRUNCATE)",
		",grant:auditor(SELECT,UPDATE),grant:\"PUBLIC\"(REFERENCES,WITH GRANT OPTION)", ",grant:app(),grant:(SELECT),grant:x(ALL)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		items, err := splitItems(s)
		if err == nil {
			for _, it := range items {
				if it.off < 0 || it.off+len(it.raw) > len(s) || s[it.off:it.off+len(it.raw)] != it.raw {
					t.Fatalf("item %q not at offset %d of %q", it.raw, it.off, s)
				}
				if it.hasVal && (it.valOff < 0 || it.valOff+len(it.val) > len(s) || s[it.valOff:it.valOff+len(it.val)] != it.val) {
					t.Fatalf("value %q not at offset %d of %q", it.val, it.valOff, s)
				}
				// The value parsers must not panic on any value; what
				// they return is checked by the grammar tests.
				_, _, _ = nameAndSubs(it.val)
				_, _, _ = callForm(it.val)
				_, _, _ = qualified(it.val)
				_, _ = identList(it.val)
				_ = text(it.val)
				_ = parenExpr(it.val)
			}
		} else if se, ok := err.(*syntaxError); !ok || se.off < 0 || se.off > len(s) {
			t.Fatalf("bad syntax error %v for %q", err, s)
		}
		l := &loader{fset: token.NewFileSet()}
		tv := tagValue{tag: tagInfo{raw: `retort:"` + s + `"`, exact: true}, val: s, off: 8}
		tbl := &tableSpec{q: model.QName{Schema: "public", Name: "t"}, byField: map[string]*colSpec{}}
		if err == nil && len(items) > 0 {
			c := &colSpec{}
			c.col.Name = "c"
			tbl.cols = append(tbl.cols, c)
			l.columnName(items[0], tv)
			l.columnOptions(tbl, c, items[1:], tv)
			l.readMarker(tbl, tv)
			for _, e := range l.e.list {
				if e.Pos.Column < 0 {
					t.Fatalf("negative column in %v", e)
				}
			}
		}
		gormSettings(s)
		parseBunTag(s)
		if utf8.ValidString(s) {
			ti := tagInfo{raw: s}
			ti.lookup("retort")
		}
	})
}

// FuzzLoad loads arbitrary Go source. Load may reject it, but must not
// panic, and every error it returns must carry a position in the file;
// what it accepts, Write must write.
//
// Run it with -fuzzminimizetime=0: go/parser and regexp give noisy
// coverage, and Go's fuzzer stalls minimizing inputs whose new coverage
// does not reproduce (golang/go#51484).
func FuzzLoad(f *testing.F) {
	for _, p := range []string{"testdata/shop/shop.go", "testdata/orms/gormmodels/models.go", "testdata/orms/bunmodels/models.go"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	f.Add(grammarSrc)
	f.Add(grantsSrc)
	f.Add("package m\n\ntype T struct {\n\t_ struct{} `retort:\"table:t\"`\n\tA int `retort:\",pk,references:t(a)\"`\n}\n")
	f.Add("package m\n\nimport \"gorm.io/gorm\"\n\ntype U struct {\n\tgorm.Model\n\tP []P `gorm:\"many2many:u_p\"`\n}\n\ntype P struct{ ID uint `gorm:\"primaryKey\"` }\n")
	f.Add("package m\n\nimport \"github.com/uptrace/bun\"\n\ntype U struct {\n\tbun.BaseModel `bun:\"table:u\"`\n\tID int64 `bun:\",pk\"`\n\tV *U `bun:\"rel:belongs-to,join:id=id\"`\n}\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 1<<16 {
			return
		}
		d, err := os.MkdirTemp(dir, "")
		if err != nil {
			t.Skip(err)
		}
		defer os.RemoveAll(d)
		if err := os.WriteFile(filepath.Join(d, "m.go"), []byte(src), 0o644); err != nil {
			t.Skip(err)
		}
		s, err := Load(d, ".")
		if err != nil {
			if strings.HasPrefix(err.Error(), "gotag: pattern") {
				return // build constraints left no file
			}
			joined, ok := err.(interface{ Unwrap() []error })
			if !ok {
				t.Fatalf("Load error is not a list of positioned errors: %v", err)
			}
			for _, e := range joined.Unwrap() {
				var ge *Error
				if !errors.As(e, &ge) || ge.Pos.Filename != "m.go" || ge.Pos.Line < 1 || ge.Pos.Column < 1 {
					t.Fatalf("error without a position in m.go: %#v", e)
				}
			}
			return
		}
		if _, err := Write(s, "m"); err != nil {
			t.Fatalf("Write of a loaded schema: %v", err)
		}
	})
}
