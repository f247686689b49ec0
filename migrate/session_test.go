package migrate

import (
	"os/exec"
	"testing"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/sqlq"
)

// A database whose own settings turn standard_conforming_strings off and
// point search_path elsewhere runs revisions as they were written: the
// runner and the --sql script pin both.
func TestPinnedSessionSettings(t *testing.T) {
	t.Parallel()
	r := rev("aaaa01")
	r.Up = []Statement{
		{SQL: "CREATE TABLE s (v text)"}, // public, as the usual search_path reads it
		{SQL: `INSERT INTO s VALUES ('a\b')`},
		{SQL: `DO $$ BEGIN
    IF (SELECT v FROM s) <> 'a' || chr(92) || 'b' THEN
        RAISE EXCEPTION 'the literal was read as %', (SELECT v FROM s);
    END IF;
END $$`},
	}
	r.Down = []Statement{{SQL: "DROP TABLE s"}}
	for _, tt := range []struct {
		name string
		run  func(t *testing.T, url string, d *Dir)
	}{
		{"runner", func(t *testing.T, url string, d *Dir) {
			conn := devdbtest.Connect(t, url)
			if _, err := Upgrade(t.Context(), conn, d, "head", nil); err != nil {
				t.Fatal(err)
			}
			// The session's own settings are back after the run.
			var scs, path string
			if err := conn.QueryRow(t.Context(), "SELECT current_setting('standard_conforming_strings'), current_setting('search_path')").Scan(&scs, &path); err != nil {
				t.Fatal(err)
			}
			if scs != "off" || path != "elsewhere" {
				t.Errorf("session settings after the run: standard_conforming_strings %s, search_path %s", scs, path)
			}
		}},
		{"script", func(t *testing.T, url string, d *Dir) {
			psql, err := exec.LookPath("psql")
			if err != nil {
				t.Skip("no psql")
			}
			script, err := Script(d, "", "head", Up, nil)
			if err != nil {
				t.Fatal(err)
			}
			psqlRun(t, psql, url, script)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			url := devdbtest.NewDatabase(t)
			admin := devdbtest.Connect(t, url)
			var db string
			if err := admin.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{
				"CREATE SCHEMA elsewhere",
				"ALTER DATABASE " + sqlq.Ident(db) + " SET standard_conforming_strings = off",
				"ALTER DATABASE " + sqlq.Ident(db) + " SET search_path = elsewhere",
			} {
				if _, err := admin.Exec(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
			tt.run(t, url, memDir(t, r))
			var v string
			if err := admin.QueryRow(ctx, "SELECT v FROM public.s").Scan(&v); err != nil {
				t.Fatal(err)
			}
			if v != `a\b` {
				t.Errorf("value %q, want %q", v, `a\b`)
			}
			wantCurrent(t, admin, "aaaa01")
		})
	}
}
