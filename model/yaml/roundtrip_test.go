package yaml_test

import (
	"testing"

	"github.com/retortdb/retort/internal/codectest"
	"github.com/retortdb/retort/internal/devdb/devdbtest"
	"github.com/retortdb/retort/internal/sharedtest"
	"github.com/retortdb/retort/model/yaml"
)

func TestMain(m *testing.M) { devdbtest.Main(m) }

// TestRoundTripRealSchemas proves that a real database, written as YAML and
// read back through the dev server, is the same database.
func TestRoundTripRealSchemas(t *testing.T) {
	for _, rs := range codectest.RealSchemas {
		t.Run(rs.Name, func(t *testing.T) {
			t.Parallel()
			var files []string
			for _, f := range rs.Files {
				files = append(files, sharedtest.Schema(t, f))
			}
			codectest.RoundTrip(t, codectest.Encoder{Ext: ".yaml", Encode: yaml.Encode}, files)
		})
	}
}

// TestRoundTripEveryKind proves the round trip on a schema with every kind
// of object the model holds.
func TestRoundTripEveryKind(t *testing.T) {
	t.Parallel()
	codectest.RoundTrip(t, codectest.Encoder{Ext: ".yaml", Encode: yaml.Encode}, []string{codectest.KindsSQL})
}
