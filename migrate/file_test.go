package migrate

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/retortdb/retort/internal/sqlq"
)

const sampleFile = `-- retort:revision 3f2a9c1b7d4e
-- retort:parents 1a2b3c4d5e6f 9e8d7c6b5a4f
-- retort:branch_labels billing
-- retort:depends_on 0a0b0c0d0e0f
-- retort:message add items
-- retort:created 2026-11-27T08:00:00Z
-- retort:hazard data-loss: drops column users.age
-- retort:hazard table-rewrite: users

-- retort:up

CREATE TABLE public.items (id bigint PRIMARY KEY, note text DEFAULT 'a;b');

-- retort:no-transaction
-- retort:lock_timeout 2s
CREATE INDEX CONCURRENTLY items_note ON public.items (note);

-- keep this comment
-- retort:statement_timeout 1m0s
DO $$
BEGIN
  UPDATE public.items SET note = 'x';
END
$$;

-- retort:down

DROP TABLE public.items;
`

// TestTimeoutDirectiveZero is the regression test for a statement that
// could not turn the runner's default lock_timeout off: 0 was refused.
func TestTimeoutDirectiveZero(t *testing.T) {
	text := "-- retort:revision a1\n-- retort:message m\n\n-- retort:up\n-- retort:lock_timeout 0\n-- retort:statement_timeout 0\nSELECT 1;\n-- retort:down\nSELECT 2;\n"
	r, err := Parse("a1.sql", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Up[0]; s.LockTimeout >= 0 || s.StatementTimeout >= 0 {
		t.Fatalf("Parse: timeouts %v, %v; want off (negative)", s.LockTimeout, s.StatementTimeout)
	}
	if out := string(Format(r)); !strings.Contains(out, "-- retort:lock_timeout 0\n") || !strings.Contains(out, "-- retort:statement_timeout 0\n") {
		t.Errorf("Format does not write the directives back:\n%s", out)
	}
	if _, err := Parse("a1.sql", []byte(strings.Replace(text, "lock_timeout 0", "lock_timeout -1s", 1))); err == nil {
		t.Error("a negative duration was accepted")
	}
}

func TestParse(t *testing.T) {
	r, err := Parse("x.sql", []byte(sampleFile))
	if err != nil {
		t.Fatal(err)
	}
	want := &Revision{
		ID:           "3f2a9c1b7d4e",
		Parents:      []string{"1a2b3c4d5e6f", "9e8d7c6b5a4f"},
		BranchLabels: []string{"billing"},
		DependsOn:    []string{"0a0b0c0d0e0f"},
		Message:      "add items",
		Created:      time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC),
		Hazards:      []string{"data-loss: drops column users.age", "table-rewrite: users"},
		Up: []Statement{
			{SQL: "CREATE TABLE public.items (id bigint PRIMARY KEY, note text DEFAULT 'a;b')", Line: 12},
			{SQL: "CREATE INDEX CONCURRENTLY items_note ON public.items (note)", NoTransaction: true, LockTimeout: 2 * time.Second, Line: 16},
			{SQL: "-- keep this comment\nDO $$\nBEGIN\n  UPDATE public.items SET note = 'x';\nEND\n$$", StatementTimeout: time.Minute, Line: 20},
		},
		Down:     []Statement{{SQL: "DROP TABLE public.items", Line: 28}},
		Filename: "x.sql",
		Checksum: Checksum([]byte(sampleFile)),
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("got  %+v\nwant %+v", r, want)
	}
	if Transactional(r.Up) || !Transactional(r.Down) {
		t.Errorf("Transactional(up)=%v, Transactional(down)=%v", Transactional(r.Up), Transactional(r.Down))
	}
}

