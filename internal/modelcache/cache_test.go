package modelcache

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/retortdb/retort/model"
)

// TestMarshalExact round-trips values that the standard encodings do not
// give back as they were.
func TestMarshalExact(t *testing.T) {
	empty, zero, seven := "", 0, 7
	tests := []struct {
		name string
		s    *model.Schema
	}{
		{"zero", &model.Schema{}},
		{"empty and nil slices", &model.Schema{Namespaces: []model.Namespace{{Name: "a", Grants: []model.Grant{}}, {Name: "b"}}, Tables: []model.Table{}}},
		{"pointers to zero values", &model.Schema{Aggregates: []model.Aggregate{{InitCond: &empty}},
			Tables: []model.Table{{Columns: []model.Column{{Name: "c", Statistics: &zero}, {Name: "d", Statistics: &seven}}}}}},
		{"maps", &model.Schema{Unsupported: map[string]int{"x": 1, "y": 0},
			TableSizes: map[model.QName]model.TableSize{{Schema: "s", Name: "t"}: {Rows: -1, Bytes: 8192}}}},
		{"empty maps", &model.Schema{Unsupported: map[string]int{}, TableSizes: map[model.QName]model.TableSize{}}},
		{"invalid UTF-8 and line ends", &model.Schema{Namespaces: []model.Namespace{{Name: "\xff\xfe", Comment: "a\r\nb\x00"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Marshal(tt.s)
			if err != nil {
				t.Fatal(err)
			}
			var got model.Schema
			if err := Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&got, tt.s) {
				t.Errorf("round trip:\n got %#v\nwant %#v", got, *tt.s)
			}
		})
	}
}

// TestUnmarshalCorrupt cuts an encoding at every byte: each must fail,
// none may panic.
func TestUnmarshalCorrupt(t *testing.T) {
	s := &model.Schema{Namespaces: []model.Namespace{{Name: "public", Grants: []model.Grant{{Grantee: "x", Privilege: "USAGE"}}}},
		Unsupported: map[string]int{"x": 3}}
	b, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(b) {
		var got model.Schema
		if err := Unmarshal(b[:n], &got); err == nil {
			t.Errorf("cut at %d of %d: no error", n, len(b))
		}
	}
	var got model.Schema
	if err := Unmarshal(append(b, 0), &got); err == nil {
		t.Error("a byte too many: no error")
	}
}

// TestUnsupported refuses what cannot be encoded exactly.
func TestUnsupported(t *testing.T) {
	type withFunc struct{ F func() }
	type withAny struct{ A any }
	type withHidden struct{ h int }
	for _, v := range []any{&withFunc{}, &withAny{}, &withHidden{h: 1}} {
		if _, err := Marshal(v); err == nil {
			t.Errorf("Marshal(%T): no error", v)
		}
	}
	// Keys leave function fields out.
	if err := NewKey().Value("f", withFunc{F: func() {}}); err != nil {
		t.Error(err)
	}
}

// TestKey checks that keys tell their parts apart.
func TestKey(t *testing.T) {
	sum := func(parts ...string) string {
		k := NewKey()
		for i := 0; i < len(parts); i += 2 {
			k.String(parts[i], parts[i+1])
		}
		return k.Sum()
	}
	if sum("a", "bc") == sum("ab", "c") || sum("a", "b", "c", "") == sum("a", "bc") {
		t.Error("keys of different parts are equal")
	}
	if first, again := sum("a", "b"), sum("a", "b"); first != again {
		t.Error("keys of the same parts differ")
	}
	if v, err := Version(); err != nil || v == "" {
		t.Errorf("Version() = %q, %v", v, err)
	}
}

// TestGetPut stores, reads, damages and evicts entries.
func TestGetPut(t *testing.T) {
	dir := t.TempDir()
	var logged []string
	c := &Cache{Dir: filepath.Join(dir, "sub"), Debugf: func(f string, a ...any) { logged = append(logged, f) }}
	var got model.Schema
	if c.Get("k1", &got) {
		t.Fatal("hit in an empty cache")
	}
	want := &model.Schema{ServerMajor: 15, Namespaces: []model.Namespace{{Name: "public"}}}
	c.Put("k1", want)
	if !c.Get("k1", &got) || !reflect.DeepEqual(&got, want) {
		t.Fatalf("Get after Put = %v", got)
	}
	// Damaged: a miss with a debug line, never a panic or an error.
	os.WriteFile(c.path("k1"), []byte(magic+"garbage"), 0o644)
	logged = nil
	if c.Get("k1", &got) || len(logged) != 1 {
		t.Errorf("damaged entry: hit or not said (%q)", logged)
	}
	// Unwritable directory: Put says so and goes on.
	bad := &Cache{Dir: filepath.Join(dir, "file"), Debugf: c.Debugf}
	os.WriteFile(bad.Dir, nil, 0o644)
	logged = nil
	bad.Put("k", want)
	if len(logged) != 1 {
		t.Errorf("unwritable cache: not said (%q)", logged)
	}
}

// TestEvict bounds the cache: the least recently used go first, and a
// read counts as a use.
func TestEvict(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	s := &model.Schema{Namespaces: []model.Namespace{{Name: string(make([]byte, 1000))}}}
	past := time.Now().Add(-time.Hour)
	for i, k := range []string{"a", "b", "c"} {
		c.Put(k, s)
		at := past.Add(time.Duration(i) * time.Minute)
		os.Chtimes(c.path(k), at, at)
	}
	fi, _ := os.Stat(c.path("a"))
	var got model.Schema
	c.Get("a", &got) // a is now the most recently used
	c.MaxBytes = 3 * fi.Size()
	c.Put("d", s)
	for k, kept := range map[string]bool{"a": true, "b": false, "c": true, "d": true} {
		if _, err := os.Stat(c.path(k)); (err == nil) != kept {
			t.Errorf("entry %s kept: %v, want %v", k, err == nil, kept)
		}
	}
	// A temporary file of a killed writer goes once old.
	tmp := filepath.Join(c.Dir, tempPrefix+"x")
	os.WriteFile(tmp, nil, 0o644)
	os.Chtimes(tmp, past.Add(-time.Hour), past.Add(-time.Hour))
	c.Put("e", s)
	if _, err := os.Stat(tmp); err == nil {
		t.Error("an old temporary file is left")
	}
}
