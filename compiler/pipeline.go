package compiler

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

// pipelineCheck checks one PipelineSpec.
type pipelineCheck struct {
	*checker
	spec *model.PipelineSpec
	run  *model.PipelineRun // set for a PipelineRun's inline spec
	// outer are the run's params, visible by propagation in an inline spec.
	outer []*model.ParamSpec
	graph *Graph
}

// field is the kind of pipeline task field a reference is in: Tekton allows
// execution status only in finally params and when, and checks prefixes only
// in params, matrix and when.
type field int

const (
	fieldParam field = iota
	fieldWhen
	fieldMatrix
	fieldOther  // displayName, workspaces.subPath, taskRef
	fieldInline // an inline taskSpec's steps
)

func (c *checker) checkPipeline(s *model.PipelineSpec, run *model.PipelineRun) *Graph {
	if s == nil {
		return nil
	}
	if g := c.p.Graphs[s]; g != nil {
		return g
	}
	pc := &pipelineCheck{checker: c, spec: s, run: run, graph: newGraph(s)}
	c.p.Graphs[s] = pc.graph
	if run != nil {
		pc.outer = runParamSpecs(run.Params)
	}
	c.checkParamDecls(s.Params)
	pc.checkTaskNames()
	for _, pt := range s.AllTasks() {
		pc.resolve(pt)
	}
	for _, pt := range s.AllTasks() {
		pc.checkTask(pt)
	}
	pc.checkResults()
	pc.graph.cycles(c.diags())
	return pc.graph
}

// runParamSpecs turns a run's params into declarations for propagation.
func runParamSpecs(ps []*model.Param) []*model.ParamSpec {
	var out []*model.ParamSpec
	for _, p := range ps {
		typ := model.TypeString
		if p.Value != nil {
			typ = p.Value.Type
		}
		spec := &model.ParamSpec{Node: p.Node, Name: p.Name, Type: typ, Default: p.Value}
		if p.Value != nil && p.Value.Type == model.TypeObject {
			for _, kv := range p.Value.Obj {
				spec.Properties = append(spec.Properties, model.Str{Value: kv.Key.Value, Node: kv.Key})
			}
		}
		out = append(out, spec)
	}
	return out
}

func (pc *pipelineCheck) checkTaskNames() {
	seen := map[string]*model.PipelineTask{}
	for _, pt := range pc.spec.AllTasks() {
		name := pt.Name.Value
		if first := seen[name]; first != nil && name != "" {
			pc.diags().Errorf(pt.Name.Range(), CodeDuplicateTask, "pipeline task %q is defined twice", name).
				With(first.Name.Range(), "first defined here").
				Explain("Names must be unique across tasks and finally.")
			continue
		}
		seen[name] = pt
	}
}

// resolve finds the TaskSpec a pipeline task runs.
func (pc *pipelineCheck) resolve(pt *model.PipelineTask) {
	p := pc.p
	switch {
	case pt.TaskSpec != nil:
		p.TaskOf[pt] = &Resolved{Spec: pt.TaskSpec}
	case pt.CustomSpec, pt.PipelineRef != nil, pt.PipelineSpec != nil:
		// Custom tasks and pipelines in pipelines are not checked further;
		// the compiler refuses them with its own message.
	case pt.TaskRef != nil:
		if r := pc.resolveRef(pt.TaskRef); r != nil {
			p.TaskOf[pt] = &Resolved{Spec: r.Spec, Task: r}
		}
	}
}

