package devdb

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// rights reads what the session can do: whether its current user is a
// superuser, and its session user.
func rights(t *testing.T, conn *pgx.Conn) (super bool, session string) {
	t.Helper()
	err := conn.QueryRow(t.Context(), `SELECT r.rolsuper, session_user FROM pg_roles r WHERE r.rolname = current_user`).Scan(&super, &session)
	if err != nil {
		t.Fatal(err)
	}
	return super, session
}

// TestApplierHasNoSuperuserRights: on every kind of dev server, the
// applying role's session cannot become a superuser, nor reach files or
// programs of the server, whatever it runs; the scratch database is its
// own. Trusted, it is the superuser.
func TestApplierHasNoSuperuserRights(t *testing.T) {
	s := start(t, Options{})
	own, err := Open(t.Context(), "embedded", Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	byURL, err := Open(t.Context(), s.ConnString("postgres"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer byURL.Close()
	devs := map[string]*Dev{"embedded": own, "url": byURL, "new dev": NewDev(s)}
	for name, dev := range devs {
		t.Run(name, func(t *testing.T) {
			sc, err := dev.Scratch(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			applier, err := sc.Applier(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			conn := connect(t, applier)
			if super, _ := rights(t, conn); super {
				t.Fatal("the applying role is a superuser")
			}
			for _, sql := range []string{"RESET ROLE", "SET SESSION AUTHORIZATION DEFAULT", "RESET SESSION AUTHORIZATION"} {
				if _, err := conn.Exec(t.Context(), sql); err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
				if super, _ := rights(t, conn); super {
					t.Errorf("superuser after %s", sql)
				}
			}
			supers := []string{bootstrapRole}
			if dev == own {
				supers = []string{adminRole, renamedBootstrap}
			}
			for _, r := range supers {
				for _, sql := range []string{"SET ROLE " + r, "SET SESSION AUTHORIZATION " + r} {
					if _, err := conn.Exec(t.Context(), sql); err == nil {
						t.Errorf("%s: no error", sql)
					}
					if super, _ := rights(t, conn); super {
						t.Errorf("superuser after %s", sql)
					}
				}
			}
			for _, sql := range []string{
				"COPY (SELECT 1) TO PROGRAM 'true'", "SELECT pg_read_file('PG_VERSION')", "SELECT pg_ls_dir('.')",
				"CREATE ROLE x SUPERUSER", "GRANT pg_execute_server_program TO CURRENT_USER", "ALTER SYSTEM SET work_mem = '1MB'",
			} {
				_, err := conn.Exec(t.Context(), sql)
				var pgErr *pgconn.PgError
				if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
					t.Errorf("%s: %v, want insufficient_privilege", sql, err)
				}
			}
			for _, sql := range []string{"CREATE SCHEMA app", "CREATE EXTENSION pg_trgm", "CREATE TABLE app.t (a text)"} {
				if _, err := conn.Exec(t.Context(), sql); err != nil {
					t.Errorf("%s: %v", sql, err)
				}
			}
			conn.Close(t.Context())
			if err := sc.Close(t.Context()); err != nil {
				t.Fatal(err)
			}
		})
	}
	// The roles of the scratch databases go with them.
	admin := connect(t, s.ConnString("postgres"))
	var left []string
	rows, _ := admin.Query(t.Context(), "SELECT rolname FROM pg_roles WHERE rolname LIKE $1", ScratchPrefix+"%")
	left, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("roles left behind: %v", left)
	}

	trusted, err := Open(t.Context(), s.ConnString("postgres"), Options{Trusted: true})
	if err != nil {
		t.Fatal(err)
	}
	defer trusted.Close()
	sc, err := trusted.Scratch(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	applier, err := sc.Applier(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if super, _ := rights(t, connect(t, applier)); !super || !strings.Contains(applier, "postgres@") {
		t.Errorf("trusted: applier %s is not the superuser", applier)
	}
}
