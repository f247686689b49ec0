package migrate_test

import (
	"fmt"
	"log"
	"testing/fstest"

	"github.com/retortdb/retort/migrate"
)

// A directory is read from any fs.FS; here, two revisions in memory.
func Example() {
	fsys := fstest.MapFS{
		"migrations/20261127_080000_create_users.sql": {Data: []byte(`-- retort:revision 1a2b3c4d5e6f
-- retort:message create users

-- retort:up
CREATE TABLE public.users (id bigint PRIMARY KEY);

-- retort:down
DROP TABLE public.users;
`)},
		"migrations/20261127_090000_add_name.sql": {Data: []byte(`-- retort:revision 3f2a9c1b7d4e
-- retort:parents 1a2b3c4d5e6f
-- retort:message add name

-- retort:up
ALTER TABLE public.users ADD COLUMN name text;

-- retort:down
ALTER TABLE public.users DROP COLUMN name;
`)},
	}
	dir, err := migrate.ReadDir(fsys, "migrations")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("heads:", dir.Heads())
	steps, err := dir.UpgradeSteps(nil, "head")
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range steps {
		fmt.Println(s)
	}
	// Output:
	// heads: [3f2a9c1b7d4e]
	// up 1a2b3c4d5e6f (20261127_080000_create_users.sql)
	// up 3f2a9c1b7d4e (20261127_090000_add_name.sql)
}
