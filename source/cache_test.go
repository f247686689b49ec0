package source

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/sharedtest"
	"github.com/retortdb/retort/migrate"
	"github.com/retortdb/retort/model"
)

// debugLog records a Loader's debug lines.
type debugLog struct {
	mu    sync.Mutex
	lines []string
}

func (d *debugLog) debugf(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lines = append(d.lines, fmt.Sprintf(format, args...))
}

// count returns how many lines hold s, and forgets them all.
func (d *debugLog) count(s string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, l := range d.lines {
		if strings.Contains(l, s) {
			n++
		}
	}
	d.lines = nil
	return n
}

// cachedLoader returns a Loader on the shared test server that caches in
// dir, and its debug log.
func cachedLoader(t *testing.T, dir string) (*Loader, *debugLog) {
	t.Helper()
	d := &debugLog{}
	l := &Loader{DevURL: devdbtest.Server(t).ConnString("postgres"), Logf: t.Logf, Debugf: d.debugf, Cache: true, CacheDir: dir}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	})
	return l, d
}

// writeMigrations writes a linear history, one revision per up script.
func writeMigrations(t *testing.T, dir string, ups ...string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	parent := ""
	for i, up := range ups {
		rev := &migrate.Revision{ID: fmt.Sprintf("%012x", 0xb00000000000+i), Message: fmt.Sprintf("step %d", i),
			Created: time.Date(2026, 1, 1, 0, i, 0, 0, time.UTC), Up: []migrate.Statement{{SQL: up}}}
		if parent != "" {
			rev.Parents = []string{parent}
		}
		if _, err := migrate.WriteFile(dir, rev, migrate.NameOptions{}); err != nil {
			t.Fatal(err)
		}
		parent = rev.ID
	}
}

// TestCacheGivesWhatALoadGives loads real sources with the cache cold, then
// warm in a new Loader: the second load must not apply anything and must
// give exactly the schema of the first, every field alike (nil and empty,
// table sizes, rename hints).
func TestCacheGivesWhatALoadGives(t *testing.T) {
	pagila := sharedtest.Schema(t, "pagila.sql")
	text, err := os.ReadFile(pagila)
	if err != nil {
		t.Fatal(err)
	}
	migrations := filepath.Join(t.TempDir(), "migrations")
	// pagila in two revisions, cut between two statements.
	cut := strings.Index(string(text), "\nCREATE TABLE public.film ")
	if cut < 0 {
		t.Fatal("pagila.sql has no CREATE TABLE public.film")
	}
	writeMigrations(t, migrations, string(text[:cut]), string(text[cut:]))
	hcl := filepath.Join(t.TempDir(), "s.hcl")
	os.WriteFile(hcl, []byte(`schema "public" {}
table "public" "t" {
  renamed_from = "old_t"
  column "id" {
    type = "integer"
    null = false
  }
  column "role" {
    type = "character varying(10)"
  }
  check "t_role_check" {
    expr = "role IN ('a', 'b')"
  }
}
`), 0o644)

	for _, src := range []string{pagila, "migrations://" + migrations, hcl} {
		t.Run(filepath.Base(src), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			// pagila names its owner, postgres, which the shared
			// server's applying role cannot become.
			cold, d := cachedLoader(t, dir)
			cold.Trusted = true
			want, err := cold.Load(t.Context(), src)
			if err != nil {
				t.Fatal(err)
			}
			if d.count("cache miss") != 1 {
				t.Fatalf("cold load: no cache miss said")
			}
			warm, d := cachedLoader(t, dir)
			warm.Trusted = true
			got, err := warm.Load(t.Context(), src)
			if err != nil {
				t.Fatal(err)
			}
			if d.count("cache hit") != 1 {
				t.Fatalf("warm load: no cache hit said")
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("the cached schema differs from the loaded one")
			}
			if !got.Equal(want) {
				t.Errorf("the cached schema is not Equal to the loaded one")
			}
			if warm.probe == nil || warm.probe.sc != nil {
				if filepath.Ext(src) != "" {
					t.Errorf("a hit of a declared source made its scratch database, or no probe")
				}
			}
		})
	}
}

