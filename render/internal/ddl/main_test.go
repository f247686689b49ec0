package ddl_test

import (
	"flag"
	"testing"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
)

var update = flag.Bool("update", false, "rewrite builtin_casts.go from pg_cast")

func TestMain(m *testing.M) { devdbtest.Main(m) }
