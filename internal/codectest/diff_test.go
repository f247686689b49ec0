package codectest

import (
	"strings"
	"testing"

	"github.com/retortdb/retort/model"
)

func TestDiff(t *testing.T) {
	a := &model.Schema{Tables: []model.Table{{QName: model.QName{Schema: "public", Name: "t"},
		Columns: []model.Column{{Name: "a", Type: "integer"}, {Name: "b", Type: "text"}, {Name: "c", Type: "text"}, {Name: "d", Type: "text"}, {Name: "e", Type: "text"}}}}}
	b := &model.Schema{Tables: []model.Table{{QName: model.QName{Schema: "public", Name: "t"},
		Columns: []model.Column{{Name: "a", Type: "bigint"}, {Name: "b", Type: "text"}, {Name: "c", Type: "text"}, {Name: "d", Type: "text"}, {Name: "e", Type: "text"}}}}}
	d := Diff(a, b)
	if !strings.Contains(d, `-           "type": "integer"`) || !strings.Contains(d, `+           "type": "bigint"`) {
		t.Errorf("diff:\n%s", d)
	}
}
