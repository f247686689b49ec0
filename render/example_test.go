package render_test

import (
	"fmt"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
)

func ExampleOrder() {
	film := model.ObjectRef{Kind: model.KindTable, Schema: "public", Name: "film"}
	rating := model.ObjectRef{Kind: model.KindType, Schema: "public", Name: "rating"}
	stmts := []render.Statement{
		{ID: "12 table public.film", SQL: "CREATE TABLE public.film (rating public.rating);",
			Provides: []model.ObjectRef{film}, Requires: []model.ObjectRef{rating}},
		{ID: "04 type public.rating", SQL: "CREATE TYPE public.rating AS ENUM ('G', 'PG');",
			Provides: []model.ObjectRef{rating}},
	}
	ordered, err := render.Order(stmts)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range ordered {
		fmt.Println(st.SQL)
	}
	// Output:
	// CREATE TYPE public.rating AS ENUM ('G', 'PG');
	// CREATE TABLE public.film (rating public.rating);
}

func ExampleSchemaSQL() {
	s := &model.Schema{
		Namespaces: []model.Namespace{{Name: "public", Comment: "standard public schema"}},
		Tables: []model.Table{{
			QName: model.QName{Schema: "public", Name: "film"},
			Kind:  model.TableOrdinary,
			Columns: []model.Column{
				{Name: "film_id", Type: "integer", NotNull: true},
				{Name: "title", Type: "text", NotNull: true},
			},
			Constraints: []model.Constraint{{Name: "film_pkey", Type: model.PrimaryKey, Definition: "PRIMARY KEY (film_id)"}},
			Comment:     "films",
		}},
	}
	script, err := render.SchemaSQL(s, render.Options{Comments: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(script)
	// Output:
	// -- Schema written by retort. Apply to a freshly created database:
	// --   psql -v ON_ERROR_STOP=1 -f FILE
	//
	// SET statement_timeout = 0;
	// SET lock_timeout = 0;
	// SET idle_in_transaction_session_timeout = 0;
	// SET client_encoding = 'UTF8';
	// SET standard_conforming_strings = on;
	// SET search_path = pg_catalog;
	// SET check_function_bodies = false;
	// SET default_tablespace = '';
	// SET default_table_access_method = heap;
	// SET xmloption = content;
	// SET client_min_messages = warning;
	// SET row_security = off;
	//
	// CREATE TABLE public.film (
	//     film_id integer NOT NULL,
	//     title text NOT NULL
	// );
	//
	// ALTER TABLE ONLY public.film
	//     ADD CONSTRAINT film_pkey PRIMARY KEY (film_id);
	//
	// COMMENT ON SCHEMA public IS 'standard public schema';
	//
	// COMMENT ON TABLE public.film IS 'films';
}
