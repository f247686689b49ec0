package introspect

import (
	"context"

	"github.com/retortdb/retort/model"
)

// relName returns the name of an inspected table or view, and false for any
// other relation (an extension's, an ignored one, one out of scope).
func (in *inspector) relName(oid uint32) (model.QName, bool) {
	if i, ok := in.tableIdx[oid]; ok {
		return in.s.Tables[i].QName, true
	}
	if i, ok := in.viewIdx[oid]; ok {
		return in.s.Views[i].QName, true
	}
	return model.QName{}, false
}

// triggers reads the triggers declared on tables and views.
func (in *inspector) triggers(ctx context.Context) error {
	var r struct {
		oid, rel                   uint32
		name, definition, function string
		constraint                 bool
		enabled                    string
		comment                    text
	}
	in.triggerIdx = map[uint32]int{}
	return in.each(ctx, "triggers", []any{in.nsps},
		[]any{&r.oid, &r.rel, &r.name, &r.definition, &r.function, &r.constraint, &r.enabled, &r.comment},
		func() error {
			table, ok := in.relName(r.rel)
			if !ok {
				return nil
			}
			in.triggerIdx[r.oid] = len(in.s.Triggers)
			in.s.Triggers = append(in.s.Triggers, model.Trigger{
				Table:      table,
				Name:       r.name,
				Definition: r.definition,
				Function:   r.function,
				Constraint: r.constraint,
				Enabled:    r.enabled,
				Comment:    r.comment.String,
			})
			return nil
		})
}

// eventTriggers reads event triggers, which belong to no schema; with
// Options.Schemas set, only those whose function is in a listed schema.
func (in *inspector) eventTriggers(ctx context.Context) error {
	var r struct {
		name, event       string
		tags              []string
		function, enabled string
		owner             string
		comment           text
		funcNamespace     uint32
	}
	return in.each(ctx, "event_triggers", []any{in.leftOutOf(pgEventTrigger)},
		[]any{&r.name, &r.event, &r.tags, &r.function, &r.enabled, &r.owner, &r.comment, &r.funcNamespace},
		func() error {
			if !in.global && !in.inScope(r.funcNamespace) {
				return nil
			}
			in.s.EventTriggers = append(in.s.EventTriggers, model.EventTrigger{
				Name:     r.name,
				Event:    r.event,
				Tags:     r.tags,
				Function: r.function,
				Enabled:  r.enabled,
				Owner:    r.owner,
				Comment:  r.comment.String,
			})
			return nil
		})
}

// rules reads rewrite rules other than views' _RETURN rules.
func (in *inspector) rules(ctx context.Context) error {
	var r struct {
		oid, rel                  uint32
		name, definition, enabled string
		comment                   text
	}
	in.ruleIdx = map[uint32]int{}
	return in.each(ctx, "rules", []any{in.nsps},
		[]any{&r.oid, &r.rel, &r.name, &r.definition, &r.enabled, &r.comment},
		func() error {
			table, ok := in.relName(r.rel)
			if !ok {
				return nil
			}
			in.ruleIdx[r.oid] = len(in.s.Rules)
			in.s.Rules = append(in.s.Rules, model.Rule{
				Table:      table,
				Name:       r.name,
				Definition: r.definition,
				Enabled:    r.enabled,
				Comment:    r.comment.String,
			})
			return nil
		})
}

// policies reads row-level security policies.
func (in *inspector) policies(ctx context.Context) error {
	var r struct {
		oid, rel     uint32
		name         string
		permissive   bool
		command      string
		roles        []string
		using, check text
		comment      text
	}
	in.policyIdx = map[uint32]int{}
	return in.each(ctx, "policies", []any{in.nsps},
		[]any{&r.oid, &r.rel, &r.name, &r.permissive, &r.command, &r.roles, &r.using, &r.check, &r.comment},
		func() error {
			table, ok := in.relName(r.rel)
			if !ok {
				return nil
			}
			in.policyIdx[r.oid] = len(in.s.Policies)
			in.s.Policies = append(in.s.Policies, model.Policy{
				Table:      table,
				Name:       r.name,
				Permissive: r.permissive,
				Command:    r.command,
				Roles:      r.roles,
				Using:      r.using.String,
				WithCheck:  r.check.String,
				Comment:    r.comment.String,
			})
			return nil
		})
}
