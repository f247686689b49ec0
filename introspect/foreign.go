package introspect

import (
	"context"

	"github.com/retortdb/retort/model"
)

// foreignDataWrappers reads the foreign-data wrappers that no extension owns.
func (in *inspector) foreignDataWrappers(ctx context.Context) error {
	if !in.global {
		return nil
	}
	var r struct {
		name               string
		handler, validator text
		options            []string
		owner              string
		comment            text
		grants             grantList
	}
	return in.each(ctx, "foreign_data_wrappers", []any{in.leftOutOf(pgForeignDataWrapper)},
		[]any{&r.name, &r.handler, &r.validator, &r.options, &r.owner, &r.comment, &r.grants},
		func() error {
			in.s.ForeignDataWrappers = append(in.s.ForeignDataWrappers, model.ForeignDataWrapper{
				Name:      r.name,
				Handler:   r.handler.String,
				Validator: r.validator.String,
				Options:   r.options,
				Owner:     r.owner,
				Comment:   r.comment.String,
				Grants:    r.grants,
			})
			return nil
		})
}

// servers reads foreign servers.
func (in *inspector) servers(ctx context.Context) error {
	if !in.global {
		return nil
	}
	var r struct {
		name, wrapper string
		typ, version  text
		options       []string
		owner         string
		comment       text
		grants        grantList
	}
	return in.each(ctx, "servers", []any{in.leftOutOf(pgForeignServer)},
		[]any{&r.name, &r.wrapper, &r.typ, &r.version, &r.options, &r.owner, &r.comment, &r.grants},
		func() error {
			in.s.Servers = append(in.s.Servers, model.ForeignServer{
				Name:    r.name,
				Wrapper: r.wrapper,
				Type:    r.typ.String,
				Version: r.version.String,
				Options: r.options,
				Owner:   r.owner,
				Comment: r.comment.String,
				Grants:  r.grants,
			})
			return nil
		})
}

// userMappings reads user mappings, with their options where the role may see
// them.
func (in *inspector) userMappings(ctx context.Context) error {
	if !in.global {
		return nil
	}
	var r struct {
		server, user string
		options      []string
	}
	return in.each(ctx, "user_mappings", []any{in.leftOutOf(pgForeignServer)},
		[]any{&r.server, &r.user, &r.options},
		func() error {
			in.s.UserMappings = append(in.s.UserMappings, model.UserMapping{
				Server: r.server, User: r.user, Options: r.options,
			})
			return nil
		})
}

// casts reads user-defined casts; with Options.Schemas set, those whose
// function or source or target type is in a listed schema.
func (in *inspector) casts(ctx context.Context) error {
	var r struct {
		oid             uint32
		source, target  string
		function        text
		method, context string
		comment         text
		namespaces      []uint32
	}
	in.castIdx = map[uint32]int{}
	return in.each(ctx, "casts", []any{in.leftOutOf(pgCast)},
		[]any{&r.oid, &r.source, &r.target, &r.function, &r.method, &r.context, &r.comment, &r.namespaces},
		func() error {
			if !in.global {
				ok := false
				for _, n := range r.namespaces {
					ok = ok || in.inScope(n)
				}
				if !ok {
					return nil
				}
			}
			in.castIdx[r.oid] = len(in.s.Casts)
			in.s.Casts = append(in.s.Casts, model.Cast{
				Source:   r.source,
				Target:   r.target,
				Function: r.function.String,
				Method:   r.method,
				Context:  r.context,
				Comment:  r.comment.String,
			})
			return nil
		})
}
