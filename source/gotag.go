package source

import (
	"context"
	"fmt"

	"github.com/retortdb/retort/model"
)

// loadGo reads tagged Go structs and normalizes them through the dev server.
func (l *Loader) loadGo(ctx context.Context, spec Spec) (*model.Schema, error) {
	return nil, fmt.Errorf("source %s: Go sources are not supported yet", spec)
}