func TestFormatRoundTrip(t *testing.T) {
	revs := []*Revision{
		{ID: "aaaaaaaaaaaa", Message: "first", Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		{ID: "bbbbbbbbbbbb", Parents: []string{"aaaaaaaaaaaa"}, Message: "multi\nline   message",
			Up: []Statement{
				{SQL: "SELECT 1 -- trailing comment"},
				{SQL: "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END", StatementTimeout: 5 * time.Second},
				{SQL: "VACUUM public.t", NoTransaction: true, LockTimeout: 1500 * time.Millisecond},
			},
			Down: []Statement{{SQL: "SELECT '-- not a comment'"}}},
	}
	semi := Format(&Revision{ID: "cccccccccccc", Up: []Statement{{SQL: "SELECT 1;\n"}}})
	if r, err := Parse("s.sql", semi); err != nil || len(r.Up) != 1 || r.Up[0].SQL != "SELECT 1" {
		t.Errorf("a statement given with its semicolon: %+v, %v\n%s", r, err, semi)
	}
	for _, r := range revs {
		data := Format(r)
		got, err := Parse("f.sql", data)
		if err != nil {
			t.Fatalf("%s\n%s", err, data)
		}
		r.Message = sqlq.CommentText(r.Message)
		for _, sts := range [][]Statement{got.Up, got.Down} {
			for i := range sts {
				sts[i].Line = 0
			}
		}
		got.Filename, got.Checksum = "", ""
		if !reflect.DeepEqual(got, r) {
			t.Errorf("round trip of\n%s\ngot  %+v\nwant %+v", data, got, r)
		}
		if again := Format(got); string(again) != string(data) {
			t.Errorf("Format not stable:\n%s\n---\n%s", data, again)
		}
	}
}

// TestAllowHazardAndBackfill: the header's acknowledged hazard kinds (on
// several lines, comma-separated) and a statement's backfill directive are
// read, and written back so that they read the same.
func TestAllowHazardAndBackfill(t *testing.T) {
	text := `-- retort:revision a1
-- retort:message m
-- retort:hazard data-loss (danger): drops column public.t.c
-- retort:allow-hazard data-loss
-- retort:allow-hazard index-build, table-rewrite

-- retort:up
-- retort:backfill
-- retort:no-transaction
-- TODO: review this backfill of public.t.c, then delete this line.
DO $retort$ BEGIN UPDATE public.t SET c = NULL -- TODO: the value
; END $retort$;

-- retort:down
SELECT 1;
`
	r, err := Parse("a1.sql", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"data-loss", "index-build", "table-rewrite"}; !reflect.DeepEqual(r.AllowHazards, want) {
		t.Errorf("AllowHazards = %q, want %q", r.AllowHazards, want)
	}
	if len(r.Up) != 1 || !r.Up[0].Backfill || !r.Up[0].NoTransaction || r.Up[0].Line != 11 ||
		!strings.HasPrefix(r.Up[0].SQL, "-- TODO: review") || len(r.Down) != 1 || r.Down[0].Backfill {
		t.Fatalf("statements: %+v / %+v", r.Up, r.Down)
	}
	out := Format(r)
	if !strings.Contains(string(out), "-- retort:allow-hazard data-loss,index-build,table-rewrite\n") ||
		!strings.Contains(string(out), "-- retort:backfill\n-- retort:no-transaction\n-- TODO") {
		t.Errorf("Format:\n%s", out)
	}
	again, err := Parse("a1.sql", out)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.AllowHazards, r.AllowHazards) || !reflect.DeepEqual(again.Up, r.Up) {
		t.Errorf("round trip: %+v %+v, want %+v %+v", again.AllowHazards, again.Up, r.AllowHazards, r.Up)
	}
}

func TestParseErrors(t *testing.T) {
	head := "-- retort:revision aaaaaaaaaaaa\n"
	tests := []struct{ name, text, want string }{
		{"no revision", "-- retort:up\n-- retort:down\n", "f.sql:1: no -- retort:revision line"},
		{"no up", head + "-- retort:down\n", "no -- retort:up section"},
		{"no down", head + "-- retort:up\n", "no -- retort:down section"},
		{"bad id", "-- retort:revision a-b\n", "f.sql:1: revision id"},
		{"unknown key", head + "-- retort:colour blue\n", "f.sql:2: unknown header key \"colour\""},
		{"statement in header", head + "SELECT 1;\n", "f.sql:2: statement before -- retort:up"},
		{"duplicate key", head + "-- retort:message a\n-- retort:message b\n", "f.sql:3: second -- retort:message (first at line 2)"},
		{"bad time", head + "-- retort:created yesterday\n", "f.sql:2: created"},
		{"down before up", head + "-- retort:down\n-- retort:up\n", "f.sql:3: -- retort:up must come before"},
		{"unterminated string", head + "-- retort:up\nSELECT 1;\nSELECT 'x\n-- retort:down\n", "f.sql:4: unterminated quoted string"},
		{"unknown directive", head + "-- retort:up\n\n-- retort:fast\nSELECT 1;\n-- retort:down\n", "f.sql:4: unknown directive -- retort:fast"},
		{"bad timeout", head + "-- retort:up\n-- retort:lock_timeout soon\nSELECT 1;\n-- retort:down\n", "f.sql:3: -- retort:lock_timeout \"soon\""},
		{"dangling directive", head + "-- retort:up\nSELECT 1;\n-- retort:no-transaction\n-- retort:down\n", "f.sql:4: directive before no statement"},
		{"dangling backfill", head + "-- retort:up\nSELECT 1;\n-- retort:backfill\n-- retort:down\n", "f.sql:4: directive before no statement"},
		{"backfill value", head + "-- retort:up\n-- retort:backfill yes\nSELECT 1;\n-- retort:down\n", "f.sql:3: -- retort:backfill takes no value"},
		{"bad allow-hazard", head + "-- retort:message m\n-- retort:allow-hazard data-loss, Index Build\n", "f.sql:3: allow-hazard"},
		{"empty allow-hazard", head + "-- retort:allow-hazard\n", "f.sql:2: allow-hazard"},
		{"allow-hazard trailing comma", head + "-- retort:allow-hazard data-loss,\n", "f.sql:2: allow-hazard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.sql", []byte(tt.text))
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want a ParseError containing %q", err, tt.want)
			}
		})
	}
}

