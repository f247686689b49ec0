package source

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
)

// markerDir returns a directory the dev server's account may write to,
// for files that a shell command run by the server would create.
func markerDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "retort-trust-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	return dir
}

// untrustedLoaders are loaders of every kind of dev server, none trusted:
// retort's own embedded server, the tests' server as a Dev of its own
// (where roles are created) and a server given by a superuser's URL.
func untrustedLoaders(t *testing.T) map[string]*Loader {
	own := &Loader{DevURL: "embedded", Logf: t.Logf}
	newDev := &Loader{Logf: t.Logf}
	newDev.dev = devdbtest.Dev(t)
	byURL := &Loader{DevURL: devdbtest.Server(t).ConnString("postgres"), Logf: t.Logf}
	ls := map[string]*Loader{"embedded": own, "own dev": newDev, "url": byURL}
	t.Cleanup(func() {
		for _, l := range ls {
			if err := l.Close(); err != nil {
				t.Error(err)
			}
		}
	})
	return ls
}

// TestDeclaredSourcesRunWithoutSuperuser: a schema file is untrusted input
// (a pull request's). What only a superuser may do, in particular run a
// program or read a server file, fails with the statement's place and how
// to trust the file, and the program does not run; giving up the role
// (RESET ROLE, SET SESSION AUTHORIZATION) regains nothing.
func TestDeclaredSourcesRunWithoutSuperuser(t *testing.T) {
	marker := filepath.Join(markerDir(t), "ran")
	program := "COPY (SELECT 1) TO PROGRAM 'cat > " + marker + "';\n"
	tests := []struct {
		name, text string
		line       int // of the statement refused
	}{
		{"program", "CREATE TABLE t (a int);\n" + program, 2},
		{"reset role", "RESET ROLE;\nSET SESSION AUTHORIZATION DEFAULT;\n" + program, 3},
		{"set role", "SET ROLE postgres;\n" + program, 2},
		{"session authorization", "SET SESSION AUTHORIZATION postgres;\n" + program, 2},
		{"read file", "SELECT pg_read_file('PG_VERSION');\n", 1},
		{"copy from file", "CREATE TABLE f (a text);\nCOPY f FROM '/etc/passwd';\n", 2},
		{"untrusted extension", "CREATE EXTENSION dblink;\n", 1},
		{"c function", "CREATE FUNCTION f() RETURNS int LANGUAGE c AS 'libc', 'abs';\n", 1},
		{"event trigger", "CREATE FUNCTION et() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;\n" +
			"CREATE EVENT TRIGGER et ON ddl_command_start EXECUTE FUNCTION et();\n", 2},
		{"superuser role", "CREATE ROLE boss SUPERUSER;\n", 1},
	}
	for name, l := range untrustedLoaders(t) {
		t.Run(name, func(t *testing.T) {
			for _, tt := range tests {
				_, dir, err := loadText(t, l, "schema.sql", tt.text)
				if err == nil {
					t.Errorf("%s: loaded, want an error", tt.name)
					continue
				}
				msg := err.Error()
				at := dir + "schema.sql:" + string(rune('0'+tt.line)) + ":"
				// SET ROLE postgres and SET SESSION AUTHORIZATION postgres
				// are refused where postgres is the superuser; on
				// retort's own server postgres is the applying role.
				if (tt.name == "set role" || tt.name == "session authorization") && strings.HasPrefix(msg, dir+"schema.sql:1:") {
					at = dir + "schema.sql:1:"
				}
				if !strings.HasPrefix(msg, at) || !strings.Contains(msg, "SQLSTATE 42501") || !strings.Contains(msg, "--trusted") {
					t.Errorf("%s: error\n %v\nwant it at %s, SQLSTATE 42501, naming --trusted", tt.name, err, at)
				}
			}
			if _, err := os.Stat(marker); err == nil {
				t.Fatalf("the program ran: %s exists", marker)
			}
		})
	}
}

// TestTrustedDeclaredSources: with --trusted, declared sources are applied
// as the superuser, as before: what needs one loads.
func TestTrustedDeclaredSources(t *testing.T) {
	marker := filepath.Join(markerDir(t), "ran")
	l := &Loader{DevURL: devdbtest.Server(t).ConnString("postgres"), Logf: t.Logf, Trusted: true}
	defer l.Close()
	text := "CREATE EXTENSION dblink;\n" +
		"CREATE FUNCTION et() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;\n" +
		"CREATE EVENT TRIGGER et ON ddl_command_start EXECUTE FUNCTION et();\n" +
		"COPY (SELECT 1) TO PROGRAM 'cat > " + marker + "';\n"
	s, _, err := loadText(t, l, "schema.sql", text)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.EventTriggers) != 1 || len(s.Extensions) != 1 {
		t.Errorf("event triggers %+v, extensions %+v; want one of each", s.EventTriggers, s.Extensions)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("trusted: the program did not run: %v", err)
	}
}

