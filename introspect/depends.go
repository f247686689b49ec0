package introspect

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/retortdb/retort/model"
)

// depends reads every normal dependency in one query and files each under
// the object that has it. It runs after every other kind: the referenced
// objects are named from what those read.
func (in *inspector) depends(ctx context.Context) error {
	var r struct {
		kind          string
		oid           uint32
		sub           int32
		refClass, ref uint32
		elem          pgtype.Uint32
	}
	return in.each(ctx, "depends", []any{in.allLeftOut},
		[]any{&r.kind, &r.oid, &r.sub, &r.refClass, &r.ref, &r.elem},
		func() error {
			class, oid := r.refClass, r.ref
			if r.elem.Valid {
				// An array type stands for its element type.
				class, oid = pgType, r.elem.Uint32
			}
			if ref, ok := in.objectRef(class, oid); ok {
				in.addDep(r.kind, r.oid, r.sub, ref)
			}
			return nil
		})
}

// objectRef names the object (class, oid) as a dependency: an extension's
// object by its extension, the others as the model knows them. It reports
// false for what is not inspected (system objects, objects of schemas left
// out) and for kinds the model has no name for (operators, languages, …).
func (in *inspector) objectRef(class, oid uint32) (model.ObjectRef, bool) {
	if ext, ok := in.extMembers[class][oid]; ok {
		return model.ObjectRef{Kind: model.KindExtension, Name: ext}, true
	}
	if holder, ok := in.internal[objectID{class, oid}]; ok {
		return in.objectRef(holder.catalog, holder.oid)
	}
	s := in.s
	switch class {
	case pgClass:
		if i, ok := in.tableIdx[oid]; ok {
			return model.ObjectRef{Kind: model.KindTable, Schema: s.Tables[i].Schema, Name: s.Tables[i].Name}, true
		}
		if i, ok := in.viewIdx[oid]; ok {
			v := &s.Views[i]
			kind := model.KindView
			if v.Materialized {
				kind = model.KindMaterializedView
			}
			return model.ObjectRef{Kind: kind, Schema: v.Schema, Name: v.Name}, true
		}
		if i, ok := in.seqIdx[oid]; ok {
			return model.ObjectRef{Kind: model.KindSequence, Schema: s.Sequences[i].Schema, Name: s.Sequences[i].Name}, true
		}
		if c, ok := in.indexIdx[oid]; ok {
			ix, rel := in.indexAt(c)
			return model.ObjectRef{Kind: model.KindIndex, Schema: rel.Schema, Table: rel.Name, Name: ix.Name}, true
		}
		if c, ok := in.conByIndex[oid]; ok {
			t := &s.Tables[c.rel]
			return model.ObjectRef{Kind: model.KindConstraint, Schema: t.Schema, Table: t.Name, Name: t.Constraints[c.i].Name}, true
		}
		if i, ok := in.composites[oid]; ok {
			return typeRefOf(s.CompositeTypes[i].QName), true
		}
		if q, ok := in.ignored[oid]; ok {
			return model.ObjectRef{Kind: model.KindTable, Schema: q.Schema, Name: q.Name}, true
		}
	case pgType:
		if t, ok := in.typeIdx[oid]; ok {
			switch t.kind {
			case 'd':
				return typeRefOf(s.Domains[t.i].QName), true
			case 'c':
				return typeRefOf(s.CompositeTypes[t.i].QName), true
			case 'r':
				return typeRefOf(s.RangeTypes[t.i].QName), true
			}
		}
		if i, ok := in.enumIdx[oid]; ok {
			return typeRefOf(s.Enums[i].QName), true
		}
		if rel, ok := in.rowTypes[oid]; ok {
			return in.objectRef(pgClass, rel)
		}
		if rng, ok := in.multirange[oid]; ok {
			return in.objectRef(pgType, rng)
		}
	case pgProc:
		if i, ok := in.funcIdx[oid]; ok {
			f := &s.Functions[i]
			return model.ObjectRef{Kind: model.KindFunction, Schema: f.Schema, Name: f.Name, Args: f.IdentityArgs}, true
		}
		if i, ok := in.aggIdx[oid]; ok {
			a := &s.Aggregates[i]
			return model.ObjectRef{Kind: model.KindAggregate, Schema: a.Schema, Name: a.Name, Args: a.IdentityArgs}, true
		}
	case pgCollation:
		if i, ok := in.collIdx[oid]; ok {
			return model.ObjectRef{Kind: model.KindCollation, Schema: s.Collations[i].Schema, Name: s.Collations[i].Name}, true
		}
	case pgConstraint:
		if c, ok := in.constraintIdx[oid]; ok {
			t := &s.Tables[c.rel]
			return model.ObjectRef{Kind: model.KindConstraint, Schema: t.Schema, Table: t.Name, Name: t.Constraints[c.i].Name}, true
		}
		if i, ok := in.domainChecks[oid]; ok {
			return typeRefOf(s.Domains[i].QName), true
		}
	}
	return model.ObjectRef{}, false
}

func typeRefOf(q model.QName) model.ObjectRef {
	return model.ObjectRef{Kind: model.KindType, Schema: q.Schema, Name: q.Name}
}

