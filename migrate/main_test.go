package migrate

import (
	"testing"

	"github.com/retortdb/retort/internal/devdb/devdbtest"
)

func TestMain(m *testing.M) { devdbtest.Main(m) }
