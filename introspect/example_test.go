package introspect_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/retortdb/retort/introspect"
	"github.com/retortdb/retort/model"
)

// Inspect a database, leaving out one schema and retort's own version table.
func ExampleInspectURL() {
	s, err := introspect.InspectURL(context.Background(), os.Getenv("DATABASE_URL"), introspect.Options{
		Exclude:      []string{"audit"},
		IgnoreTables: []model.QName{{Schema: "public", Name: "retort_version"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range s.Tables {
		fmt.Printf("%s: %d columns\n", t.QName, len(t.Columns))
	}
	for kind, n := range s.Unsupported {
		fmt.Printf("not compared yet: %d %s\n", n, kind)
	}
}
