package ddl

import (
	"fmt"
	"strings"

	"github.com/retortdb/retort/internal/sqlq"
	"github.com/retortdb/retort/model"
)

// Function creates a function or procedure from pg_get_functiondef's text,
// which is a whole CREATE OR REPLACE statement. Bodies are not validated
// (the script sets check_function_bodies off), so a function waits only on
// what its signature and an SQL-standard body need.
func (b *Builder) Function(f *model.Function) {
	t := FunctionTarget(f)
	ref := t.Ref
	def := strings.TrimSpace(f.Definition)
	if !strings.HasPrefix(def, "CREATE ") {
		b.Errorf(t.ID, "definition is not a CREATE statement")
		return
	}
	b.add(Statement{
		ID:       StmtID(PrioFunction, t.ID),
		Priority: PrioFunction,
		SQL:      def,
		Provides: []model.ObjectRef{ref},
		Requires: append([]model.ObjectRef{NamespaceRef(f.Schema)}, f.Deps...),
	})
	b.comment(t, f.Comment)
	b.Owner(t, f.Owner)
	b.Grants(t, f.Owner, f.Grants)
}

func FunctionTarget(f *model.Function) Target {
	kind := "FUNCTION"
	if f.Kind == model.KindProcedure {
		kind = "PROCEDURE"
	}
	sig := QNameSQL(f.QName) + "(" + f.IdentityArgs + ")"
	return Target{Ref: FuncRef(*f), ID: "function " + sig, Comment: kind + " " + sig, Alter: kind + " " + sig, Grant: kind + " " + sig}
}

func AggregateTarget(a *model.Aggregate) Target {
	name := QNameSQL(a.QName)
	sig := name + AggSignature(a)
	return Target{
		Ref:     AggRef(*a),
		ID:      "aggregate " + name + "(" + a.IdentityArgs + ")",
		Comment: "AGGREGATE " + sig,
		Alter:   "AGGREGATE " + sig,
		// GRANT names aggregates as functions, with every argument in one list.
		Grant: "FUNCTION " + name + "(" + flatArgs(a.IdentityArgs) + ")",
	}
}

// Aggregate creates an aggregate from its pg_aggregate fields.
func (b *Builder) Aggregate(a *model.Aggregate) {
	name := QNameSQL(a.QName)
	sig := name + AggSignature(a)
	t := AggregateTarget(a)
	ref := t.Ref
	if a.SFunc == "" || a.SType == "" {
		b.Errorf(t.ID, "no state function or state type")
		return
	}
	req := append([]model.ObjectRef{NamespaceRef(a.Schema)}, a.Deps...)
	opts := []string{"SFUNC = " + NameText(a.SFunc), "STYPE = " + a.SType}
	req = append(req, b.routineRefs(a.SFunc)...)
	req = append(req, TypeAndCollationRefs(a.SType, "")...)
	fn := func(key, val string) {
		if val != "" && val != "-" {
			opts = append(opts, key+" = "+NameText(val))
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
			b.Errorf(t.ID, "unknown finalfunc_modify %q", m)
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
			req = append(req, TypeAndCollationRefs(a.MSType, "")...)
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
				b.Errorf(t.ID, "unknown mfinalfunc_modify %q", m)
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
		b.Errorf(t.ID, "unknown parallel safety %q", a.Parallel)
		return
	}
	if a.Kind == "h" {
		opts = append(opts, "HYPOTHETICAL")
	}
	b.add(Statement{
		ID:       StmtID(PrioAggregate, t.ID),
		Priority: PrioAggregate,
		SQL:      "CREATE AGGREGATE " + sig + " (\n    " + strings.Join(opts, ",\n    ") + "\n)",
		Provides: []model.ObjectRef{ref},
		Requires: req,
	})
	b.comment(t, a.Comment)
	b.Owner(t, a.Owner)
	b.Grants(t, a.Owner, a.Grants)
}

var modifies = map[string]string{"r": "READ_ONLY", "s": "SHAREABLE", "w": "READ_WRITE"}

// AggSignature is an aggregate's argument list as CREATE, ALTER and COMMENT
// take it: "(*)" for none, and ORDER BY between the direct and aggregated
// arguments of an ordered-set aggregate (pg_get_function_arguments already
// prints it; a hand-written model may not).
func AggSignature(a *model.Aggregate) string {
	args := strings.TrimSpace(a.Args)
	if args == "" {
		args = strings.TrimSpace(a.IdentityArgs)
	}
	if args == "" {
		return "(*)"
	}
	if (a.Kind == "o" || a.Kind == "h") && IndexTopLevel(args, "ORDER BY") < 0 {
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
	if i := IndexTopLevel(args, " ORDER BY "); i >= 0 {
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
