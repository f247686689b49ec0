package source

import (
	"context"
	"fmt"

	"github.com/retortdb/retort/model"
)

// loadHCL decodes HCL schema files and normalizes them through the dev server.
func (l *Loader) loadHCL(ctx context.Context, spec Spec) (*model.Schema, error) {
	return nil, fmt.Errorf("source %s: HCL sources are not supported yet", spec)
}
