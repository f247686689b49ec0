package gotag_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/retortdb/retort/model/gotag"
)

const exampleSource = `package models

// Status is an enum: a string type with constants.
type Status string

const (
	StatusNew  Status = "new"
	StatusDone Status = "done"
)

type Task struct {
	_      struct{} ` + "`retort:\"table:tasks\"`" + `
	ID     int64    ` + "`retort:\",pk,identity\"`" + `
	Title  string   ` + "`retort:\",type:varchar(200),index\"`" + `
	Status Status   ` + "`retort:\",default:'new'\"`" + `
	Notes  *string
}
`

func Example() {
	dir, err := os.MkdirTemp("", "models")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "models.go"), []byte(exampleSource), 0o644); err != nil {
		log.Fatal(err)
	}

	s, err := gotag.Load(dir, "./...")
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range s.Enums {
		fmt.Println("enum", e.QName, e.Labels)
	}
	for _, t := range s.Tables {
		fmt.Println("table", t.QName)
		for _, c := range t.Columns {
			fmt.Printf("  %s %s not null=%v default=%q\n", c.Name, c.Type, c.NotNull, c.Default)
		}
		for _, c := range t.Constraints {
			fmt.Println("  constraint", c.Name, c.Columns)
		}
		for _, ix := range t.Indexes {
			fmt.Println("  index", ix.Name, ix.Keys)
		}
	}
	// Output:
	// enum public.status [new done]
	// table public.tasks
	//   id bigint not null=true default=""
	//   title varchar(200) not null=true default=""
	//   status public.status not null=true default="'new'"
	//   notes text not null=false default=""
	//   constraint tasks_pkey [id]
	//   index tasks_title_idx [title]
}