// resolveRef resolves a taskRef, reporting what cannot be found.
func (c *checker) resolveRef(r *model.Ref) *model.Task {
	ds := c.diags()
	switch {
	case r.Custom():
		return nil
	case r.Remote():
		how := r.Resolver.Value
		at := r.Resolver.Range()
		if how == "" {
			how, at = "bundles", r.Bundle.Range()
		}
		ds.Infof(at, CodeRemoteRef, "this reference is resolved by the %s resolver; pipec does not fetch it, so it is not checked", how).
			Explain("Download the Task into a directory and pass it with -I DIR to have it checked.")
		return nil
	case r.Name.Value == "":
		return nil // the schema reports the missing name
	}
	kind := r.Kind.Value
	switch kind {
	case "", "Task", "ClusterTask":
	default:
		ds.Errorf(r.Kind.Range(), CodeCustomNoAPIVersion, "taskRef kind %q is not Task or ClusterTask, so it names a custom task, which needs an apiVersion", kind).
			Explain("Set taskRef.apiVersion to the custom task's group/version, or kind: Task.")
		return nil
	}
	t := c.p.lookTask(kind, r.Name.Value)
	if t != nil {
		return t
	}
	if kind == "" {
		kind = "Task"
	}
	d := ds.Errorf(r.Name.Range(), CodeUnresolvedTask, "no %s named %q", kind, r.Name.Value)
	other := "ClusterTask"
	if kind == "ClusterTask" {
		other = "Task"
	}
	if c.p.lookTask(other, r.Name.Value) != nil {
		d.Explain("A %s of that name exists; set taskRef.kind: %s.", other, other)
		return nil
	}
	names := c.p.taskNames(kind)
	if sug := diag.Closest(r.Name.Value, names); sug != "" {
		d.Suggestion = sug
		d.Explain("did you mean %q? Looked in %s.", sug, c.p.whereLooked())
	} else {
		d.Explain("Looked in %s.", c.p.whereLooked())
	}
	return nil
}

// taskNamesIn returns the names of the DAG tasks or of all tasks.
func (pc *pipelineCheck) taskNames(all bool) []string {
	var out []string
	tasks := pc.spec.Tasks
	if all {
		tasks = pc.spec.AllTasks()
	}
	for _, t := range tasks {
		out = append(out, t.Name.Value)
	}
	return out
}

func (pc *pipelineCheck) checkTask(pt *model.PipelineTask) {
	res := pc.p.TaskOf[pt]
	// References in the pipeline task's own fields.
	for _, p := range pt.Params {
		pc.refsInValue(pt, p.Value, fieldParam)
	}
	if pt.Matrix != nil {
		for _, p := range pt.Matrix.Params {
			pc.refsInValue(pt, p.Value, fieldMatrix)
		}
		for _, inc := range pt.Matrix.Include {
			for _, p := range inc.Params {
				pc.refsInValue(pt, p.Value, fieldMatrix)
			}
		}
	}
	for _, w := range pt.When {
		if w.Input != nil {
			pc.refsIn(pt, w.Input, inString, fieldWhen)
		}
		for _, v := range w.Values {
			pc.refsIn(pt, v, inArrayElem, fieldWhen)
		}
		pc.checkWhen(w)
	}
	pc.refsIn(pt, pt.DisplayName.Node, inString, fieldOther)
	for _, w := range pt.Workspaces {
		pc.refsIn(pt, w.SubPath.Node, inString, fieldOther)
	}
	if pt.TaskRef != nil {
		pc.refsIn(pt, pt.TaskRef.Name.Node, inString, fieldOther)
		for _, p := range pt.TaskRef.Params {
			pc.refsInValue(pt, p.Value, fieldOther)
		}
	}
	if pt.TaskSpec != nil {
		sc := &taskScope{spec: pt.TaskSpec, outer: append(slices.Clip(pc.spec.Params), pc.outer...), outerWhat: "pipeline", pc: pc, pt: pt}
		// Workspaces the pipeline task binds, and those of a run whose
		// inline spec this is, reach an inline taskSpec undeclared.
		for _, w := range pt.Workspaces {
			sc.propagatedWorkspaces = append(sc.propagatedWorkspaces, w.Name.Value)
		}
		if pc.run != nil {
			for _, w := range pc.run.Workspaces {
				sc.propagatedWorkspaces = append(sc.propagatedWorkspaces, w.Name.Value)
			}
		}
		pc.checkTaskSpec(pt.TaskSpec, sc)
	}
	pc.checkRunAfter(pt)
	if res != nil {
		what := "task \"" + pt.Name.Value + "\""
		if res.Task != nil {
			what = res.Task.Kind + " \"" + res.Task.Name.Value + "\""
		}
		supplied := slices.Clip(pt.Params)
		if pt.Matrix != nil {
			supplied = append(supplied, pt.Matrix.Params...)
			for _, inc := range pt.Matrix.Include {
				supplied = append(supplied, inc.Params...)
			}
		}
		pc.checkArgs(argsCheck{
			args: pt.Params, supplied: supplied, decls: res.Spec.Params, what: what, at: pt.Name.Range(),
			declAt: specKey(res.Spec.Node, "params"),
			// An inline taskSpec also sees the pipeline's params, so params
			// passed to it need not be declared.
			allowExtra: pt.TaskSpec != nil,
		})
		pc.checkTaskWorkspaces(pt, res, what)
		pc.checkTaskResources(pt, res, what)
	}
	pc.checkMatrix(pt)
}

