package yaml_test

import (
	"fmt"
	"log"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/yaml"
)

func ExampleDecode() {
	src := `
tables:
  - name: users
    columns:
      - {name: id, type: bigint}
      - {name: created, type: timestamptz, default: {sql: now()}}
    primary_key: {columns: [id]}
`
	s, err := yaml.Decode("schema.yaml", []byte(src))
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range s.Tables[0].Columns {
		fmt.Printf("%s %s default %q\n", c.Name, c.Type, c.Default)
	}
	// Output:
	// id bigint default ""
	// created timestamp with time zone default "now()"
}

func ExampleEncode() {
	s := &model.Schema{
		Enums: []model.Enum{{QName: model.QName{Schema: "public", Name: "mood"}, Labels: []string{"sad", "happy"}}},
		Tables: []model.Table{{
			QName:           model.QName{Schema: "public", Name: "people"},
			Kind:            model.TableOrdinary,
			Columns:         []model.Column{{Name: "mood", Type: "public.mood", Default: "'happy'::public.mood"}},
			ReplicaIdentity: "d",
		}},
	}
	b, err := yaml.Encode(s)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(b))
	// Output:
	// enums:
	//   - name: mood
	//     schema: public
	//     values: [sad, happy]
	// tables:
	//   - name: people
	//     schema: public
	//     columns:
	//       - name: mood
	//         type: public.mood
	//         null: true
	//         default: happy
}
