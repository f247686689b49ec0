package source

import (
	"context"

	"github.com/retortdb/retort/model"
)

// loadSQL applies the SQL files of spec, as written, to a scratch database on
// the dev server and reads it back.
func (l *Loader) loadSQL(ctx context.Context, spec Spec) (*model.Schema, error) {
	files, err := sqlFiles(spec.Path)
	if err != nil {
		return nil, err
	}
	return l.onScratch(ctx, spec, files)
}
