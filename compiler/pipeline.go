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

// checkPipeline checks a PipelineSpec once, whether it comes from a Pipeline
// or a run's inline spec (run != nil), and returns its task graph.
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

// checkTaskNames reports names used twice across tasks and finally.
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

// checkTask checks one pipeline task: its references, what it passes to
// its task, its workspaces, resources, runAfter and matrix.
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

// specKey is the range of a key of n, or of n when the key is missing.
func specKey(n *source.Node, key string) diag.Range {
	if k := n.Key(key); k != nil {
		return k.Range()
	}
	return n.Range()
}

// checkRunAfter checks runAfter: known DAG tasks, and none on finally tasks.
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

// checkWhen checks a when expression's shape; its references are checked
// with the task's other fields.
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

// checkTaskWorkspaces checks a pipeline task's workspace bindings against
// the task's declarations and the pipeline's.
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

// quoteList renders names as "a", "b".
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconvQuote(n)
	}
	return strings.Join(q, ", ")
}

// checkMatrix checks a matrix: array params, not also in params, and at
// most Tekton's 256 combinations.
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

// isWholeRef reports whether s is exactly one reference.
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
