package ddl_test

import (
	"context"
	"flag"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/retortdb/retort/internal/devdb/devdbtest"
)

var update = flag.Bool("update", false, "rewrite builtin_casts.go from pg_cast")

func TestMain(m *testing.M) { devdbtest.Main(m) }

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