func TestSlug(t *testing.T) {
	// Expected values are what Alembic's Script._rev_path makes.
	tests := []struct{ msg, want string }{
		{"add items", "add_items"},
		{"Add Items!", "add_items"},
		{"create user's table (v2)", "create_user_s_table_v2"},
		{"this is a very long message that goes past the forty character limit", "this_is_a_very_long_message_that_goes_"},
		{"Café Crème", "café_crème"},
		{"  ", ""},
		{"snake_case_already", "snake_case_already"},
		{"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyzabcdefghijklmn_"},
		{"drop users.age -- data loss", "drop_users_age_data_loss"},
	}
	for _, tt := range tests {
		if got := Slug(tt.msg, 40); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.msg, got, tt.want)
		}
	}
}

func TestFileName(t *testing.T) {
	r := &Revision{ID: "3f2a9c1b7d4e", Message: "Add items!", Created: time.Date(2026, 3, 7, 23, 5, 9, 0, time.UTC)}
	tests := []struct {
		opts NameOptions
		want string
	}{
		{NameOptions{}, "20260307_230509_add_items.sql"},
		{NameOptions{FileTemplate: "%(rev)s_%(slug)s"}, "3f2a9c1b7d4e_add_items.sql"},
		{NameOptions{FileTemplate: "%(year)d-%(month)d-%(day)d_%%_%(epoch)s"}, "2026-3-7_%_1772924709.sql"},
		{NameOptions{FileTemplate: "%(year)d%(month).2d%(day).2d%(hour).2d", Timezone: "Asia/Tokyo"}, "2026030808.sql"},
		{NameOptions{FileTemplate: "%(slug)s", TruncateSlugLength: 5}, "add_.sql"},
		{NameOptions{FileTemplate: "%(minute)3d|%(second)-3d|%(hour)03d"}, "  5|9  |023.sql"},
	}
	for _, tt := range tests {
		got, err := FileName(r, tt.opts)
		if err != nil || got != tt.want {
			t.Errorf("FileName(%+v) = %q, %v; want %q", tt.opts, got, err, tt.want)
		}
	}
	for _, bad := range []NameOptions{{FileTemplate: "%(nope)s"}, {FileTemplate: "a/%(slug)s"}, {FileTemplate: "%(slug)x"}, {Timezone: "Mars/Base"}} {
		if got, err := FileName(r, bad); err == nil {
			t.Errorf("FileName(%+v) = %q, want an error", bad, got)
		}
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	created := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	a := &Revision{ID: "aaaaaaaaaaaa", Message: "same", Created: created}
	b := &Revision{ID: "bbbbbbbbbbbb", Parents: []string{"aaaaaaaaaaaa"}, Message: "same", Created: created}
	pa, err := WriteFile(dir, a, NameOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pb, err := WriteFile(dir, b, NameOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(pa) != "20261127_080000_same.sql" || filepath.Base(pb) != "20261127_080000_same_bbbbbbbbbbbb.sql" {
		t.Errorf("paths %s, %s", pa, pb)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("%d files in the directory, want 2 (no temporary file left)", len(entries))
	}
	d, err := ReadDir(os.DirFS(dir), ".")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Heads(); !reflect.DeepEqual(got, []string{"bbbbbbbbbbbb"}) {
		t.Errorf("heads %v", got)
	}
	if _, err := WriteFile(dir, b, NameOptions{}); !errors.Is(err, os.ErrExist) {
		t.Errorf("third write: %v, want ErrExist", err)
	}
	id, err := NewID(d)
	if err != nil || len(id) != 12 || !ValidID(id) || d.Revision(id) != nil {
		t.Errorf("NewID = %q, %v", id, err)
	}
}

func TestNewRevision(t *testing.T) {
	d := graph(t, "aaaa01", "bbbb01 aaaa01", "cccc01 aaaa01")
	if _, err := NewRevision(d, "", "x", nil); err == nil || !strings.Contains(err.Error(), "several heads (bbbb01, cccc01)") {
		t.Errorf("several heads: %v", err)
	}
	m, err := NewRevision(d, "", "merge", []string{"bbbb01", "cccc"})
	if err != nil || !reflect.DeepEqual(m.Parents, []string{"bbbb01", "cccc01"}) || len(m.ID) != 12 {
		t.Fatalf("merge: %+v, %v", m, err)
	}
	if _, err := NewRevision(d, "aaaa01", "x", []string{"bbbb01"}); err == nil {
		t.Error("taken id accepted")
	}
	first, err := NewRevision(nil, "first_one", "first", nil)
	if err != nil || len(first.Parents) != 0 || first.ID != "first_one" {
		t.Errorf("first: %+v, %v", first, err)
	}
	d2 := graph(t, "aaaa01", "bbbb01 aaaa01")
	r, err := NewRevision(d2, "", "next", nil)
	if err != nil || !reflect.DeepEqual(r.Parents, []string{"bbbb01"}) {
		t.Errorf("next: %+v, %v", r, err)
	}
}
