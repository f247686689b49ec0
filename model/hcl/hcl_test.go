package hcl_test

import (
	"testing"

	"github.com/retortdb/retort/model/hcl"
	"github.com/retortdb/retort/model/internal/codec/codectest"
)

func TestEncodeDecode(t *testing.T) {
	codectest.PureRoundTrip(t, ".hcl", hcl.Encode, hcl.Decode)
}
