package source

import (
	"context"
	"fmt"

	"github.com/retortdb/retort/model"
)

// loadYAML decodes YAML schema files and normalizes them through the dev server.
func (l *Loader) loadYAML(ctx context.Context, spec Spec) (*model.Schema, error) {
	return nil, fmt.Errorf("source %s: YAML sources are not supported yet", spec)
}
