package hcl_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retortdb/retort/internal/codectest"
	"github.com/retortdb/retort/model/hcl"
)

// atlasForms are forms of Atlas's HCL documentation (issue 17), each with
// the same schema in SQL: read through the dev server, the two must be
// equal. The SQL leaves the same names out, so PostgreSQL itself says what
// an unnamed foreign key or index is called.
var atlasForms = []struct {
	name, hcl, sql string
}{
	{
		name: "unnamed foreign keys and indexes",
		hcl: `schema "public" {}
table "users" {
  schema = schema.public
  column "id" {
    type = int
  }
  column "email" {
    type = text
  }
  primary_key {
    columns = [column.id]
  }
  check "posts_editor_fkey" {
    expr = "id > 0"
  }
}
table "posts" {
  schema = schema.public
  column "id" {
    type = int
  }
  column "author" {
    type = int
  }
  column "editor" {
    type = int
  }
  column "title" {
    type = text
  }
  foreign_key {
    columns     = [column.author]
    ref_columns = [table.users.column.id]
  }
  foreign_key {
    columns     = [column.author]
    ref_columns = [table.users.column.id]
    on_delete   = CASCADE
  }
  foreign_key {
    columns     = [column.editor]
    ref_columns = [table.users.column.id]
  }
  index "posts_title_idx" {
    columns = [column.id]
  }
  index {
    columns = [column.author]
  }
  index {
    columns = [column.author, column.editor]
  }
  index {
    columns = [column.author]
  }
  index {
    columns = [column.title]
  }
  index {
    on {
      expr = "lower(title)"
    }
    on {
      expr = "lower(title || 'x')"
    }
    on {
      expr = "(id + 1)"
    }
  }
}
table "a_table_whose_name_is_long_enough_to_be_cut_by_postgresql_x" {
  schema = schema.public
  column "a_column_whose_name_is_long_too" {
    type = int
  }
  foreign_key {
    columns     = [column.a_column_whose_name_is_long_too]
    ref_columns = [table.users.column.id]
  }
  index {
    columns = [column.a_column_whose_name_is_long_too]
  }
}
`,
		sql: `CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, CONSTRAINT posts_editor_fkey CHECK (id > 0));
CREATE TABLE posts (
    id int NOT NULL, author int NOT NULL, editor int NOT NULL, title text NOT NULL,
    FOREIGN KEY (author) REFERENCES users (id),
    FOREIGN KEY (author) REFERENCES users (id) ON DELETE CASCADE,
    FOREIGN KEY (editor) REFERENCES users (id)
);
CREATE INDEX posts_title_idx ON posts (id);
CREATE INDEX ON posts (author);
CREATE INDEX ON posts (author, editor);
CREATE INDEX ON posts (author);
CREATE INDEX ON posts (title);
CREATE INDEX ON posts (lower(title), lower(title || 'x'), (id + 1));
CREATE TABLE a_table_whose_name_is_long_enough_to_be_cut_by_postgresql_x (
    a_column_whose_name_is_long_too int NOT NULL REFERENCES users (id)
);
CREATE INDEX ON a_table_whose_name_is_long_enough_to_be_cut_by_postgresql_x (a_column_whose_name_is_long_too);
`,
	},
	{
		name: "table-qualified column references inside the table",
		hcl: `schema "public" {}
table "users" {
  schema = schema.public
  column "id" {
    type = int
  }
  column "name" {
    type = text
  }
  primary_key {
    columns = [table.users.column.id]
  }
  index "users_name" {
    columns = [table.public.users.column.name]
    include = [table.users.column.id]
  }
  index "users_name_desc" {
    on {
      column = table.users.column.name
      desc   = true
    }
  }
  unique "users_name_key" {
    columns = [table.users.column.name]
  }
}
`,
		sql: `CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, CONSTRAINT users_name_key UNIQUE (name));
CREATE INDEX users_name ON users (name) INCLUDE (id);
CREATE INDEX users_name_desc ON users (name DESC);
`,
	},
	{
		name: "templates in a view's query",
		hcl: `schema "public" {}
table "users" {
  schema = schema.public
  column "id" {
    type = int
  }
  column "active" {
    type = bool
  }
}
view "active_users" {
  schema = schema.public
  column "id" {
    type = int
  }
  as         = "SELECT id FROM ${table.users.name} WHERE active"
  depends_on = [table.users]
}
view "clean_users" {
  schema = schema.public
  column "id" {
    type = int
  }
  as         = <<-SQL
    SELECT u.id
    FROM ${table.public.users.name} AS u
    JOIN ${view.active_users.name} AS au USING (id)
  SQL
  depends_on = [table.users, view.active_users]
}
`,
		sql: `CREATE TABLE users (id int NOT NULL, active bool NOT NULL);
CREATE VIEW active_users AS SELECT id FROM users WHERE active;
CREATE VIEW clean_users AS SELECT u.id FROM users AS u JOIN active_users AS au USING (id);
`,
	},
	{
		name: "page_per_range on a BRIN index",
		hcl: `schema "public" {}
table "events" {
  schema = schema.public
  column "at" {
    type = timestamptz
  }
  index "events_at" {
    type           = BRIN
    columns        = [column.at]
    page_per_range = 32
  }
}
`,
		sql: `CREATE TABLE events (at timestamptz NOT NULL);
CREATE INDEX events_at ON events USING brin (at) WITH (pages_per_range = 32);
`,
	},
	{
		// Atlas's documented trigger leaves for out. Its open-source
		// build ignores trigger blocks; retort reads the block as
		// PostgreSQL reads CREATE TRIGGER without FOR EACH: a statement
		// trigger (docs/hcl.md).
		name: "a trigger without for",
		hcl: `schema "public" {}
table "orders" {
  schema = schema.public
  column "amount" {
    type = int
  }
}
function "audit_orders" {
  schema = schema.public
  lang   = PLpgSQL
  return = trigger
  as     = "BEGIN RETURN NULL; END"
}
trigger "trigger_orders_audit" {
  on = table.orders
  after {
    insert    = true
    update_of = [table.orders.column.amount]
  }
  execute {
    function = function.audit_orders
  }
}
`,
		sql: `CREATE TABLE orders (amount int NOT NULL);
CREATE FUNCTION audit_orders() RETURNS trigger LANGUAGE plpgsql AS $function$BEGIN RETURN NULL; END$function$;
CREATE TRIGGER trigger_orders_audit AFTER INSERT OR UPDATE OF amount ON orders EXECUTE FUNCTION audit_orders();
`,
	},
}

