package introspect

import (
	"context"

	"github.com/retortdb/retort/model"
)

// functions reads functions, procedures and window functions.
func (in *inspector) functions(ctx context.Context) error {
	var r struct {
		oid                                uint32
		schema, name, kind, identity, args string
		result                             text
		language, definition, volatility   string
		strict, secdef, leakproof          bool
		parallel, owner                    string
		comment                            text
		grants                             grantList
	}
	in.funcIdx = map[uint32]int{}
	return in.each(ctx, "functions", []any{in.nsps, in.leftOutOf(pgProc)},
		[]any{&r.oid, &r.schema, &r.name, &r.kind, &r.identity, &r.args, &r.result, &r.language,
			&r.definition, &r.volatility, &r.strict, &r.secdef, &r.leakproof, &r.parallel, &r.owner,
			&r.comment, &r.grants},
		func() error {
			in.funcIdx[r.oid] = len(in.s.Functions)
			in.s.Functions = append(in.s.Functions, model.Function{
				QName:           model.QName{Schema: r.schema, Name: r.name},
				Kind:            model.FunctionKind(r.kind),
				IdentityArgs:    r.identity,
				Args:            r.args,
				Result:          r.result.String,
				Language:        r.language,
				Definition:      r.definition,
				Volatility:      r.volatility,
				Strict:          r.strict,
				SecurityDefiner: r.secdef,
				Leakproof:       r.leakproof,
				Parallel:        r.parallel,
				Owner:           r.owner,
				Comment:         r.comment.String,
				Grants:          r.grants,
			})
			return nil
		})
}

// aggregates reads user-defined aggregates.
func (in *inspector) aggregates(ctx context.Context) error {
	var r struct {
		oid                                 uint32
		schema, name, identity, args, kind  string
		numDirect                           int32
		sfunc, stype                        string
		sspace                              int32
		finalFunc                           text
		finalExtra                          bool
		finalModify                         string
		combine, serial, deserial, initCond text
		msfunc, minvfunc, mstype            text
		msspace                             int32
		mfinalFunc                          text
		mfinalExtra                         bool
		mfinalModify                        string
		minitCond, sortOp                   text
		parallel, owner                     string
		comment                             text
		grants                              grantList
	}
	in.aggIdx = map[uint32]int{}
	return in.each(ctx, "aggregates", []any{in.nsps, in.leftOutOf(pgProc)},
		[]any{&r.oid, &r.schema, &r.name, &r.identity, &r.args, &r.kind, &r.numDirect, &r.sfunc, &r.stype,
			&r.sspace, &r.finalFunc, &r.finalExtra, &r.finalModify, &r.combine, &r.serial, &r.deserial,
			&r.initCond, &r.msfunc, &r.minvfunc, &r.mstype, &r.msspace, &r.mfinalFunc, &r.mfinalExtra,
			&r.mfinalModify, &r.minitCond, &r.sortOp, &r.parallel, &r.owner, &r.comment, &r.grants},
		func() error {
			a := model.Aggregate{
				QName:         model.QName{Schema: r.schema, Name: r.name},
				IdentityArgs:  r.identity,
				Args:          r.args,
				Kind:          r.kind,
				NumDirectArgs: int(r.numDirect),
				SFunc:         r.sfunc,
				SType:         r.stype,
				SSpace:        int(r.sspace),
				FinalFunc:     r.finalFunc.String,
				FinalExtra:    r.finalExtra,
				FinalModify:   r.finalModify,
				CombineFunc:   r.combine.String,
				SerialFunc:    r.serial.String,
				DeserialFunc:  r.deserial.String,
				InitCond:      textPtr(r.initCond),
				MSFunc:        r.msfunc.String,
				MInvFunc:      r.minvfunc.String,
				MSType:        r.mstype.String,
				MSSpace:       int(r.msspace),
				MFinalFunc:    r.mfinalFunc.String,
				MFinalExtra:   r.mfinalExtra,
				MFinalModify:  r.mfinalModify,
				MInitCond:     textPtr(r.minitCond),
				SortOp:        r.sortOp.String,
				Parallel:      r.parallel,
				Owner:         r.owner,
				Comment:       r.comment.String,
				Grants:        r.grants,
			}
			in.aggIdx[r.oid] = len(in.s.Aggregates)
			in.s.Aggregates = append(in.s.Aggregates, a)
			return nil
		})
}

// textPtr returns nil for NULL, which an initial condition tells apart from
// the empty string.
func textPtr(t text) *string {
	if !t.Valid {
		return nil
	}
	s := t.String
	return &s
}
