package gotag

import "testing"

// The expected names were printed by GORM v1.31.2's NamingStrategy (column
// and table names) and github.com/jinzhu/inflection, which bun uses too.
func TestNamingLikeGORM(t *testing.T) {
	for _, tt := range []struct{ goName, column, table string }{
		{"User", "user", "users"},
		{"UserID", "user_id", "user_ids"},
		{"HTTPServer", "http_server", "http_servers"},
		{"ID", "id", "ids"},
		{"CreatedAt", "created_at", "created_ats"},
		{"SKU", "sku", "skus"},
		{"OrderItem", "order_item", "order_items"},
		{"APIKey", "api_key", "api_keys"},
		{"Person", "person", "people"},
		{"Category", "category", "categories"},
		{"Status", "status", "statuses"},
		{"Address", "address", "addresses"},
		{"Box", "box", "boxes"},
		{"Equipment", "equipment", "equipment"},
		{"Human", "human", "humen"},
		{"Datum", "datum", "data"},
		{"Mouse", "mouse", "mice"},
		{"URLPath", "url_path", "url_paths"},
		{"Field1Name", "field1_name", "field1_names"},
		{"A", "a", "as"},
		{"ABTest", "ab_test", "ab_tests"},
		{"IDs", "ids", "ids"},
		{"UserIDs", "user_ids", "user_ids"},
		{"Bus", "bus", "buses"},
		{"Quiz", "quiz", "quizzes"},
		{"Matrix", "matrix", "matrices"},
		{"Wife", "wife", "wives"},
		{"Leaf", "leaf", "leafs"},
	} {
		if got := snakeName(tt.goName); got != tt.column {
			t.Errorf("snakeName(%q) = %q, want %q", tt.goName, got, tt.column)
		}
		if got := plural(snakeName(tt.goName)); got != tt.table {
			t.Errorf("table name of %q = %q, want %q", tt.goName, got, tt.table)
		}
	}
	for _, tt := range [][2]string{{"people", "person"}, {"categories", "category"}, {"statuses", "status"}, {"users", "user"}} {
		if got := singular(tt[0]); got != tt[1] {
			t.Errorf("singular(%q) = %q, want %q", tt[0], got, tt[1])
		}
	}
	if got := gormFormatName("idx", "users", snakeName("DeletedAt")); got != "idx_users_deleted_at" {
		t.Errorf("index name %q", got)
	}
	long := "a_very_long_table_name_that_goes_on_and_on_and_on"
	if got, want := gormFormatName("idx", long, snakeName("SomeVeryLongColumnNameToo")), "idx_a_very_long_table_name_that_goes_on_and_on_and_on_sofdc487c6"; got != want {
		t.Errorf("long index name %q, want %q", got, want)
	}
}

func TestBunName(t *testing.T) {
	for _, tt := range [][2]string{{"UserID", "user_id"}, {"HTTPServer", "http_server"}, {"ID", "id"},
		{"CreatedAt", "created_at"}, {"APIKey", "api_key"}, {"Field1Name", "field1_name"}} {
		if got := bunName(tt[0]); got != tt[1] {
			t.Errorf("bunName(%q) = %q, want %q", tt[0], got, tt[1])
		}
	}
}

// PostgreSQL's own names for unnamed keys, as makeObjectName makes them;
// the long ones are what PostgreSQL 15 named such keys.
func TestPGObjectName(t *testing.T) {
	long := "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789"
	for _, tt := range []struct{ a, b, label, want string }{
		{"users", "email", "key", "users_email_key"},
		{"users", "", "pkey", "users_pkey"},
		{long, "col", "fkey", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz01_col_fkey"},
		{long, long, "idx", "abcdefghijklmnopqrstuvwxyzabc_abcdefghijklmnopqrstuvwxyzabc_idx"},
	} {
		got := pgObjectName(tt.a, tt.b, tt.label)
		if got != tt.want || len(got) > 63 {
			t.Errorf("pgObjectName(%q, %q, %q) = %q (%d bytes), want %q", tt.a, tt.b, tt.label, got, len(got), tt.want)
		}
	}
}

func TestGoName(t *testing.T) {
	for _, tt := range [][2]string{{"user_id", "UserID"}, {"created_at", "CreatedAt"}, {"2fa", "X2fa"},
		{"api_url", "APIURL"}, {"Mixed Case", "MixedCase"}, {"", "X"}, {"_", "X"}} {
		if got := goName(tt[0]); got != tt[1] {
			t.Errorf("goName(%q) = %q, want %q", tt[0], got, tt[1])
		}
	}
}
