package devdb

import (
	"context"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func connect(t *testing.T, connString string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), connString)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func databaseExists(t *testing.T, admin *pgx.Conn, name string) bool {
	t.Helper()
	var exists bool
	err := admin.QueryRow(t.Context(), "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if err != nil {
		t.Fatal(err)
	}
	return exists
}

// useScratch checks that sc is an empty database that can be written to.
func useScratch(t *testing.T, sc *Scratch) *pgx.Conn {
	t.Helper()
	if !strings.HasPrefix(sc.Name(), ScratchPrefix) {
		t.Errorf("scratch name %q lacks prefix %q", sc.Name(), ScratchPrefix)
	}
	conn := connect(t, sc.ConnString())
	var db string
	if err := conn.QueryRow(t.Context(), "SELECT current_database()").Scan(&db); err != nil {
		t.Fatal(err)
	}
	if db != sc.Name() {
		t.Errorf("connected to %q, want %q", db, sc.Name())
	}
	if _, err := conn.Exec(t.Context(), "CREATE TABLE t (id int PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	return conn
}

func TestEmbeddedDev(t *testing.T) {
	dev, err := Open(t.Context(), "embedded", Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	if dev.server != nil {
		t.Fatal("Open started the server before it was needed")
	}

	a, err := dev.Scratch(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	b, err := dev.Scratch(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if a.Name() == b.Name() {
		t.Fatalf("two scratch databases named %s", a.Name())
	}
	useScratch(t, a)
	// A session left open must not keep the drop from succeeding.
	useScratch(t, b)

	server := dev.server
	admin := connect(t, server.ConnString("postgres"))
	major, err := dev.Major(t.Context())
	if err != nil || major != server.Major() {
		t.Errorf("Major = %d, %v; want %d", major, err, server.Major())
	}

	if err := b.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if databaseExists(t, admin, b.Name()) {
		t.Errorf("%s still exists after Close", b.Name())
	}
	if err := b.Close(t.Context()); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if !databaseExists(t, admin, a.Name()) {
		t.Errorf("%s gone before its Close", a.Name())
	}

	if err := dev.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(server.root); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Dev.Close left the server dir: %v", err)
	}
	if err := a.Close(t.Context()); err != nil {
		t.Errorf("Scratch.Close after Dev.Close: %v", err)
	}
	if _, err := dev.Scratch(t.Context()); err == nil {
		t.Error("Scratch after Close succeeded")
	}
	if err := dev.Close(); err != nil {
		t.Errorf("second Dev.Close: %v", err)
	}
}

func TestExternalDev(t *testing.T) {
	s := start(t, Options{})
	admin := connect(t, s.ConnString("postgres"))

	// A dbname parameter would override the path in the scratch URL.
	devURL := s.ConnString("postgres") + "&dbname=postgres"
	for _, prefix := range []string{"postgres://", "postgresql://"} {
		dev, err := Open(t.Context(), prefix+strings.TrimPrefix(devURL, "postgres://"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		major, err := dev.Major(t.Context())
		if err != nil || major != s.Major() {
			t.Errorf("Major = %d, %v; want %d", major, err, s.Major())
		}
		kept, err := dev.Scratch(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		useScratch(t, kept)
		closed, err := dev.Scratch(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if err := closed.Close(t.Context()); err != nil {
			t.Fatal(err)
		}
		if databaseExists(t, admin, closed.Name()) {
			t.Errorf("%s still exists after Close", closed.Name())
		}
		if err := dev.Close(); err != nil {
			t.Fatal(err)
		}
		if databaseExists(t, admin, kept.Name()) {
			t.Errorf("Dev.Close left %s", kept.Name())
		}
	}
	// The external server is not the Dev's to stop.
	if err := admin.Ping(t.Context()); err != nil {
		t.Errorf("server gone after Dev.Close: %v", err)
	}
}

func TestNewDevLeavesServerRunning(t *testing.T) {
	s := start(t, Options{})
	admin := connect(t, s.ConnString("postgres"))
	dev := NewDev(s)
	sc, err := dev.Scratch(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Close(); err != nil {
		t.Fatal(err)
	}
	if databaseExists(t, admin, sc.Name()) {
		t.Errorf("Dev.Close left %s", sc.Name())
	}
	if err := admin.Ping(t.Context()); err != nil {
		t.Errorf("server gone after Dev.Close: %v", err)
	}
}

func TestOpenBadURLs(t *testing.T) {
	if _, err := Open(t.Context(), "none", Options{}); !errors.Is(err, ErrNoDevServer) {
		t.Errorf("Open(none) = %v, want ErrNoDevServer", err)
	}
	for _, bad := range []string{"mysql://u:secret@h/db", "embeded", "postgres://u:secret@h:notaport/db"} {
		_, err := Open(t.Context(), bad, Options{})
		if err == nil {
			t.Errorf("Open(%q) succeeded", bad)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q) error shows the password: %v", bad, err)
		}
	}
}

func TestScratchURLKeepsParameters(t *testing.T) {
	dev, err := Open(t.Context(), "postgres://u:p%40ss@db.example:6543/app?sslmode=require&dbname=app", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := dev.scratchURL("retort_scratch_00")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/retort_scratch_00" || u.Host != "db.example:6543" || u.Query().Get("sslmode") != "require" || u.Query().Has("dbname") {
		t.Errorf("scratch URL %s", got)
	}
	if p, _ := u.User.Password(); p != "p@ss" {
		t.Errorf("scratch URL lost the password: %s", got)
	}
}
