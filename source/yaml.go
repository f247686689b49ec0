package source

import (
	"context"
	"fmt"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/yaml"
)

// loadYAML decodes YAML schema files (a file, or a directory's .yaml and
// .yml files) and normalizes them through the dev server.
func (l *run) loadYAML(ctx context.Context, spec Spec) (*model.Schema, error) {
	files, err := declaredFiles(spec.Path, ".yaml", ".yml")
	if err != nil {
		return nil, err
	}
	decoded, err := yaml.DecodeFiles(files)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", spec, err)
	}
	s, err := l.declared(ctx, spec, decoded)
	if err != nil {
		return nil, locateRejection(files, err)
	}
	return s, nil
}
