package render_test

import "github.com/retortdb/retort/model"

// The fixtures build schemas by hand, with the texts PostgreSQL 15 prints
// for them under an empty search_path, so that the rendered SQL can be both
// compared with golden files and applied to a real server.

func q(schema, name string) model.QName { return model.QName{Schema: schema, Name: name} }

func qp(schema, name string) *model.QName { return &model.QName{Schema: schema, Name: name} }

func ref(kind model.ObjectKind, schema, name string) model.ObjectRef {
	return model.ObjectRef{Kind: kind, Schema: schema, Name: name}
}

func fn(schema, name, args string) model.ObjectRef {
	return model.ObjectRef{Kind: model.KindFunction, Schema: schema, Name: name, Args: args}
}

func ptr[T any](v T) *T { return &v }

// ownerGrants are the explicit entries that an ACL holds for its owner.
func ownerGrants(owner string, privs ...string) []model.Grant {
	var gs []model.Grant
	for _, p := range privs {
		gs = append(gs, model.Grant{Grantee: owner, Privilege: p})
	}
	return gs
}

var tablePrivs = []string{"DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE"}

// fullSchema has every kind of object the model knows, with names that need
// quoting (upper case, spaces, quotes, unicode, reserved words) and texts
// with quotes and backslashes, and the cycles PostgreSQL allows: a view that
// reads itself, a column default that calls a function of the table's row
// type, and foreign keys between two tables in both directions.
func fullSchema() *model.Schema {
	const app, my = "app", "My Schema"
	s := &model.Schema{
		Namespaces: []model.Namespace{
			{Name: app, Owner: "postgres", Comment: `the app's "main" schema \ with a backslash`,
				Grants: []model.Grant{{Grantee: "", Privilege: "USAGE"}, {Grantee: "postgres", Privilege: "CREATE"}, {Grantee: "postgres", Privilege: "USAGE"}}},
			{Name: my, Owner: "postgres"},
			{Name: "public", Owner: "pg_database_owner", Comment: "standard public schema",
				Grants: []model.Grant{{Grantee: "", Privilege: "USAGE"}, {Grantee: "pg_database_owner", Privilege: "CREATE"}, {Grantee: "pg_database_owner", Privilege: "USAGE"}}},
			{Name: "select", Owner: "postgres"},
			{Name: "ünï", Owner: "postgres"},
		},
		Extensions: []model.Extension{
			{Name: "citext", Schema: "public", Version: "1.6", Comment: "data type for case-insensitive character strings"},
			{Name: "plpgsql", Schema: "pg_catalog", Version: "1.0", Comment: "PL/pgSQL procedural language"},
		},
		Collations: []model.Collation{
			{QName: q(app, "german"), Provider: "c", LcCollate: "C", LcCtype: "C", Deterministic: true, Owner: "postgres"},
			{QName: q(my, "Nd"), Provider: "i", Locale: "und-u-ks-level2", Deterministic: false, Owner: "postgres", Comment: "case-insensitive"},
		},
		Enums: []model.Enum{
			{QName: q(app, "mood"), Labels: []string{"sad", "it's", `back\slash`, `a "b"`}, Owner: "postgres",
				Comment: `feelings: it's a \ "mood"`, Grants: []model.Grant{{Grantee: "", Privilege: "USAGE"}, {Grantee: "postgres", Privilege: "USAGE"}}},
		},
		Domains: []model.Domain{
			{QName: q(app, "ctext"), Type: "character varying(20)", Collation: `"C"`, Owner: "postgres"},
			{QName: q(app, "posint"), Type: "integer", NotNull: true, Default: "1", Owner: "postgres", Comment: "positive",
				Checks: []model.DomainCheck{
					{Name: "is_positive", Definition: "CHECK (app.positive(VALUE))", Comment: "above zero"},
					{Name: "small", Definition: "CHECK ((VALUE < 1000)) NOT VALID", NotValid: true},
				},
				Deps: []model.ObjectRef{fn(app, "positive", "integer")}},
		},
		CompositeTypes: []model.CompositeType{
			{QName: q(app, "pair"), Owner: "postgres", Comment: "two sides",
				Attributes: []model.Attribute{
					{Name: "left side", Type: "app.posint", Comment: "left"},
					{Name: "right", Type: "text", Collation: `"C"`},
					{Name: "moods", Type: "app.mood[]"},
				},
				Deps: []model.ObjectRef{ref(model.KindType, app, "mood"), ref(model.KindType, app, "posint")}},
			{QName: q(app, "shape"), Owner: "postgres",
				Attributes: []model.Attribute{{Name: "w", Type: "integer"}, {Name: "h", Type: "integer"}}},
			{QName: q(app, "money2"), Owner: "postgres", Attributes: []model.Attribute{{Name: "cents", Type: "bigint"}}},
		},
		RangeTypes: []model.RangeType{
			{QName: q(app, "floatrange"), Subtype: "double precision", SubtypeDiff: "app.float8_diff", Owner: "postgres",
				Deps: []model.ObjectRef{fn(app, "float8_diff", "double precision, double precision")}},
			{QName: q(my, "TextRange"), Subtype: "text", Collation: `"C"`, Multirange: "Text_Multis", Owner: "postgres"},
		},
		Sequences: []model.Sequence{
			{QName: q(app, "down"), SequenceOptions: model.SequenceOptions{Type: "smallint", Start: 40, Increment: -2, Min: -100, Max: 50, Cache: 10, Cycle: true},
				Owner: "postgres", Comment: "counts down",
				Grants: append(ownerGrants("postgres", "SELECT", "UPDATE", "USAGE"), model.Grant{Grantee: "pg_monitor", Privilege: "USAGE", Grantable: true})},
			{QName: q(app, "items_id_seq"), SequenceOptions: model.SequenceOptions{Type: "integer", Start: 1, Increment: 1, Min: 1, Max: 2147483647, Cache: 1},
				OwnedBy: &model.ColumnRef{Table: q(app, "items"), Column: "id"}, Owner: "postgres"},
		},
		Functions: []model.Function{
			{QName: q(app, "positive"), Kind: model.KindPlainFunction, IdentityArgs: "integer", Args: "integer", Result: "boolean", Language: "sql",
				Definition: "CREATE OR REPLACE FUNCTION app.positive(integer)\n RETURNS boolean\n LANGUAGE sql\n IMMUTABLE\nAS $function$SELECT $1 > 0$function$\n",
				Volatility: "i", Parallel: "u", Owner: "postgres"},
			{QName: q(app, "float8_diff"), Kind: model.KindPlainFunction, IdentityArgs: "double precision, double precision", Args: "double precision, double precision",
				Result: "double precision", Language: "sql",
				Definition: "CREATE OR REPLACE FUNCTION app.float8_diff(double precision, double precision)\n RETURNS double precision\n LANGUAGE sql\n IMMUTABLE\nAS $function$SELECT $1 - $2$function$\n",
				Volatility: "i", Parallel: "u", Owner: "postgres"},
			{QName: q(app, "add2"), Kind: model.KindPlainFunction, IdentityArgs: "integer, integer", Args: "integer, integer", Result: "integer", Language: "sql",
				Definition: "CREATE OR REPLACE FUNCTION app.add2(integer, integer)\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE STRICT\nAS $function$SELECT $1 + $2$function$\n",
				Volatility: "i", Strict: true, Parallel: "u", Owner: "postgres",
				Grants: ownerGrants("postgres", "EXECUTE")},
			// describe takes the row type of app.items, whose column note
			// calls it in its default: a cycle through the table.
			{QName: q(app, "describe"), Kind: model.KindPlainFunction, IdentityArgs: "i app.items", Args: "i app.items", Result: "text", Language: "sql",
				Definition: "CREATE OR REPLACE FUNCTION app.describe(i app.items)\n RETURNS text\n LANGUAGE sql\n STABLE\nAS $function$SELECT 'item ' || i.id$function$\n",
				Volatility: "s", Parallel: "u", Owner: "postgres", Comment: "describes an item",
				Deps: []model.ObjectRef{ref(model.KindType, app, "items")}},
			// count_items has an SQL-standard body, which depends on the table.
			{QName: q(app, "count_items"), Kind: model.KindPlainFunction, IdentityArgs: "", Args: "", Result: "bigint", Language: "sql",
				Definition: "CREATE OR REPLACE FUNCTION app.count_items()\n RETURNS bigint\n LANGUAGE sql\n STABLE\nBEGIN ATOMIC\n SELECT count(*) AS count\n    FROM app.items;\nEND\n",
				Volatility: "s", Parallel: "u", Owner: "postgres",
				Deps: []model.ObjectRef{ref(model.KindTable, app, "items")}},
			{QName: q(app, "touch"), Kind: model.KindPlainFunction, Result: "trigger", Language: "plpgsql",
				Definition: "CREATE OR REPLACE FUNCTION app.touch()\n RETURNS trigger\n LANGUAGE plpgsql\nAS $function$ BEGIN NEW.note := 'touched'; RETURN NEW; END $function$\n",
				Volatility: "v", Parallel: "u", Owner: "postgres"},
			{QName: q(app, "on_ddl"), Kind: model.KindPlainFunction, Result: "event_trigger", Language: "plpgsql",
				Definition: "CREATE OR REPLACE FUNCTION app.on_ddl()\n RETURNS event_trigger\n LANGUAGE plpgsql\nAS $function$ BEGIN END $function$\n",
				Volatility: "v", Parallel: "u", Owner: "postgres"},
			{QName: q(app, "to_money2"), Kind: model.KindPlainFunction, IdentityArgs: "bigint", Args: "bigint", Result: "app.money2", Language: "sql",
				Definition: "CREATE OR REPLACE FUNCTION app.to_money2(bigint)\n RETURNS app.money2\n LANGUAGE sql\n IMMUTABLE\nAS $function$SELECT ROW($1)::app.money2$function$\n",
				Volatility: "i", Parallel: "u", Owner: "postgres",
				Deps: []model.ObjectRef{ref(model.KindType, app, "money2")}},
			{QName: q(my, "Do It"), Kind: model.KindProcedure, IdentityArgs: "INOUT x integer", Args: "INOUT x integer", Language: "sql",
				Definition: "CREATE OR REPLACE PROCEDURE \"My Schema\".\"Do It\"(INOUT x integer)\n LANGUAGE sql\nAS $procedure$SELECT x$procedure$\n",
				Volatility: "v", Parallel: "u", Owner: "postgres", Comment: "a procedure"},
		},
		Aggregates: []model.Aggregate{
			{QName: q(app, "total"), IdentityArgs: "integer", Args: "integer", Kind: "n", SFunc: "app.add2", SType: "integer",
				FinalModify: "r", CombineFunc: "app.add2", InitCond: ptr("0"), MSFunc: "app.add2", MInvFunc: "int4mi", MSType: "integer",
				MFinalModify: "r", Parallel: "s", Owner: "postgres", Comment: "a sum",
				Deps: []model.ObjectRef{fn(app, "add2", "integer, integer")}},
			{QName: q(app, "biggest"), IdentityArgs: "integer", Args: "integer", Kind: "n", SFunc: "int4larger", SType: "integer",
				FinalModify: "r", MFinalModify: "r", SortOp: ">(integer,integer)", Parallel: "u", Owner: "postgres"},
			{QName: q(app, "pct"), IdentityArgs: "double precision ORDER BY double precision", Args: "double precision ORDER BY double precision",
				Kind: "o", NumDirectArgs: 1, SFunc: "ordered_set_transition", SType: "internal", FinalFunc: "percentile_disc_final",
				FinalExtra: true, FinalModify: "w", MFinalModify: "w", Parallel: "u", Owner: "postgres"},
		},
		Tables: []model.Table{
			{
				QName: q(app, "items"), Kind: model.TableOrdinary, Owner: "postgres", Comment: "things we sell",
				Columns: []model.Column{
					{Name: "id", Type: "integer", NotNull: true, Default: "nextval('app.items_id_seq'::regclass)",
						Deps: []model.ObjectRef{ref(model.KindSequence, app, "items_id_seq")}},
					{Name: "Name", Type: "text", Collation: "app.german", Comment: "its name",
						Deps: []model.ObjectRef{ref(model.KindCollation, app, "german")}},
					{Name: "mood", Type: "app.mood", Default: "'sad'::app.mood", Deps: []model.ObjectRef{ref(model.KindType, app, "mood")}},
					{Name: "price", Type: "numeric(10,2)", Options: []string{"n_distinct=100"}},
					{Name: "note", Type: "text", Default: "app.describe(NULL::app.items)", Storage: "e", Compression: "pglz",
						Deps: []model.ObjectRef{fn(app, "describe", "i app.items")}},
					{Name: "doubled", Type: "numeric", Generated: "(price * (2)::numeric)", GeneratedKind: "s"},
					{Name: "ident", Type: "bigint", NotNull: true, Identity: "d",
						IdentitySequence: &model.SequenceOptions{Type: "bigint", Start: 10, Increment: 5, Min: 1, Max: 1000, Cache: 3, Cycle: true}},
					{Name: "stats", Type: "integer", Statistics: ptr(0)},
					{Name: "tags", Type: "public.citext[]", Deps: []model.ObjectRef{{Kind: model.KindExtension, Name: "citext"}},
						Grants: []model.Grant{{Grantee: "", Privilege: "SELECT"}, {Grantee: "pg_monitor", Privilege: "SELECT"}, {Grantee: "pg_monitor", Privilege: "UPDATE"}}},
				},
				Constraints: []model.Constraint{
					{Name: "items_pkey", Type: model.PrimaryKey, Definition: "PRIMARY KEY (id)", Columns: []string{"id"}, Index: "items_pkey", Comment: "the key"},
					{Name: "price_positive", Type: model.Check, Definition: "CHECK ((price > (0)::numeric))", Columns: []string{"price"}},
					{Name: "later", Type: model.Check, Definition: "CHECK ((ident > 0)) NOT VALID", Columns: []string{"ident"}, NotValid: true},
					{Name: "items_Name_key", Type: model.Unique, Definition: `UNIQUE NULLS NOT DISTINCT ("Name")`, Columns: []string{"Name"}, Index: "items_Name_key"},
				},
				Indexes: []model.Index{
					{Name: "items lower name", Definition: `CREATE INDEX "items lower name" ON app.items USING btree (lower("Name")) WHERE (price > (0)::numeric)`,
						Method: "btree", Keys: []string{`lower("Name")`}, Predicate: "(price > (0)::numeric)", Comment: "by name"},
					{Name: "items_count", Definition: "CREATE INDEX items_count ON app.items USING btree (app.positive(id))",
						Method: "btree", Keys: []string{"app.positive(id)"}, Deps: []model.ObjectRef{fn(app, "positive", "integer")}},
				},
				RowSecurity: true, ForceRowSecurity: true,
				Grants: append(ownerGrants("postgres", tablePrivs...), model.Grant{Grantee: "pg_monitor", Privilege: "SELECT", Grantable: true}),
			},
			{
				QName: q(app, "log"), Kind: model.TableOrdinary, Owner: "postgres", Unlogged: true,
				Columns:         []model.Column{{Name: "id", Type: "integer", NotNull: true}},
				Options:         []string{"autovacuum_enabled=false", "fillfactor=70"},
				ReplicaIdentity: "f",
			},
			// Two tables with foreign keys to each other.
			{
				QName: q(my, "select"), Kind: model.TableOrdinary, Owner: "postgres",
				Columns: []model.Column{
					{Name: `Weird "Col"`, Type: "integer", NotNull: true},
					{Name: "order", Type: "integer"},
					{Name: "Ünïcödé", Type: "text", Collation: `"My Schema"."Nd"`, Comment: "ünïcödé",
						Deps: []model.ObjectRef{ref(model.KindCollation, my, "Nd")}},
					{Name: "with space", Type: "\"My Schema\".\"TextRange\"", Deps: []model.ObjectRef{ref(model.KindType, my, "TextRange")}},
				},
				Constraints: []model.Constraint{
					{Name: "select_pkey", Type: model.PrimaryKey, Definition: `PRIMARY KEY ("Weird ""Col""")`, Columns: []string{`Weird "Col"`}, Index: "select_pkey"},
					{Name: "select_order_fkey", Type: model.ForeignKey, Definition: `FOREIGN KEY ("order") REFERENCES "My Schema"."Order"(id) DEFERRABLE INITIALLY DEFERRED`,
						Columns: []string{"order"}, RefTable: qp(my, "Order"), RefColumns: []string{"id"}, OnUpdate: "a", OnDelete: "a", Match: "s",
						Deferrable: true, InitiallyDeferred: true, Comment: "to the order",
						Deps: []model.ObjectRef{{Kind: model.KindConstraint, Schema: my, Table: "Order", Name: "Order_pkey"}, ref(model.KindTable, my, "Order")}},
				},
			},
			{
				QName: q(my, "Order"), Kind: model.TableOrdinary, Owner: "postgres",
				Columns: []model.Column{{Name: "id", Type: "integer", NotNull: true}, {Name: "sel", Type: "integer"}},
				Constraints: []model.Constraint{
					{Name: "Order_pkey", Type: model.PrimaryKey, Definition: "PRIMARY KEY (id)", Columns: []string{"id"}, Index: "Order_pkey"},
					{Name: "Order_sel_fkey", Type: model.ForeignKey, Definition: `FOREIGN KEY (sel) REFERENCES "My Schema"."select"("Weird ""Col""") ON DELETE CASCADE NOT VALID`,
						Columns: []string{"sel"}, RefTable: qp(my, "select"), RefColumns: []string{`Weird "Col"`}, OnUpdate: "a", OnDelete: "c", Match: "s", NotValid: true,
						Deps: []model.ObjectRef{{Kind: model.KindConstraint, Schema: my, Table: "select", Name: "select_pkey"}, ref(model.KindTable, my, "select")}},
				},
			},
			// A partitioned table with a partition of each form.
			{
				QName: q(app, "measures"), Kind: model.TablePartitioned, PartitionKey: "RANGE (at)", Owner: "postgres", Comment: "numbers",
				Columns: []model.Column{{Name: "at", Type: "date", NotNull: true}, {Name: "v", Type: "integer", NotNull: true, Default: "0"}},
				Constraints: []model.Constraint{
					{Name: "measures_pkey", Type: model.PrimaryKey, Definition: "PRIMARY KEY (at, v)", Columns: []string{"at", "v"}, Index: "measures_pkey"},
					{Name: "measures_v_check", Type: model.Check, Definition: "CHECK ((v >= 0))", Columns: []string{"v"}},
					{Name: "measures_v_fkey", Type: model.ForeignKey, Definition: "FOREIGN KEY (v) REFERENCES app.items(id)",
						Columns: []string{"v"}, RefTable: qp(app, "items"), RefColumns: []string{"id"}, OnUpdate: "a", OnDelete: "a", Match: "s",
						Deps: []model.ObjectRef{{Kind: model.KindConstraint, Schema: app, Table: "items", Name: "items_pkey"}, ref(model.KindTable, app, "items")}},
				},
				Indexes: []model.Index{{Name: "measures_at", Definition: "CREATE INDEX measures_at ON ONLY app.measures USING btree (at)", Method: "btree", Keys: []string{"at"}}},
			},
			{
				QName: q(app, "measures_2024"), Kind: model.TableOrdinary, Owner: "postgres",
				PartitionOf: qp(app, "measures"), PartitionBound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
				Columns: []model.Column{
					{Name: "at", Type: "date", NotNull: true, Inherited: true},
					{Name: "v", Type: "integer", NotNull: true, Default: "1", Inherited: true},
				},
				Constraints: []model.Constraint{{Name: "measures_2024_pkey", Type: model.PrimaryKey, Definition: "PRIMARY KEY (at, v)",
					Columns: []string{"at", "v"}, Index: "measures_2024_pkey", ParentIndex: qp(app, "measures_pkey")}},
				Indexes: []model.Index{{Name: "measures_2024_at_idx", Definition: "CREATE INDEX measures_2024_at_idx ON app.measures_2024 USING btree (at)",
					Method: "btree", Keys: []string{"at"}, ParentIndex: qp(app, "measures_at")}},
			},
			{
				QName: q(app, "measures_rest"), Kind: model.TableOrdinary, Owner: "postgres",
				PartitionOf: qp(app, "measures"), PartitionBound: "DEFAULT",
				Columns: []model.Column{{Name: "at", Type: "date", NotNull: true}, {Name: "v", Type: "integer", NotNull: true, Default: "0"}},
				Constraints: []model.Constraint{
					{Name: "measures_rest_pkey", Type: model.PrimaryKey, Definition: "PRIMARY KEY (at, v)",
						Columns: []string{"at", "v"}, Index: "measures_rest_pkey", ParentIndex: qp(app, "measures_pkey")},
					{Name: "measures_v_check", Type: model.Check, Definition: "CHECK ((v >= 0))", Columns: []string{"v"}},
				},
				Indexes: []model.Index{{Name: "measures_rest_at_idx", Definition: "CREATE INDEX measures_rest_at_idx ON app.measures_rest USING btree (at)",
					Method: "btree", Keys: []string{"at"}, ParentIndex: qp(app, "measures_at")}},
			},
			// Inheritance, and a typed table.
			{
				QName: q(app, "base"), Kind: model.TableOrdinary, Owner: "postgres",
				Columns:     []model.Column{{Name: "a", Type: "integer"}, {Name: "b", Type: "text"}},
				Constraints: []model.Constraint{{Name: "base_a_check", Type: model.Check, Definition: "CHECK ((a > 0))", Columns: []string{"a"}}},
			},
			{
				QName: q(app, "kid"), Kind: model.TableOrdinary, Owner: "postgres", Inherits: []model.QName{q(app, "base")},
				Columns: []model.Column{
					{Name: "a", Type: "integer", Inherited: true, Default: "7", NotNull: true},
					{Name: "b", Type: "text"},
					{Name: "d", Type: "integer"},
				},
			},
			{
				QName: q(app, "typed"), Kind: model.TableOrdinary, Owner: "postgres", OfType: "app.shape",
				Columns: []model.Column{{Name: "w", Type: "integer", NotNull: true}, {Name: "h", Type: "integer", Default: "1"}},
			},
			{
				QName: q(app, "remote things"), Kind: model.TableForeign, Owner: "postgres", Server: "remote",
				ServerOptions: []string{"table_name=remote_t"},
				Columns:       []model.Column{{Name: "id", Type: "integer", FDWOptions: []string{"column_name=ID"}, Comment: "remote id"}},
			},
		},
		Views: []model.View{
			{QName: q(app, "cheap"), Owner: "postgres", Comment: "under ten",
				Definition:  " SELECT items.id,\n    items.price\n   FROM app.items\n  WHERE (items.price < (10)::numeric);",
				Columns:     []model.ViewColumn{{Name: "id", Type: "integer", Comment: "the id"}, {Name: "price", Type: "numeric(10,2)"}},
				CheckOption: "local", Options: []string{"check_option=local", "security_barrier=true"},
				Grants: append(ownerGrants("postgres", tablePrivs...), model.Grant{Grantee: "", Privilege: "SELECT"}),
				Deps:   []model.ObjectRef{ref(model.KindTable, app, "items")}},
			{QName: q(app, "cheaper"), Owner: "postgres",
				Definition: " SELECT cheap.id\n   FROM app.cheap;",
				Columns:    []model.ViewColumn{{Name: "id", Type: "integer", Default: "0"}},
				Deps:       []model.ObjectRef{ref(model.KindView, app, "cheap")}},
			// A view that reads itself, as PostgreSQL allows.
			{QName: q(app, "Loop"), Owner: "postgres",
				Definition: " SELECT \"Loop\".n\n   FROM app.\"Loop\";",
				Columns:    []model.ViewColumn{{Name: "n", Type: "integer"}}},
			{QName: q(app, "totals"), Materialized: true, WithNoData: true, Owner: "postgres",
				Definition: " SELECT count(*) AS n\n   FROM app.items;",
				Columns:    []model.ViewColumn{{Name: "n", Type: "bigint"}},
				Indexes:    []model.Index{{Name: "totals_n", Definition: "CREATE UNIQUE INDEX totals_n ON app.totals USING btree (n)", Unique: true, Method: "btree", Keys: []string{"n"}}},
				Deps:       []model.ObjectRef{ref(model.KindTable, app, "items")}},
		},
		Triggers: []model.Trigger{
			{Table: q(app, "items"), Name: "a touch", Definition: `CREATE TRIGGER "a touch" BEFORE UPDATE ON app.items FOR EACH ROW EXECUTE FUNCTION app.touch()`,
				Function: "app.touch()", Enabled: "D", Comment: "touches", Deps: []model.ObjectRef{fn(app, "touch", "")}},
			{Table: q(app, "items"), Name: "c_touch", Definition: "CREATE CONSTRAINT TRIGGER c_touch AFTER INSERT ON app.items DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION app.touch()",
				Function: "app.touch()", Constraint: true, Enabled: "A", Deps: []model.ObjectRef{fn(app, "touch", "")}},
			{Table: q(app, "measures"), Name: "on_measures", Definition: "CREATE TRIGGER on_measures AFTER INSERT ON app.measures FOR EACH ROW EXECUTE FUNCTION app.touch()",
				Function: "app.touch()", Enabled: "O", Deps: []model.ObjectRef{fn(app, "touch", "")}},
		},
		Rules: []model.Rule{
			{Table: q(app, "items"), Name: "keep", Definition: "CREATE RULE keep AS\n    ON DELETE TO app.items DO  INSERT INTO app.log (id)\n  VALUES (old.id);",
				Enabled: "O", Comment: "keeps a log", Deps: []model.ObjectRef{ref(model.KindTable, app, "log")}},
		},
		Policies: []model.Policy{
			{Table: q(app, "items"), Name: "everyone", Permissive: true, Command: "ALL", Roles: []string{"public"}, Using: "true"},
			{Table: q(app, "items"), Name: "Own Rows", Command: "UPDATE", Roles: []string{"pg_monitor", "postgres"},
				Using: "app.positive(id)", WithCheck: "(id > 0)", Comment: "only positive",
				Deps: []model.ObjectRef{fn(app, "positive", "integer")}},
		},
		EventTriggers: []model.EventTrigger{
			{Name: "watch", Event: "ddl_command_end", Tags: []string{"CREATE TABLE", "DROP TABLE"}, Function: "app.on_ddl",
				Enabled: "D", Owner: "postgres", Comment: "watches"},
		},
		ForeignDataWrappers: []model.ForeignDataWrapper{
			{Name: "dummy", Options: []string{"debug=true"}, Owner: "postgres", Comment: "does nothing"},
		},
		Servers: []model.ForeignServer{
			{Name: "remote", Wrapper: "dummy", Type: "test", Version: "1.0", Options: []string{"host=example"}, Owner: "postgres",
				Grants: append(ownerGrants("postgres", "USAGE"), model.Grant{Grantee: "pg_monitor", Privilege: "USAGE"})},
		},
		UserMappings: []model.UserMapping{
			{Server: "remote", User: "postgres", Options: []string{"user=me", "password=it's secret"}},
			{Server: "remote", User: "public", Options: []string{"user=anyone"}},
		},
		Casts: []model.Cast{
			{Source: "bigint", Target: "app.money2", Function: "app.to_money2(bigint)", Method: "f", Context: "a", Comment: "cents",
				Deps: []model.ObjectRef{fn(app, "to_money2", "bigint"), ref(model.KindType, app, "money2")}},
		},
	}
	s.Normalize()
	return s
}
