package hcl_test

import (
	"fmt"
	"log"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/hcl"
)

func ExampleDecode() {
	src := `
schema "public" {}

table "users" {
  schema = schema.public
  column "id" {
    type = bigint
  }
  column "email" {
    type = varchar(255)
    null = true
  }
  primary_key {
    columns = [column.id]
  }
}`
	s, err := hcl.Decode("schema.hcl", []byte(src))
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range s.Tables[0].Columns {
		fmt.Printf("%s %s not null: %v\n", c.Name, c.Type, c.NotNull)
	}
	fmt.Println(s.Tables[0].Constraints[0].Name, s.Tables[0].Constraints[0].Definition)
	// Output:
	// id bigint not null: true
	// email character varying(255) not null: false
	// users_pkey PRIMARY KEY (id)
}

func ExampleDecode_error() {
	src := `table "users" {
  column "id" { type = bigint }
  primary_key {
    columns = [column.uid]
  }
}`
	_, err := hcl.Decode("schema.hcl", []byte(src))
	fmt.Println(err)
	// Output:
	// schema.hcl:4:16: table public.users has no column "uid": column.uid
}

func ExampleEncode() {
	s := &model.Schema{
		Namespaces: []model.Namespace{{Name: "public", Comment: "standard public schema"}},
		Tables: []model.Table{{
			QName: model.QName{Schema: "public", Name: "users"},
			Kind:  model.TableOrdinary,
			Columns: []model.Column{
				{Name: "id", Type: "bigint", NotNull: true},
				{Name: "created", Type: "timestamp with time zone", NotNull: true, Default: "now()"},
			},
			ReplicaIdentity: "d",
		}},
	}
	b, err := hcl.Encode(s)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(b))
	// Output:
	// schema "public" {}
	//
	// table "users" {
	//   schema = schema.public
	//   column "id" {
	//     type = bigint
	//     null = false
	//   }
	//   column "created" {
	//     type    = timestamptz
	//     null    = false
	//     default = sql("now()")
	//   }
	// }
}
