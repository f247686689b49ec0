package render

import (
	"fmt"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// function creates a function or procedure from pg_get_functiondef's text,
// which is a whole CREATE OR REPLACE statement. Bodies are not validated
// (the script sets check_function_bodies off), so a function waits only on
// what its signature and an SQL-standard body need.
func (b *builder) function(f *model.Function) {
	t := functionTarget(f)
	ref := t.ref
	def := strings.TrimSpace(f.Definition)
	if !strings.HasPrefix(def, "CREATE ") {
		b.errorf(t.id, "definition is not a CREATE statement")
		return
	}
	b.add(Statement{
		ID:       stmtID(prioFunction, t.id),
		prio:     prioFunction,
		SQL:      def,
		Provides: []model.ObjectRef{ref},
		Requires: append([]model.ObjectRef{nsRef(f.Schema)}, f.Deps...),
	})
	b.comment(t, f.Comment)
	b.owner(t, f.Owner)
	b.grants(t, f.Owner, f.Grants)
}

func functionTarget(f *model.Function) target {
	kind := "FUNCTION"
	if f.Kind == model.KindProcedure {
		kind = "PROCEDURE"
	}
	sig := qnameSQL(f.QName) + "(" + f.IdentityArgs + ")"
	return target{ref: funcRef(*f), id: "function " + sig, comment: kind + " " + sig, alter: kind + " " + sig, grant: kind + " " + sig}
}

func aggregateTarget(a *model.Aggregate) target {
	name := qnameSQL(a.QName)
	sig := name + aggSignature(a)
	return target{
		ref:     aggRef(*a),
		id:      "aggregate " + name + "(" + a.IdentityArgs + ")",
		comment: "AGGREGATE " + sig,
		alter:   "AGGREGATE " + sig,
		// GRANT names aggregates as functions, with every argument in one list.
		grant: "FUNCTION " + name + "(" + flatArgs(a.IdentityArgs) + ")",
	}
}

// aggregate creates an aggregate from its pg_aggregate fields.
func (b *builder) aggregate(a *model.Aggregate) {
	name := qnameSQL(a.QName)
	sig := name + aggSignature(a)
	t := aggregateTarget(a)
	ref := t.ref
	if a.SFunc == "" || a.SType == "" {
		b.errorf(t.id, "no state function or state type")
		return
	}
	req := append([]model.ObjectRef{nsRef(a.Schema)}, a.Deps...)
	opts := []string{"SFUNC = " + nameText(a.SFunc), "STYPE = " + a.SType}
	req = append(req, b.routineRefs(a.SFunc)...)
	req = append(req, typeAndCollationRefs(a.SType, "")...)
	fn := func(key, val string) {
		if val != "" && val != "-" {
			opts = append(opts, key+" = "+nameText(val))
			req = append(req, b.routineRefs(val)...)
		}
	}
	if a.SSpace != 0 {
		opts = append(opts, fmt.Sprintf("SSPACE = %d", a.SSpace))
	}
	fn("FINALFUNC", a.FinalFunc)
	if a.FinalExtra {
		opts = append(opts, "FINALFUNC_EXTRA")
	}
	// The default is READ_ONLY for plain aggregates and READ_WRITE for
	// ordered-set ones.
	defModify := "r"
	if a.Kind == "o" || a.Kind == "h" {
		defModify = "w"
	}
	if m := a.FinalModify; m != "" && (a.FinalFunc != "" || m != defModify) {
		v, ok := modifies[m]
		if !ok {
			b.errorf(t.id, "unknown finalfunc_modify %q", m)
			return
		}
		opts = append(opts, "FINALFUNC_MODIFY = "+v)
	}
	fn("COMBINEFUNC", a.CombineFunc)
	fn("SERIALFUNC", a.SerialFunc)
	fn("DESERIALFUNC", a.DeserialFunc)
	if a.InitCond != nil {
		opts = append(opts, "INITCOND = "+sqlq.Literal(*a.InitCond))
	}
	if a.MSFunc != "" && a.MSFunc != "-" {
		fn("MSFUNC", a.MSFunc)
		fn("MINVFUNC", a.MInvFunc)
		if a.MSType != "" {
			opts = append(opts, "MSTYPE = "+a.MSType)
			req = append(req, typeAndCollationRefs(a.MSType, "")...)
		}
		if a.MSSpace != 0 {
			opts = append(opts, fmt.Sprintf("MSSPACE = %d", a.MSSpace))
		}
		fn("MFINALFUNC", a.MFinalFunc)
		if a.MFinalExtra {
			opts = append(opts, "MFINALFUNC_EXTRA")
		}
		if m := a.MFinalModify; m != "" && (a.MFinalFunc != "" || m != defModify) {
			v, ok := modifies[m]
			if !ok {
				b.errorf(t.id, "unknown mfinalfunc_modify %q", m)
				return
			}
			opts = append(opts, "MFINALFUNC_MODIFY = "+v)
		}
		if a.MInitCond != nil {
			opts = append(opts, "MINITCOND = "+sqlq.Literal(*a.MInitCond))
		}
	}
	if op := sortOp(a.SortOp); op != "" {
		opts = append(opts, "SORTOP = "+op)
	}
	switch a.Parallel {
	case "", "u":
	case "s":
		opts = append(opts, "PARALLEL = SAFE")
	case "r":
		opts = append(opts, "PARALLEL = RESTRICTED")
	default:
		b.errorf(t.id, "unknown parallel safety %q", a.Parallel)
		return
	}
	if a.Kind == "h" {
		opts = append(opts, "HYPOTHETICAL")
	}
	b.add(Statement{
		ID:       stmtID(prioAggregate, t.id),
		prio:     prioAggregate,
		SQL:      "CREATE AGGREGATE " + sig + " (\n    " + strings.Join(opts, ",\n    ") + "\n)",
		Provides: []model.ObjectRef{ref},
		Requires: req,
	})
	b.comment(t, a.Comment)
	b.owner(t, a.Owner)
	b.grants(t, a.Owner, a.Grants)
}

var modifies = map[string]string{"r": "READ_ONLY", "s": "SHAREABLE", "w": "READ_WRITE"}

// aggSignature is an aggregate's argument list as CREATE, ALTER and COMMENT
// take it: "(*)" for none, and ORDER BY between the direct and aggregated
// arguments of an ordered-set aggregate (pg_get_function_arguments already
// prints it; a hand-written model may not).
func aggSignature(a *model.Aggregate) string {
	args := strings.TrimSpace(a.Args)
	if args == "" {
		args = strings.TrimSpace(a.IdentityArgs)
	}
	if args == "" {
		return "(*)"
	}
	if (a.Kind == "o" || a.Kind == "h") && indexTopLevel(args, "ORDER BY") < 0 {
		parts := splitTopLevel(args)
		n := min(max(a.NumDirectArgs, 0), len(parts))
		direct, agg := strings.Join(parts[:n], ", "), strings.Join(parts[n:], ", ")
		if direct == "" {
			args = "ORDER BY " + agg
		} else {
			args = direct + " ORDER BY " + agg
		}
	}
	return "(" + args + ")"
}

// flatArgs turns identity arguments that hold ORDER BY into one list.
func flatArgs(args string) string {
	args = strings.TrimPrefix(strings.TrimSpace(args), "ORDER BY ")
	if i := indexTopLevel(args, " ORDER BY "); i >= 0 {
		args = args[:i] + ", " + args[i+len(" ORDER BY "):]
	}
	return args
}

// sortOp turns a regoperator text such as ">(integer,integer)" or
// "public.>>>(integer,integer)" into what SORTOP takes.
func sortOp(text string) string {
	if text == "" || text == "0" || text == "-" {
		return ""
	}
	if i := strings.LastIndex(text, "("); i > 0 {
		text = text[:i]
	}
	if strings.Contains(text, ".") {
		return "OPERATOR(" + text + ")"
	}
	return text
}