// addDep files ref under the dependent object (kind, oid, sub), unless the
// object is not inspected or ref names the object itself or the relation it
// belongs to: those go without saying.
func (in *inspector) addDep(kind string, oid uint32, sub int32, ref model.ObjectRef) {
	s := in.s
	// onRel reports whether ref is the relation rel, which the dependent hangs off.
	onRel := func(rel model.QName) bool {
		return (ref.Kind == model.KindTable || ref.Kind == model.KindView || ref.Kind == model.KindMaterializedView) &&
			ref.Table == "" && ref.Schema == rel.Schema && ref.Name == rel.Name
	}
	isType := func(q model.QName) bool {
		return ref.Kind == model.KindType && ref.Schema == q.Schema && ref.Name == q.Name
	}
	switch kind {
	case "view":
		if i, ok := in.viewIdx[oid]; ok && !onRel(s.Views[i].QName) {
			s.Views[i].Deps = append(s.Views[i].Deps, ref)
		}
	case "rule":
		if i, ok := in.ruleIdx[oid]; ok && !onRel(s.Rules[i].Table) {
			s.Rules[i].Deps = append(s.Rules[i].Deps, ref)
		}
	case "column":
		if ti, ok := in.tableIdx[oid]; ok {
			t := &s.Tables[ti]
			if ci, ok := slices.BinarySearch(in.attnums[oid], int16(sub)); ok && !onRel(t.QName) {
				t.Columns[ci].Deps = append(t.Columns[ci].Deps, ref)
			}
		} else if ci, ok := in.composites[oid]; ok && !isType(s.CompositeTypes[ci].QName) {
			s.CompositeTypes[ci].Deps = append(s.CompositeTypes[ci].Deps, ref)
		}
	case "index":
		if c, ok := in.indexIdx[oid]; ok {
			ix, rel := in.indexAt(c)
			if !onRel(rel) {
				ix.Deps = append(ix.Deps, ref)
			}
		} else if c, ok := in.conByIndex[oid]; ok {
			t := &s.Tables[c.rel]
			if !onRel(t.QName) {
				t.Constraints[c.i].Deps = append(t.Constraints[c.i].Deps, ref)
			}
		}
	case "constraint":
		if c, ok := in.constraintIdx[oid]; ok {
			t := &s.Tables[c.rel]
			if !onRel(t.QName) {
				t.Constraints[c.i].Deps = append(t.Constraints[c.i].Deps, ref)
			}
		} else if di, ok := in.domainChecks[oid]; ok && !isType(s.Domains[di].QName) {
			s.Domains[di].Deps = append(s.Domains[di].Deps, ref)
		}
	case "type":
		t, ok := in.typeIdx[oid]
		if !ok {
			return
		}
		switch t.kind {
		case 'd':
			if !isType(s.Domains[t.i].QName) {
				s.Domains[t.i].Deps = append(s.Domains[t.i].Deps, ref)
			}
		case 'c':
			if !isType(s.CompositeTypes[t.i].QName) {
				s.CompositeTypes[t.i].Deps = append(s.CompositeTypes[t.i].Deps, ref)
			}
		case 'r':
			if !isType(s.RangeTypes[t.i].QName) {
				s.RangeTypes[t.i].Deps = append(s.RangeTypes[t.i].Deps, ref)
			}
		}
	case "function":
		if i, ok := in.funcIdx[oid]; ok {
			f := &s.Functions[i]
			if ref.Kind != model.KindFunction || ref.Schema != f.Schema || ref.Name != f.Name || ref.Args != f.IdentityArgs {
				f.Deps = append(f.Deps, ref)
			}
		} else if i, ok := in.aggIdx[oid]; ok {
			a := &s.Aggregates[i]
			if ref.Kind != model.KindAggregate || ref.Schema != a.Schema || ref.Name != a.Name || ref.Args != a.IdentityArgs {
				a.Deps = append(a.Deps, ref)
			}
		}
	case "trigger":
		if i, ok := in.triggerIdx[oid]; ok && !onRel(s.Triggers[i].Table) {
			s.Triggers[i].Deps = append(s.Triggers[i].Deps, ref)
		}
	case "policy":
		if i, ok := in.policyIdx[oid]; ok && !onRel(s.Policies[i].Table) {
			s.Policies[i].Deps = append(s.Policies[i].Deps, ref)
		}
	case "cast":
		if i, ok := in.castIdx[oid]; ok {
			s.Casts[i].Deps = append(s.Casts[i].Deps, ref)
		}
	case "statistics":
		if i, ok := in.statsIdx[oid]; ok && !onRel(s.Statistics[i].Table) {
			s.Statistics[i].Deps = append(s.Statistics[i].Deps, ref)
		}
	}
}

// indexAt returns the index c locates and the relation it is on.
func (in *inspector) indexAt(c childRef) (*model.Index, model.QName) {
	if c.view {
		v := &in.s.Views[c.rel]
		return &v.Indexes[c.i], v.QName
	}
	t := &in.s.Tables[c.rel]
	return &t.Indexes[c.i], t.QName
}
