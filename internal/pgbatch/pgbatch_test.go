package pgbatch_test

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/pgbatch"
)

func TestMain(m *testing.M) { devdbtest.Main(m) }

func TestExec(t *testing.T) {
	tests := []struct {
		name     string
		stmts    []string
		tags     int
		failed   int
		position int32 // of the error, relative to the failed statement; 0 for none
	}{
		{"all run", []string{"CREATE TABLE a ()", "SELECT 1 -- a line comment", "DROP TABLE a"}, 3, 3, 0},
		{"a run-time error", []string{"CREATE TABLE a ()", "CREATE TABLE a ()", "DROP TABLE a"}, 1, 1, 0},
		// A syntax error stops the whole query before anything runs; its
		// position still names the statement.
		{"a syntax error", []string{"CREATE TABLE a ()", "SELECT 1", "SELEC 2", "SELECT 3"}, 0, 2, 1},
		{"a position after multibyte text", []string{"SELECT 'ünïcödé'", "SELECT nope"}, 1, 1, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := devdbtest.Connect(t, devdbtest.NewDatabase(t))
			tags, failed, err := pgbatch.Exec(t.Context(), conn.PgConn(), tt.stmts)
			if len(tags) != tt.tags || failed != tt.failed {
				t.Errorf("Exec: %d tags, failed %d, want %d, %d (err %v)", len(tags), failed, tt.tags, tt.failed, err)
			}
			var pgErr *pgconn.PgError
			switch {
			case tt.failed == len(tt.stmts) && err != nil:
				t.Errorf("Exec: %v, want no error", err)
			case tt.failed < len(tt.stmts) && !errors.As(err, &pgErr):
				t.Errorf("Exec: %v, want a server error", err)
			case pgErr != nil && pgErr.Position != tt.position:
				t.Errorf("error position %d, want %d (%v)", pgErr.Position, tt.position, err)
			}
			// A failed batch outside a transaction block leaves nothing.
			if tt.failed < len(tt.stmts) {
				var n int
				if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM pg_class WHERE relname = 'a'").Scan(&n); err != nil || n != 0 {
					t.Errorf("table a after a failed batch: %d (%v)", n, err)
				}
			}
		})
	}
}
