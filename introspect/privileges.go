package introspect

import (
	"context"

	"github.com/retortdb/retort/model"
)

// defaultPrivileges reads pg_default_acl: the database-wide entries only
// when the whole database is inspected, the per-schema ones of the
// inspected schemas.
func (in *inspector) defaultPrivileges(ctx context.Context) error {
	var r struct {
		role, schema, objectType string
		grants                   grantList
	}
	return in.each(ctx, "default_privileges", []any{in.nsps, in.global},
		[]any{&r.role, &r.schema, &r.objectType, &r.grants},
		func() error {
			in.s.DefaultPrivileges = append(in.s.DefaultPrivileges, model.DefaultPrivileges{
				Role: r.role, Schema: r.schema, ObjectType: r.objectType, Grants: r.grants,
			})
			return nil
		})
}
