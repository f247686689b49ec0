package layout

import (
	"strings"
	"testing"
	"time"

	"github.com/retortdb/retort/migrate"
)

// TestRefuseMarkerLines checks that goose and dbmate, which find their
// sections line by line, are not written a statement with a line they
// would take for a marker, and that the layouts that read tokens are.
func TestRefuseMarkerLines(t *testing.T) {
	tests := []struct {
		layout Layout
		sql    string
		refuse bool
	}{
		{Goose, "COMMENT ON TABLE public.t IS 'a\n-- +goose Down\nDROP TABLE public.victim; --'", true},
		{Goose, "COMMENT ON TABLE public.t IS 'a\n--+GOOSE StatementEnd\n'", true},
		{Goose, "COMMENT ON TABLE public.t IS 'a\n-- migrate:down\n'", false},
		{Dbmate, "COMMENT ON TABLE public.t IS 'a\n-- migrate:down\nDROP TABLE public.victim; --'", true},
		{Dbmate, "COMMENT ON TABLE public.t IS 'a\n--migrate:up\r\n'", true},
		{Dbmate, "COMMENT ON TABLE public.t IS 'a\n-- +goose Down\n'", false},
		{GolangMigrate, "COMMENT ON TABLE public.t IS 'a\n-- migrate:down\n-- +goose Down\n'", false},
		{Flyway, "COMMENT ON TABLE public.t IS 'a\n-- +goose Down\n'", false},
	}
	for _, tt := range tests {
		rev := &migrate.Revision{ID: "a", Message: "m", Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			Up: []migrate.Statement{{SQL: tt.sql}}, Down: []migrate.Statement{{SQL: "SELECT 1"}}}
		_, err := Write(t.TempDir(), tt.layout, rev, Options{})
		if tt.refuse != (err != nil) || err != nil && !strings.Contains(err.Error(), "as one of its own markers") {
			t.Errorf("%s %q: err %v, want refused %v", tt.layout, tt.sql, err, tt.refuse)
		}
	}
}