// TestAtlasForms reads each form and the same schema in SQL through the
// dev server and compares them.
func TestAtlasForms(t *testing.T) {
	t.Parallel()
	for _, tt := range atlasForms {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			hclPath, sqlPath := filepath.Join(dir, "schema.hcl"), filepath.Join(dir, "schema.sql")
			if err := os.WriteFile(hclPath, []byte(tt.hcl), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(sqlPath, []byte(tt.sql), 0o644); err != nil {
				t.Fatal(err)
			}
			want, err := codectest.Load(t.Context(), t, sqlPath)
			if err != nil {
				t.Fatalf("load the SQL: %v", err)
			}
			got, err := codectest.Load(t.Context(), t, hclPath)
			if err != nil {
				t.Fatalf("load the HCL: %v", err)
			}
			if !want.Equal(got) {
				t.Errorf("the HCL does not read as the SQL does (- SQL, + HCL):\n%s", codectest.Diff(want, got))
			}
		})
	}
}

// TestAtlasFormErrors checks what the Atlas forms still refuse, each at
// its place.
func TestAtlasFormErrors(t *testing.T) {
	table := "schema \"public\" {}\ntable \"users\" {\n  schema = schema.public\n  column \"id\" {\n    type = int\n  }\n}\n"
	tests := []struct{ name, src, want string }{
		{"a column of another table", table + "table \"t\" {\n  schema = schema.public\n  column \"a\" {\n    type = int\n  }\n  index \"i\" {\n    columns = [table.users.column.id]\n  }\n}\n",
			`e.hcl:14:16: want a column of table public.t, not of table public.users: table.users.column.id`},
		{"an unknown table", table + "table \"t\" {\n  schema = schema.public\n  column \"a\" {\n    type = int\n  }\n  index \"i\" {\n    columns = [table.nope.column.a]\n  }\n}\n",
			`e.hcl:14:16: unknown table nope: table.nope.column.a`},
		{"a template of an unknown table", table + "view \"v\" {\n  schema = schema.public\n  as = \"SELECT 1 FROM ${table.nope.name}\"\n}\n",
			`e.hcl:10:25: unknown table nope: table.nope.name`},
		{"another template", table + "view \"v\" {\n  schema = schema.public\n  as = \"SELECT ${1 + 1}\"\n}\n",
			`e.hcl:10:18: templates (${…} and %{…}) are not supported but for ${KIND.NAME.name}`},
		{"an unnamed index with a definition", table + "table \"t\" {\n  schema = schema.public\n  column \"a\" {\n    type = int\n  }\n  index {\n    definition = \"CREATE INDEX i ON public.t (a)\"\n  }\n}\n",
			`e.hcl:13:3: an index with a definition needs the name the definition gives it`},
	}
	for _, tt := range tests {
		_, err := hcl.Decode("e.hcl", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s:\n got %v\nwant %s", tt.name, err, tt.want)
		}
	}
}
