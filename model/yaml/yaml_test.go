package yaml_test

import (
	"testing"

	"github.com/retortdb/retort/internal/codectest"
	"github.com/retortdb/retort/model/yaml"
)

func TestEncodeDecode(t *testing.T) {
	codectest.PureRoundTrip(t, ".yaml", yaml.Encode, yaml.Decode)
}

func TestNotNullConstraints(t *testing.T) {
	codectest.NotNullConstraints(t, ".yaml", yaml.Encode, yaml.Decode)
}
