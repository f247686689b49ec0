package source

import (
	"context"
	"fmt"
	"os"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/model/gotag"
)

// loadGo reads the tagged structs of the Go packages that spec's pattern
// names (go://./models/...), relative to the working directory, and
// normalizes the schema they declare through the dev server. With
// --dev-url none it returns the schema as declared, normalized only in
// order, and warns that comparisons with it are not exact.
func (l *run) loadGo(ctx context.Context, spec Spec) (*model.Schema, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", spec, err)
	}
	if spec.Path == "" {
		return nil, fmt.Errorf("source %s: no package pattern: want go://./models/... or go://./models", spec)
	}
	decoded, err := gotag.Load(dir, spec.Path)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", spec, err)
	}
	if l.DevURL == "none" {
		return l.withoutDevServer(spec, decoded), nil
	}
	s, err := l.normalize(ctx, spec, decoded)
	if err != nil {
		return nil, err
	}
	keepRenameHints(decoded, s)
	return s, nil
}