func specKey(n *source.Node, key string) diag.Range {
	if k := n.Key(key); k != nil {
		return k.Range()
	}
	return n.Range()
}

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

func (pc *pipelineCheck) pipelineParamRef(n *source.Node, r ref.Ref, pl place) {
	declared := func(name string) bool { return pc.spec.Param(name) != nil || findOuter(pc.outer, name) != nil }
	pr, ok := splitParamRef(r, 1, declared)
	if !ok {
		pc.diags().Errorf(refRange(n, r), CodeMalformedRef, "%s: a param reference names one param, and at most one key of an object param", r.Text(n.Value))
		return
	}
	p := pc.spec.Param(pr.name)
	what := "pipeline param \"" + pr.name + "\""
	if p == nil {
		p = findOuter(pc.outer, pr.name)
		what = "run param \"" + pr.name + "\""
	}
	if p == nil {
		d := pc.diags().Errorf(pr.at(n), CodeUndeclaredParam, "pipeline param %q is not declared", pr.name)
		if k := pc.spec.Node.Key("params"); k != nil {
			d.With(k.Range(), "params declared here")
		}
		cands := paramNames(pc.spec.Params)
		for _, o := range pc.outer {
			cands = append(cands, o.Name.Value)
		}
		didYouMean(d, pr.name, sortedUnique(cands), "Declared params:")
		return
	}
	pc.checkUse(n, r, pr.key, pr.keySeg, paramType(p, what), pl)
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

func strconvQuote(s string) string { return fmt.Sprintf("%q", s) }

func (pc *pipelineCheck) checkRunAfter(pt *model.PipelineTask) {
	ds := pc.diags()
	if pt.Finally && len(pt.RunAfter) > 0 {
		ds.Errorf(pt.Node.Key("runAfter").Range(), CodeFinallyRunAfter, "finally task %q has runAfter", pt.Name.Value).
			Explain("Finally tasks run after all other tasks; runAfter is not allowed on them.")
		return
	}
	for _, ra := range pt.RunAfter {
		target := pc.spec.Task(ra.Value)
		switch {
		case target == nil:
			d := ds.Errorf(ra.Range(), CodeUnknownRunAfter, "runAfter names %q, which is not a task of this pipeline", ra.Value)
			didYouMean(d, ra.Value, pc.taskNames(false), "Tasks:")
		case target.Finally:
			ds.Errorf(ra.Range(), CodeUnknownRunAfter, "runAfter names finally task %q", ra.Value).
				Explain("Finally tasks run after every other task; nothing can run after one.")
		default:
			pc.graph.add(Edge{From: pt.Name.Value, To: ra.Value, Kind: RunAfter, at: ra.Node})
		}
	}
}

func (pc *pipelineCheck) checkWhen(w *model.When) {
	ds := pc.diags()
	if w.CEL.IsSet() {
		if w.Input != nil || w.Operator.IsSet() || len(w.Values) > 0 {
			ds.Errorf(w.CEL.Range(), CodeWhen, "a when expression has either cel or input, operator and values")
		}
		return
	}
	if w.Operator.IsSet() && w.Operator.Value != "in" && w.Operator.Value != "notin" {
		ds.Errorf(w.Operator.Range(), CodeWhen, "operator %q is not in or notin", w.Operator.Value)
	}
	if len(w.Values) == 0 && w.Node.Get("values") != nil {
		ds.Errorf(w.Node.Key("values").Range(), CodeWhen, "a when expression needs at least one value")
	}
}

func (pc *pipelineCheck) checkTaskWorkspaces(pt *model.PipelineTask, res *Resolved, what string) {
	ds := pc.diags()
	bound := map[string]bool{}
	for _, b := range pt.Workspaces {
		bound[b.Name.Value] = true
		tw := res.Spec.Workspace(b.Name.Value)
		if tw == nil && pt.TaskSpec == nil {
			var cands []string
			for _, w := range res.Spec.Workspaces {
				cands = append(cands, w.Name.Value)
			}
			d := ds.Errorf(b.Name.Range(), CodeExtraWorkspace, "%s declares no workspace %q", what, b.Name.Value)
			didYouMean(d, b.Name.Value, cands, "Its workspaces are:")
		}
		target := b.Target()
		pw := pc.spec.Workspace(target.Value)
		if pw == nil {
			var cands []string
			for _, w := range pc.spec.Workspaces {
				cands = append(cands, w.Name.Value)
			}
			d := ds.Errorf(target.Range(), CodeUndeclaredPipelineW, "pipeline task %q binds pipeline workspace %q, which the pipeline does not declare", pt.Name.Value, target.Value)
			didYouMean(d, target.Value, cands, "Pipeline workspaces:")
			continue
		}
		if pw.Optional && tw != nil && !tw.Optional {
			ds.Errorf(target.Range(), CodeOptionalToRequired, "optional pipeline workspace %q is bound to %s's required workspace %q", target.Value, what, tw.Name.Value).
				With(pw.Name.Range(), "declared optional here").
				Explain("When the run leaves the workspace out, the task cannot run; mark the task's workspace optional or the pipeline's required.")
		}
	}
	var missing []string
	d := diag.Diagnostic{}
	for _, w := range res.Spec.Workspaces {
		if !w.Optional && !bound[w.Name.Value] {
			missing = append(missing, w.Name.Value)
			d.Related = append(d.Related, diag.Related{Range: w.Name.Range(), Message: "declared here"})
		}
	}
	if len(missing) > 0 {
		d.Severity, d.Code, d.Subject = diag.Error, CodeUnboundWorkspace, pt.Name.Range()
		d.Message = fmt.Sprintf("pipeline task %q does not bind %s's required %s %s", pt.Name.Value, what, plural(len(missing), "workspace", "workspaces"), quoteList(missing))
		ds.Add(d)
	}
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconvQuote(n)
	}
	return strings.Join(q, ", ")
}

