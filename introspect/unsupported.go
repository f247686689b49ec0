package introspect

import "context"

// unsupported counts the objects the model cannot represent yet.
func (in *inspector) unsupported(ctx context.Context) error {
	var r struct {
		kind  string
		count int32
	}
	return in.each(ctx, "unsupported", []any{in.nsps, in.allLeftOut, in.global},
		[]any{&r.kind, &r.count},
		func() error {
			if in.s.Unsupported == nil {
				in.s.Unsupported = map[string]int{}
			}
			in.s.Unsupported[r.kind] += int(r.count)
			return nil
		})
}