// TestUntrustedSourcesStillLoad: what a schema may do in its own database
// needs no superuser: trusted extensions, schemas, plpgsql, owners and
// grants naming roles, which retort creates on its own server; objects
// without an owner read back owned by the role that would have applied
// them before (postgres on the embedded server, the URL's role).
func TestUntrustedSourcesStillLoad(t *testing.T) {
	text := `CREATE EXTENSION pg_trgm;
CREATE EXTENSION btree_gist;
CREATE SCHEMA app;
COMMENT ON SCHEMA public IS 'mine';
CREATE TABLE app.t (id int, name text, EXCLUDE USING gist (id WITH =));
CREATE INDEX ON app.t USING gin (name gin_trgm_ops);
CREATE FUNCTION app.f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;
CREATE TABLE app.u (id int);
`
	// Roles of the test's own: they outlive it on the shared server.
	owned := "CREATE TABLE app.o (id int);\nALTER TABLE app.o OWNER TO trust_owner;\nGRANT SELECT ON app.u TO trust_reader;\n" +
		"ALTER DEFAULT PRIVILEGES FOR ROLE trust_owner GRANT SELECT ON TABLES TO trust_reader;\n"
	run := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	for name, l := range untrustedLoaders(t) {
		t.Run(name, func(t *testing.T) {
			l.Privileges = true
			prefix := "trust_" + run + "_" + strings.ReplaceAll(name, " ", "_") + "_"
			src := text
			switch name {
			case "embedded":
				// postgres is the applying role's name there.
				src += strings.ReplaceAll(owned, "trust_", prefix) + "ALTER TABLE app.u OWNER TO postgres;\n"
			case "own dev":
				src += strings.ReplaceAll(owned, "trust_", prefix)
			}
			s, _, err := loadText(t, l, "schema.sql", src)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Extensions) != 2 || len(s.Functions) != 1 {
				t.Errorf("extensions %+v, functions %+v", s.Extensions, s.Functions)
			}
			admin := "postgres"
			owners := map[string]string{}
			for _, tb := range s.Tables {
				owners[tb.Name] = tb.Owner
			}
			if owners["t"] != admin {
				t.Errorf("owner of app.t %q, want %q: the applying role's name shows", owners["t"], admin)
			}
			if src != text {
				if owners["o"] != prefix+"owner" || owners["u"] != "postgres" {
					t.Errorf("owners %v, want o owned by %sowner, u by postgres", owners, prefix)
				}
				if len(s.DefaultPrivileges) != 1 || s.DefaultPrivileges[0].Role != prefix+"owner" {
					t.Errorf("default privileges %+v", s.DefaultPrivileges)
				}
			}
			for _, f := range s.Functions {
				if f.Owner != admin {
					t.Errorf("function %s owned by %q, want %q", f.Name, f.Owner, admin)
				}
			}
		})
	}
}

// TestReplayedMigrationsRunWithoutSuperuser: a migrations directory is
// replayed as declared sources are applied.
func TestReplayedMigrationsRunWithoutSuperuser(t *testing.T) {
	marker := filepath.Join(markerDir(t), "ran")
	dir := writeFiles(t, map[string]string{
		"20260101_000000_first.sql": "-- retort:revision 1a2b3c4d5e6f\n-- retort:message first\n-- retort:created 2026-01-01T00:00:00Z\n\n-- retort:up\n\nCREATE TABLE t (a int);\nCOPY (SELECT 1) TO PROGRAM 'cat > " + marker + "';\n\n-- retort:down\n\nDROP TABLE t;\n",
	})
	l := &Loader{DevURL: devdbtest.Server(t).ConnString("postgres"), Logf: t.Logf}
	defer l.Close()
	_, err := l.Load(t.Context(), "migrations://"+dir)
	if err == nil || !strings.Contains(err.Error(), "SQLSTATE 42501") || !strings.Contains(err.Error(), "--trusted") {
		t.Errorf("error %v, want SQLSTATE 42501 and --trusted", err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatalf("the program ran: %s exists", marker)
	}
}
