package yaml_test

import (
	"testing"

	"github.com/retortdb/retort/model/internal/codec/codectest"
	"github.com/retortdb/retort/model/yaml"
)

func TestEncodeDecode(t *testing.T) {
	codectest.PureRoundTrip(t, ".yaml", yaml.Encode, yaml.Decode)
}