// TestCacheKey changes one input or one option at a time: each is a miss,
// and going back is a hit again.
func TestCacheKey(t *testing.T) {
	dir := t.TempDir()
	schema := filepath.Join(dir, "schema.sql")
	const text = "CREATE TABLE t (id integer PRIMARY KEY, note text);\n"
	migrations := filepath.Join(dir, "migrations")
	writeMigrations(t, migrations, text)
	cache := t.TempDir()

	tests := []struct {
		name   string
		src    string
		change func(l *Loader)
		undo   func()
	}{
		{name: "same", src: schema},
		{name: "one byte of the file", src: schema,
			change: func(*Loader) { os.WriteFile(schema, []byte(strings.Replace(text, "note", "nota", 1)), 0o644) },
			undo:   func() { os.WriteFile(schema, []byte(text), 0o644) }},
		{name: "privileges", src: schema, change: func(l *Loader) { l.Privileges = true }},
		{name: "trusted", src: schema, change: func(l *Loader) { l.Trusted = true }},
		{name: "schemas", src: schema, change: func(l *Loader) { l.Inspect.Schemas = []string{"public"} }},
		{name: "excluded schemas", src: schema, change: func(l *Loader) { l.Inspect.Exclude = []string{"x"} }},
		{name: "version table", src: "migrations://" + migrations, change: func(l *Loader) { l.Migrate.VersionTable = "v" }},
		{name: "layout", src: "migrations://" + migrations, change: func(l *Loader) { l.Layout = "native" }},
		{name: "a migration file", src: "migrations://" + migrations,
			change: func(*Loader) { os.WriteFile(filepath.Join(migrations, "notes.txt"), []byte("x"), 0o644) },
			undo:   func() { os.Remove(filepath.Join(migrations, "notes.txt")) }},
	}
	os.WriteFile(schema, []byte(text), 0o644)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			load := func(change func(*Loader)) *debugLog {
				l, d := cachedLoader(t, cache)
				if change != nil {
					change(l)
				}
				if _, err := l.Load(t.Context(), tt.src); err != nil {
					t.Fatal(err)
				}
				return d
			}
			load(nil) // warm, whatever ran before
			if d := load(nil); d.count("cache hit") != 1 {
				t.Fatal("the same load again is not a hit")
			}
			if tt.change == nil {
				return
			}
			if d := load(tt.change); d.count("cache miss") != 1 {
				t.Errorf("after changing %s: not a miss", tt.name)
			}
			if tt.undo != nil {
				tt.undo()
			}
			if d := load(nil); d.count("cache hit") != 1 {
				t.Errorf("back from changing %s: not a hit", tt.name)
			}
		})
	}
}

// TestCacheDamagedEntry spoils the entry in several ways: each is a miss
// said on the debug log, the load succeeds and stores a good entry again.
func TestCacheDamagedEntry(t *testing.T) {
	schema := filepath.Join(t.TempDir(), "schema.sql")
	os.WriteFile(schema, []byte("CREATE TABLE t (id integer PRIMARY KEY);\n"), 0o644)
	cache := t.TempDir()
	spoil := map[string]func([]byte) []byte{
		"cut short":   func(b []byte) []byte { return b[:len(b)/2] },
		"a bit flips": func(b []byte) []byte { b[len(b)-3] ^= 1; return b },
		"empty":       func([]byte) []byte { return nil },
		"other magic": func(b []byte) []byte { return append([]byte("retort-modelcache-0\n"), b[20:]...) },
	}
	for name, f := range spoil {
		t.Run(name, func(t *testing.T) {
			l, _ := cachedLoader(t, cache)
			want, err := l.Load(t.Context(), schema)
			if err != nil {
				t.Fatal(err)
			}
			entries, _ := filepath.Glob(filepath.Join(cache, "*.bin"))
			if len(entries) != 1 {
				t.Fatalf("%d entries, want 1", len(entries))
			}
			b, _ := os.ReadFile(entries[0])
			os.WriteFile(entries[0], f(b), 0o644)
			l, d := cachedLoader(t, cache)
			got, err := l.Load(t.Context(), schema)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Error("after a damaged entry, the load differs")
			}
			if d.count("loading afresh") != 1 {
				t.Error("the damaged entry is not said on the debug log")
			}
			l, d = cachedLoader(t, cache)
			if _, err := l.Load(t.Context(), schema); err != nil || d.count("cache hit") != 1 {
				t.Errorf("the entry is not written again (%v)", err)
			}
		})
	}
}