func (pc *pipelineCheck) checkMatrix(pt *model.PipelineTask) {
	m := pt.Matrix
	if m == nil {
		return
	}
	ds := pc.diags()
	combos := 1
	for _, p := range m.Params {
		if pt.Param(p.Name.Value) != nil {
			ds.Errorf(p.Name.Range(), CodeMatrix, "param %q is given both in params and in matrix", p.Name.Value)
		}
		switch {
		case p.Value == nil:
		case p.Value.Type == model.TypeArray:
			combos *= max(1, len(p.Value.Arr))
		case p.Value.Type == model.TypeString && isWholeRef(p.Value.Str):
			// An array param or result, spread at run time.
		default:
			ds.Errorf(p.Value.Node.Range(), CodeMatrix, "matrix param %q must be an array", p.Name.Value)
		}
	}
	combos += len(m.Include)
	if combos > 256 {
		ds.Errorf(m.Node.Range(), CodeMatrix, "matrix of task %q has %d combinations; Tekton allows at most 256", pt.Name.Value, combos)
	}
}

func isWholeRef(s string) bool {
	rs := ref.Find(s)
	return len(rs) == 1 && rs[0].IsWhole(s)
}

// checkResults checks the pipeline's results.
func (pc *pipelineCheck) checkResults() {
	for _, res := range pc.spec.Results {
		found := false
		for _, n := range res.Value.Strings() {
			for _, r := range ref.Find(n.Value) {
				if r.Root() == "tasks" || r.Root() == "finally" {
					found = true
				}
				pl := inString
				if res.Value.Type == model.TypeString {
					pl = inParamValue
				}
				pc.pipelineRef(nil, n, r, pl, fieldOther)
			}
		}
		if !found && res.Value != nil {
			pc.diags().Errorf(res.Value.Node.Range(), CodeResultNoRef, "pipeline result %q does not use any task result", res.Name.Value).
				Explain("A pipeline result's value must reference task results, $(tasks.T.results.R) or $(finally.T.results.R); Tekton rejects a constant.")
		}
	}
}
