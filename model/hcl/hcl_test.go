package hcl_test

import (
	"testing"

	"github.com/retortdb/retort/internal/codectest"
	"github.com/retortdb/retort/model/hcl"
)

func TestEncodeDecode(t *testing.T) {
	codectest.PureRoundTrip(t, ".hcl", hcl.Encode, hcl.Decode)
}

func TestNotNullConstraints(t *testing.T) {
	codectest.NotNullConstraints(t, ".hcl", hcl.Encode, hcl.Decode)
}
