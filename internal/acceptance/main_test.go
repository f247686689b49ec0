package acceptance

import (
	"flag"
	"testing"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
)

func TestMain(m *testing.M) {
	flag.Parse()
	// The round-trip cases spend their time waiting on PostgreSQL and psql,
	// not on the CPU: run more of them at once than GOMAXPROCS would, unless
	// the caller chose -parallel.
	parallelSet := false
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet {
		flag.Set("test.parallel", "8")
	}
	devdbtest.Main(m)
}
