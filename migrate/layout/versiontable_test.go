package layout

import "testing"

func TestForeignVersionTable(t *testing.T) {
	goose := []string{"id", "version_id", "is_applied", "tstamp"}
	tests := []struct {
		layout       Layout
		schema, name string
		columns      []string
		want         string // the tool, "" for none
	}{
		{Goose, "public", "goose_db_version", []string{"anything"}, "goose"},
		{Native, "public", "goose_db_version", goose, "goose"},
		{Native, "app", "goose_db_version", []string{"tstamp", "is_applied", "version_id", "id"}, "goose"},
		{Native, "public", "goose_db_version", []string{"id", "note"}, ""},
		{Native, "public", "schema_migrations", []string{"version", "dirty"}, "golang-migrate"},
		{Native, "public", "schema_migrations", []string{"version"}, "dbmate"},
		{Dbmate, "public", "schema_migrations", []string{"version", "dirty"}, "dbmate"},
		{GolangMigrate, "public", "schema_migrations", []string{"version"}, "golang-migrate"},
		{Flyway, "public", "flyway_schema_history", nil, "flyway"},
		{Atlas, "atlas_schema_revisions", "atlas_schema_revisions", nil, "atlas"},
		{Atlas, "public", "atlas_schema_revisions", nil, ""},
		{Native, "public", "alembic_version", []string{"version_num"}, "alembic"},
		{Goose, "public", "users", goose, ""},
	}
	for _, tt := range tests {
		v, ok := ForeignVersionTable(tt.layout, tt.schema, tt.name, tt.columns)
		if got := map[bool]string{true: v.Tool}[ok]; got != tt.want {
			t.Errorf("ForeignVersionTable(%s, %s.%s, %q) = %q, want %q", tt.layout, tt.schema, tt.name, tt.columns, got, tt.want)
		}
	}
}
