package sqlddl_test

import (
	"fmt"

	"github.com/retortdb/retort/model/sqlddl"
)

func ExampleSplit() {
	src := []byte(`-- A schema.
CREATE TABLE orders (id int PRIMARY KEY, note text DEFAULT 'a;b');

CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.note := 'touched';
  RETURN NEW;
END
$$;
CREATE TABLE later (a int, b int GENERATED ALWAYS AS (a * 2) VIRTUAL);
`)
	stmts, err := sqlddl.Split("schema.sql", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range stmts {
		fmt.Printf("%s:%d:%d %s: %s\n", s.File, s.Line, s.Col, s.Kind, s.FirstLine())
		if s.ParseErr != nil {
			fmt.Println("  pg_query:", s.ParseErr)
		}
	}
	// Output:
	// schema.sql:2:1 CreateStmt: CREATE TABLE orders (id int PRIMARY KEY, note text DEFAULT 'a;b')
	// schema.sql:4:1 CreateFunctionStmt: CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ …
	// schema.sql:10:1 : CREATE TABLE later (a int, b int GENERATED ALWAYS AS (a * 2) VIRTUAL)
	//   pg_query: schema.sql:10:62: syntax error at or near "VIRTUAL"
}

func ExampleCanonical() {
	a, _ := sqlddl.Canonical("LOWER( email ) = ANY (ARRAY['a'])")
	b, _ := sqlddl.Canonical("lower(email) = any(array['a'])")
	fmt.Println(a)
	fmt.Println(a == b)
	t, _ := sqlddl.CanonicalType("varchar(255)[]")
	fmt.Println(t)
	// Output:
	// lower(email) = ANY(ARRAY['a'])
	// true
	// character varying(255)[]
}

func ExampleDeps() {
	refs, err := sqlddl.Deps("CREATE VIEW app.big_orders AS SELECT * FROM app.orders WHERE total(id) > 100")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("creates", refs.Creates)
	fmt.Println("uses", refs.Uses)
	// Output:
	// creates [relation app.big_orders type app.big_orders]
	// uses [schema app relation app.orders function total]
}
