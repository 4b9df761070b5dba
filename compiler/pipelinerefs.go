// This file checks the references of pipeline fields: params, results and
// statuses of other tasks, context and workspaces.

package compiler

import (
	"fmt"
	"slices"

	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

// refsInValue checks the references of a param value.
func (pc *pipelineCheck) refsInValue(pt *model.PipelineTask, v *model.Value, f field) {
	if v == nil {
		return
	}
	switch v.Type {
	case model.TypeArray:
		for _, n := range v.Arr {
			pc.refsIn(pt, n, inArrayElem, f)
		}
	case model.TypeObject:
		for _, kv := range v.Obj {
			pc.refsIn(pt, kv.Value, inString, f)
		}
	default:
		pc.refsIn(pt, v.Node, inParamValue, f)
	}
}

// refsIn checks the references of one string node.
func (pc *pipelineCheck) refsIn(pt *model.PipelineTask, n *source.Node, pl place, f field) {
	if n == nil || n.Kind != source.String {
		return
	}
	for _, r := range ref.Find(n.Value) {
		pc.pipelineRef(pt, n, r, pl, f)
	}
}

// validPrefixes are the roots Tekton accepts in pipeline task params, when
// and matrix.
var validPrefixes = []string{"params", "tasks", "finally", "context", "workspaces", "results"}

// pipelineRef checks one reference in a pipeline field. pt is nil for the
// pipeline's results.
func (pc *pipelineCheck) pipelineRef(pt *model.PipelineTask, n *source.Node, r ref.Ref, pl place, f field) {
	ds := pc.diags()
	switch r.Root() {
	case "params":
		pc.pipelineParamRef(n, r, pl)
	case "tasks":
		pc.tasksRef(pt, n, r, pl, f)
	case "finally":
		if pt != nil {
			ds.Errorf(refRange(n, r), CodeFinallyRefOutside, "$(finally…) can be used only in the pipeline's results").
				Explain("A finally task can read DAG tasks' results with $(tasks.T.results.R).")
			return
		}
		pc.tasksRef(nil, n, r, pl, f)
	case "context":
		valid := pipelineContext
		if f == fieldParam {
			// A param value is substituted into the task, where the task's
			// own context variables are replaced in turn.
			valid = append(slices.Clip(pipelineContext), taskContext...)
		}
		pc.checkContext(n, r, valid)
	case "workspaces":
		names := r.Names()
		if len(names) == 3 && f == fieldParam && slices.Contains(workspaceAttrs, names[2]) && names[2] != "bound" {
			pc.taskWorkspaceInParam(pt, n, r)
			return
		}
		if len(names) != 3 || names[2] != "bound" {
			ds.Errorf(refRange(n, r), CodeMalformedRef, "%s: a Pipeline can only read $(workspaces.NAME.bound)", r.Text(n.Value))
			return
		}
		if pc.spec.Workspace(names[1]) == nil {
			var cands []string
			for _, w := range pc.spec.Workspaces {
				cands = append(cands, w.Name.Value)
			}
			d := ds.Errorf(segRange(n, r.Path[1]), CodeUndeclaredWorkspace, "pipeline workspace %q is not declared", names[1])
			didYouMean(d, names[1], cands, "Declared workspaces:")
		}
	default:
		if (f == fieldParam || f == fieldWhen || f == fieldMatrix) && !slices.Contains(validPrefixes, r.Root()) {
			ds.Errorf(refRange(n, r), CodeInvalidPrefix, "%s is not a reference Tekton knows; it must start with params, tasks, finally, context or workspaces", r.Text(n.Value)).
				Explain("If you meant a shell command or variable, write it so Tekton does not see $(…): use ${VAR} or backquotes.")
		}
	}
}

// taskWorkspaceInParam checks $(workspaces.W.path) in a pipeline task's
// param value: the pipeline leaves it alone and the task substitutes it, so
// W must be a workspace of the task.
func (pc *pipelineCheck) taskWorkspaceInParam(pt *model.PipelineTask, n *source.Node, r ref.Ref) {
	res := pc.p.TaskOf[pt]
	if pt == nil || res == nil {
		return
	}
	w := r.Path[1].Name
	if res.Spec.Workspace(w) != nil {
		return
	}
	var cands []string
	for _, tw := range res.Spec.Workspaces {
		cands = append(cands, tw.Name.Value)
	}
	d := pc.diags().Errorf(segRange(n, r.Path[1]), CodeUndeclaredWorkspace, "the task of %q declares no workspace %q", pt.Name.Value, w).
		Explain("$(workspaces.%s.%s) in a param value is substituted by the task, so it names one of the task's workspaces.", w, r.Path[2].Name)
	didYouMean(d, w, cands, "Its workspaces are:")
	d.Detail = "$(workspaces…) in a param value is substituted by the task, so it names one of the task's workspaces. " + d.Detail
}

// pipelineParamRef checks $(params.…) in a pipeline field.
func (pc *pipelineCheck) pipelineParamRef(n *source.Node, r ref.Ref, pl place) {
	pc.paramRef(paramScope{own: pc.spec.Params, ownWhat: "pipeline param", outer: pc.outer, outerWhat: "run param", decl: pc.spec.Node},
		n, r, 1, pl)
}

// taskRefFromInline checks $(tasks…) inside a pipeline task's inline taskSpec.
func (pc *pipelineCheck) taskRefFromInline(pt *model.PipelineTask, n *source.Node, r ref.Ref, pl place) {
	pc.tasksRef(pt, n, r, pl, fieldInline)
}

// tasksRef checks $(tasks.…) (and $(finally.…) in results, pt == nil).
func (pc *pipelineCheck) tasksRef(pt *model.PipelineTask, n *source.Node, r ref.Ref, pl place, f field) {
	ds := pc.diags()
	names := r.Names()
	inFinally := pt != nil && pt.Finally
	if len(names) == 2 && names[1] == "status" && r.Root() == "tasks" {
		if !inFinally || (f != fieldParam && f != fieldWhen) {
			ds.Errorf(refRange(n, r), CodeStatusOutsideFinally, "$(tasks.status) is available only in finally tasks' params and when expressions")
		}
		return
	}
	if len(names) < 3 {
		ds.Errorf(refRange(n, r), CodeMalformedRef, "%s: expected $(%s.TASK.results.NAME)", r.Text(n.Value), r.Root())
		return
	}
	tname := names[1]
	target := pc.spec.Task(tname)
	if target == nil {
		d := ds.Errorf(segRange(n, r.Path[1]), CodeUnknownTask, "no pipeline task is named %q", tname)
		didYouMean(d, tname, pc.taskNames(true), "Pipeline tasks:")
		return
	}
	switch {
	case len(names) == 3 && (names[2] == "status" || names[2] == "reason"):
		if !inFinally || (f != fieldParam && f != fieldWhen) {
			ds.Errorf(refRange(n, r), CodeStatusOutsideFinally, "$(tasks.%s.%s) is available only in finally tasks' params and when expressions", tname, names[2])
		} else if target.Finally {
			ds.Errorf(refRange(n, r), CodeStatusOutsideFinally, "%q is a finally task; only the status of DAG tasks can be read", tname)
		}
	case len(names) >= 4 && names[2] == "results":
		pc.resultRef(pt, target, n, r, pl, f)
	case names[2] == "matrix" && (len(names) == 4 && names[3] == "length" || len(names) == 5 && names[4] == "length"):
		if target.Matrix == nil {
			ds.Errorf(refRange(n, r), CodeMatrix, "task %q has no matrix", tname)
		} else if pt != nil && !pt.Finally && !target.Finally {
			pc.graph.add(Edge{From: pt.Name.Value, To: tname, Kind: ResultRef, at: n, start: r.Start, end: r.End})
		}
	default:
		ds.Errorf(refRange(n, r), CodeMalformedRef, "%s: expected $(%s.%s.results.NAME)", r.Text(n.Value), r.Root(), tname)
	}
}

// resultRef checks a reference to a result of pipeline task target.
func (pc *pipelineCheck) resultRef(pt, target *model.PipelineTask, n *source.Node, r ref.Ref, pl place, f field) {
	ds := pc.diags()
	names := r.Names()
	tname := target.Name.Value
	switch {
	case pt == nil && r.Root() == "finally" && !target.Finally:
		ds.Errorf(segRange(n, r.Path[1]), CodeUnknownTask, "%q is not a finally task; use $(tasks.%s.results.%s)", tname, tname, names[3])
	case pt == nil && r.Root() == "tasks" && target.Finally:
		ds.Errorf(segRange(n, r.Path[1]), CodeUnknownTask, "%q is a finally task; use $(finally.%s.results.%s)", tname, tname, names[3])
	case pt != nil && target.Finally && pt.Finally:
		ds.Errorf(refRange(n, r), CodeFinallyResultInFinal, "finally task %q cannot use the results of finally task %q", pt.Name.Value, tname).
			With(target.Name.Range(), "finally task declared here").
			Explain("Finally tasks run side by side; only the results of DAG tasks are available to them.")
		return
	case pt != nil && target.Finally:
		ds.Errorf(refRange(n, r), CodeFinallyResultInFinal, "task %q cannot use the results of finally task %q, which runs after it", pt.Name.Value, tname).
			With(target.Name.Range(), "finally task declared here")
		return
	case pt != nil && !pt.Finally:
		pc.graph.add(Edge{From: pt.Name.Value, To: tname, Kind: ResultRef, at: n, start: r.Start, end: r.End})
	}
	res := pc.p.TaskOf[target]
	if res == nil {
		return // unresolved, custom or remote: nothing to check against
	}
	decl := res.Spec.Result(names[3])
	if decl == nil {
		what := "task " + strconvQuote(tname)
		if res.Task != nil {
			what += " (" + res.Task.Kind + " " + strconvQuote(res.Task.Name.Value) + ")"
		}
		d := ds.Errorf(segRange(n, r.Path[3]), CodeUndeclaredResult, "%s declares no result %q", what, names[3])
		if k := res.Spec.Node.Key("results"); k != nil {
			d.With(k.Range(), "results declared here")
		} else if res.Task != nil {
			d.With(res.Task.Range(), "the Task declares no results")
		}
		didYouMean(d, names[3], resultNames(res.Spec.Results), "Declared results:")
		return
	}
	vt := resultType(decl, "result \""+names[3]+"\" of task \""+tname+"\"")
	if target.Matrix != nil {
		// A matrixed task's results are gathered into arrays.
		if !r.Star && len(names) == 4 {
			ds.Errorf(refRange(n, r), CodeMatrix, "task %q has a matrix; its results can be used only whole, as $(tasks.%s.results.%s[*])", tname, tname, names[3])
			return
		}
		vt.typ, vt.keys = model.TypeArray, nil
	}
	key, keySeg := "", (*ref.Seg)(nil)
	if len(names) == 5 {
		key, keySeg = names[4], &r.Path[4]
	} else if len(names) > 5 {
		ds.Errorf(refRange(n, r), CodeMalformedRef, "%s: a result reference has at most one key", r.Text(n.Value))
		return
	}
	pc.checkUse(n, r, key, keySeg, vt, pl)
}

// strconvQuote quotes s as Go does.
func strconvQuote(s string) string { return fmt.Sprintf("%q", s) }
