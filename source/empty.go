package source

import (
	"errors"
	"fmt"

	"github.com/retortdb/retort/model"
)

// ErrEmptySchema is returned (wrapped) for a declared schema that declares
// no object besides schemas, unless [Loader.AllowEmpty] is set.
var ErrEmptySchema = errors.New("declares no object besides schemas")

// checkDeclares refuses an empty declared schema: planning against one
// drops everything the other side has (schema public included), which an
// empty or truncated file almost never means.
func (l *Loader) checkDeclares(spec Spec, s *model.Schema) error {
	if l.AllowEmpty || s.Declares() {
		return nil
	}
	return fmt.Errorf("source %s %w (an empty or cut file?): a plan to it drops everything else; "+
		"give --allow-empty if that is what you want", spec, ErrEmptySchema)
}
