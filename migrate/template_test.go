package migrate

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// templateRevisions are revisions whose files the default template must
// write byte for byte as Format does.
func templateRevisions() map[string]*Revision {
	created := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	return map[string]*Revision{
		"empty":               {ID: "aaaa00000001", Message: "backfill", Created: created},
		"no message, no time": {ID: "aaaa00000002", Parents: []string{"aaaa00000001"}},
		"full": {
			ID: "3f2a9c1b7d4e", Parents: []string{"1a2b3c4d5e6f", "9e8d7c6b5a4f"},
			BranchLabels: []string{"billing"}, DependsOn: []string{"0a0b0c0d0e0f"},
			Message: "add items\nDROP TABLE users; --", Created: created,
			Hazards: []string{"data-loss: drops column users.age", "lock: \n-- retort:down"},
			Up: []Statement{
				{SQL: "CREATE TABLE public.items (id bigint PRIMARY KEY, note text DEFAULT 'a;b')"},
				{SQL: "CREATE INDEX CONCURRENTLY items_note ON public.items (note)", NoTransaction: true, LockTimeout: 2 * time.Second},
				{SQL: "-- hazard: x\nUPDATE public.items SET note = 'x' -- trailing", StatementTimeout: time.Minute},
			},
			Down: []Statement{{SQL: "DROP TABLE public.items;"}},
		},
		"only down": {ID: "aaaa00000003", Message: "m", Down: []Statement{{SQL: "SELECT 1"}}},
	}
}

func TestDefaultRevisionTemplateIsFormat(t *testing.T) {
	tmpl, err := ParseRevisionTemplate(DefaultTemplateFile, DefaultRevisionTemplate)
	if err != nil {
		t.Fatal(err)
	}
	for name, rev := range templateRevisions() {
		t.Run(name, func(t *testing.T) {
			got, err := tmpl.Execute(rev, []string{"a note"})
			if err != nil {
				t.Fatal(err)
			}
			if want := Format(rev); !bytes.Equal(got, want) {
				t.Errorf("default template:\n%s\nFormat:\n%s", got, want)
			}
		})
	}
}

func TestRevisionTemplateFields(t *testing.T) {
	t.Setenv("TICKET", "OPS-42\nDROP TABLE users;")
	text := strings.Replace(DefaultRevisionTemplate, "\n-- retort:up\n",
		"-- ticket: {{env \"TICKET\"}}\n-- message again: {{.Message}}\n-- at {{.CreatedAt.Format \"2006-01-02\"}}\n"+
			"{{range .Notes}}-- note: {{.}}\n{{end}}-- {{comment \"a\\nb\"}} {{literal \"it's\"}}\n\n-- retort:up\n", 1)
	tmpl, err := ParseRevisionTemplate("t.tmpl", text)
	if err != nil {
		t.Fatal(err)
	}
	rev := templateRevisions()["full"]
	got, err := tmpl.Execute(rev, []string{"table a is dropped\nand b created"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\n-- ticket: OPS-42 DROP TABLE users;\n",
		"\n-- message again: add items DROP TABLE users; --\n",
		"\n-- at 2026-11-27\n",
		"\n-- note: table a is dropped and b created\n",
		"\n-- a b 'it''s'\n",
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("file lacks %q:\n%s", want, got)
		}
	}
	// The values folded into comments ran nowhere: the file reads back
	// with exactly the revision's statements.
	back, err := Parse("x.sql", got)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Up) != len(rev.Up) || len(back.Down) != len(rev.Down) {
		t.Errorf("read back %d up and %d down statements, want %d and %d", len(back.Up), len(back.Down), len(rev.Up), len(rev.Down))
	}
}

func TestRevisionTemplateRefused(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, wantErr string
	}{
		{"no down marker", "-- retort:down\n", "", "no -- retort:down section"},
		{"no up body", "{{.Up}}", "", "the up section has 0 statements, want 2"},
		{"down body in up", "{{.Up}}", "{{.Up}}{{.Down}}", "the up section has 3 statements, want 2"},
		{"no parents", "-- retort:parents {{join . \" \"}}", "-- parents {{join . \" \"}}", "no -- retort:parents aaaa00000001 line"},
		{"wrong id", "-- retort:revision {{.Revision}}", "-- retort:revision x{{.Revision}}", `-- retort:revision is "xbbbb00000002", want "bbbb00000002"`},
		{"no message", "-- retort:message{{with .Message}} {{.}}{{end}}", "", "no -- retort:message add items line"},
		{"unknown key", "-- retort:up\n", "-- retort:ticket 1\n-- retort:up\n", `unknown header key "ticket"`},
		{"statement in header", "-- retort:up\n", "SELECT 1;\n-- retort:up\n", "statement before -- retort:up"},
		{"unknown field", "{{.Up}}", "{{.Up}}{{.Ticket}}", "can't evaluate field Ticket"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(DefaultRevisionTemplate, tc.old) {
				t.Fatalf("default template lacks %q", tc.old)
			}
			tmpl, err := ParseRevisionTemplate("t.tmpl", strings.Replace(DefaultRevisionTemplate, tc.old, tc.new, 1))
			if err != nil {
				t.Fatal(err)
			}
			rev := &Revision{ID: "bbbb00000002", Parents: []string{"aaaa00000001"}, Message: "add items",
				Up:   []Statement{{SQL: "CREATE TABLE public.a ()"}, {SQL: "CREATE TABLE public.b ()"}},
				Down: []Statement{{SQL: "DROP TABLE public.b, public.a"}}}
			dir := t.TempDir()
			_, err = tmpl.WriteFile(dir, rev, nil, NameOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("%d files written after the error", len(entries))
			}
		})
	}
}

func TestReadRevisionTemplate(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadRevisionTemplate(filepath.Join(dir, "none.tmpl")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing template: %v, want fs.ErrNotExist", err)
	}
	bad := filepath.Join(dir, "bad.tmpl")
	if err := os.WriteFile(bad, []byte("{{.Up"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRevisionTemplate(bad); err == nil || !strings.Contains(err.Error(), "bad.tmpl") {
		t.Errorf("unparsable template: %v, want an error naming it", err)
	}
	good := filepath.Join(dir, DefaultTemplateFile)
	if err := os.WriteFile(good, []byte(DefaultRevisionTemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	tmpl, err := ReadRevisionTemplate(good)
	if err != nil {
		t.Fatal(err)
	}
	rev := templateRevisions()["full"]
	path, err := tmpl.WriteFile(dir, rev, nil, NameOptions{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, Format(rev)) {
		t.Errorf("written file differs from Format:\n%s", data)
	}
}