// TestCacheProbe checks the fixpoint probe on a hit: made (by applying the
// declared source again) only when an expression needs it, and then
// reconciling exactly as it does after a cold load.
func TestCacheProbe(t *testing.T) {
	dir := t.TempDir()
	schema := filepath.Join(dir, "schema.sql")
	os.WriteFile(schema, []byte("CREATE TABLE public.u (id integer PRIMARY KEY, role varchar(10) CHECK (role IN ('a', 'b')));\n"), 0o644)
	plain := filepath.Join(dir, "plain")
	writeMigrations(t, plain, "CREATE TABLE public.u (id integer PRIMARY KEY, role varchar(10) CHECK (role IN ('a', 'b')))")
	cache := t.TempDir()

	cold, _ := cachedLoader(t, cache)
	declared, err := cold.Load(t.Context(), schema)
	if err != nil {
		t.Fatal(err)
	}
	// A migration that applies the check as PostgreSQL prints it, which
	// reads back in its second spelling: the same at the fixpoint.
	var def string
	for _, c := range declared.Tables[0].Constraints {
		if c.Type == model.Check {
			def = c.Definition
		}
	}
	respelled := filepath.Join(dir, "respelled")
	writeMigrations(t, respelled, "CREATE TABLE public.u (id integer PRIMARY KEY, role varchar(10), CONSTRAINT u_role_check "+def+")")

	tests := []struct {
		migrations string
		reconciled int
		probe      bool // whether a hit must make the probe
	}{
		{plain, 0, false},
		{respelled, 1, true},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.migrations), func(t *testing.T) {
			for _, mode := range []string{"no cache", "cold", "warm"} {
				l, d := cachedLoader(t, cache)
				l.Cache = mode != "no cache"
				from, to, err := l.LoadPair(t.Context(), "migrations://"+tt.migrations, schema)
				if err != nil {
					t.Fatal(err)
				}
				n, err := l.Reconcile(t.Context(), from, to)
				if err != nil {
					t.Fatal(err)
				}
				if n != tt.reconciled {
					t.Errorf("%s: Reconcile = %d, want %d", mode, n, tt.reconciled)
				}
				if mode != "warm" {
					continue
				}
				made := d.count("applied again for the fixpoint probe") == 1
				if made != tt.probe {
					t.Errorf("probe made on a hit: %v, want %v", made, tt.probe)
				}
			}
		})
	}
}

// TestLoadPairErrors checks that LoadPair fails as two Loads in a row
// would: a's error first, b's when only b fails.
func TestLoadPairErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.sql")
	os.WriteFile(good, []byte("CREATE TABLE t (id integer);\n"), 0o644)
	bad := filepath.Join(dir, "bad.sql")
	os.WriteFile(bad, []byte("CREATE TABLE t (id nosuchtype);\n"), 0o644)
	worse := filepath.Join(dir, "worse.sql")
	os.WriteFile(worse, []byte("CREATE TABLE t (id integer REFERENCES nowhere);\n"), 0o644)

	tests := []struct{ a, b string }{
		{good, good},
		{bad, worse},
		{worse, bad},
		{good, bad},
		{bad, good},
		{"nonsense", good},
		{good, "nonsense"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.a)+"+"+filepath.Base(tt.b), func(t *testing.T) {
			t.Parallel()
			seq := sqlLoader(t)
			wantA, errA := seq.Load(t.Context(), tt.a)
			var wantB *model.Schema
			var wantErr error = errA
			if errA == nil {
				wantB, wantErr = seq.Load(t.Context(), tt.b)
			}
			l := sqlLoader(t)
			a, b, err := l.LoadPair(t.Context(), tt.a, tt.b)
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Fatalf("LoadPair error = %v, want %v", err, wantErr)
			}
			if err != nil {
				if (a != nil) != (errA == nil) || b != nil {
					t.Errorf("LoadPair failing gave schemas a %v, b %v", a != nil, b != nil)
				}
				return
			}
			if !reflect.DeepEqual(a, wantA) || !reflect.DeepEqual(b, wantB) {
				t.Error("LoadPair's schemas differ from Load's")
			}
			if l.probe == nil || l.probe.schema != b {
				t.Error("the probe is not b's")
			}
		})
	}
}
