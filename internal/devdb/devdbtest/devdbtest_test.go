package devdbtest_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
)

func TestMain(m *testing.M) { devdbtest.Main(m) }

func dbName(t *testing.T, connString string) string {
	t.Helper()
	u, err := url.Parse(connString)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

func TestNewDatabaseParallel(t *testing.T) {
	var mu sync.Mutex
	var names []string
	var admin string
	t.Run("group", func(t *testing.T) {
		for i := range 8 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				connString := devdbtest.NewDatabase(t)
				mu.Lock()
				names = append(names, dbName(t, connString))
				if admin == "" {
					u, _ := url.Parse(connString)
					u.Path = "/postgres"
					admin = u.String()
				}
				mu.Unlock()

				conn, err := pgx.Connect(t.Context(), connString)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close(context.Background())
				// Each test's database starts empty, whatever the others do.
				var tables int
				if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil {
					t.Fatal(err)
				}
				if tables != 0 {
					t.Errorf("new database has %d tables", tables)
				}
				if _, err := conn.Exec(t.Context(), "CREATE TABLE t (id int)"); err != nil {
					t.Fatal(err)
				}
			})
		}
	})

	conn, err := pgx.Connect(t.Context(), admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var left int
	if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM pg_database WHERE datname = ANY($1)", names).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if len(names) != 8 || left != 0 {
		t.Errorf("%d databases made, %d left after their tests", len(names), left)
	}
}

func TestServer(t *testing.T) {
	s := devdbtest.Server(t)
	if s != devdbtest.Server(t) {
		t.Error("Server returned two servers")
	}
	if s.Major() < 13 {
		t.Errorf("Major = %d", s.Major())
	}
}

func TestDev(t *testing.T) {
	dev := devdbtest.Dev(t)
	sc, err := dev.Scratch(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(t.Context(), sc.ConnString())
	if err != nil {
		t.Fatal(err)
	}
	conn.Close(context.Background())
	// Left open on purpose: the Dev's cleanup drops it.
}
