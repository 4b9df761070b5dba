package compiler

import (
	"slices"
	"strings"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

// taskScope is what a reference inside a TaskSpec can see.
type taskScope struct {
	spec *model.TaskSpec
	// outer are params visible by propagation: the pipeline's params in an
	// inline taskSpec, the run's params in a run's inline taskSpec.
	outer     []*model.ParamSpec
	outerWhat string
	// pc is set for a pipeline task's inline taskSpec, where $(tasks…) and
	// the pipeline's context variables are substituted too.
	pc *pipelineCheck
	pt *model.PipelineTask
	// workspaces bound by a run to its inline spec, usable undeclared.
	propagatedWorkspaces []string
}

func (c *checker) checkTask(t *model.Task) {
	c.checkTaskSpec(t.Spec, &taskScope{spec: t.Spec})
}

func (c *checker) checkStepAction(a *model.StepAction) {
	spec := &model.TaskSpec{Node: a.Node, Params: a.Params, Results: a.Results}
	sc := &taskScope{spec: spec}
	c.checkParamDecls(a.Params)
	c.checkStep(sc, a.Step)
}

// checkTaskSpec checks every reference inside a TaskSpec.
func (c *checker) checkTaskSpec(s *model.TaskSpec, sc *taskScope) {
	if s == nil || s.Node == nil {
		return
	}
	c.checkParamDecls(s.Params)
	for _, st := range s.Steps {
		c.checkStep(sc, st)
	}
	for _, st := range s.Sidecars {
		c.checkStep(sc, st)
	}
	if s.StepTemplate != nil {
		withRefs(s.StepTemplate, func(path []source.PathElem, n *source.Node, r ref.Ref) {
			c.taskRef(sc, n, r, stepPlace(path), nil)
		})
	}
	for _, v := range s.VolumeNodes {
		withRefs(v, func(_ []source.PathElem, n *source.Node, r ref.Ref) { c.taskRef(sc, n, r, inString, nil) })
	}
	for _, w := range s.Workspaces {
		withRefs(w.Node.Get("mountPath"), func(_ []source.PathElem, n *source.Node, r ref.Ref) { c.taskRef(sc, n, r, inString, nil) })
	}
	for _, p := range s.Params {
		if p.Default == nil {
			continue
		}
		pl := inString
		if p.Default.Type == model.TypeArray {
			pl = inArrayElem
		}
		for _, n := range p.Default.Strings() {
			for _, r := range ref.Find(n.Value) {
				if r.Root() == "params" || r.Root() == "inputs" && len(r.Path) > 1 && r.Path[1].Name == "params" {
					// Params are substituted in one pass, so a default's
					// own $(params.x) reaches the steps as literal text.
					c.diags().Warnf(refRange(n, r), CodeParamInDefault, "%s in the default of param %q is never substituted", r.Text(n.Value), p.Name.Value).
						Explain("Tekton replaces params in one pass: a default is used as it is written. Pass the value explicitly instead.")
					continue
				}
				c.taskRef(sc, n, r, pl, nil)
			}
		}
	}
	for _, res := range s.Results {
		if res.Value != nil {
			c.checkResultValue(sc, res)
		}
	}
}

// checkParamDecls reports params declared twice.
func (c *checker) checkParamDecls(ps []*model.ParamSpec) {
	seen := map[string]*model.ParamSpec{}
	for _, p := range ps {
		if p.Name.Value == "" {
			continue // the schema reports the missing name
		}
		if first := seen[p.Name.Value]; first != nil {
			c.diags().Errorf(p.Name.Range(), CodeDuplicateParam, "param %q is declared twice", p.Name.Value).
				With(first.Name.Range(), "first declared here")
			continue
		}
		seen[p.Name.Value] = p
	}
}

// stepResultFields are the step fields where Tekton substitutes results of
// earlier steps.
var stepResultFields = []string{"env", "command", "args", "params", "when"}

// stepPlace is the place of a string at path inside a step.
func stepPlace(path []source.PathElem) place {
	if len(path) == 2 && (path[0].Key == "command" || path[0].Key == "args") {
		return inArg
	}
	return inString
}

func (c *checker) checkStep(sc *taskScope, st *model.Step) {
	if st.Ref != nil && st.Ref.Name.IsSet() && !st.Ref.Remote() {
		c.checkStepActionRef(st)
	}
	withRefs(st.Node, func(path []source.PathElem, n *source.Node, r ref.Ref) {
		if len(path) > 0 && (path[0].Key == "results" || path[0].Key == "ref") {
			return // names and resolver params, not substituted
		}
		if names := r.Names(); r.Root() == "steps" && len(names) > 2 && names[2] == "results" {
			// Step results reach later steps only through env, command and args.
			if field := path[0].Key; !slices.Contains(stepResultFields, field) {
				c.diags().Errorf(refRange(n, r), CodeStepResultPlace, "step results can be used only in env, command, args, params and when, not in %s", field).
					Explain("Tekton substitutes $(steps.…) only there; read the result in the script through an environment variable.")
				return
			}
		}
		c.taskRef(sc, n, r, stepPlace(path), st)
	})
}

// checkStepActionRef checks a step that runs a StepAction: the StepAction
// exists, and the params passed match what it declares.
func (c *checker) checkStepActionRef(st *model.Step) {
	a := c.p.StepAction(st.Ref.Name.Value)
	if a == nil {
		d := c.diags().Errorf(st.Ref.Name.Range(), CodeUnresolvedTask, "no StepAction named %q", st.Ref.Name.Value)
		d.Explain("Looked in %s.", c.p.whereLooked())
		return
	}
	c.checkArgs(argsCheck{args: st.Params, supplied: st.Params, decls: a.Params, what: "StepAction \"" + a.Name.Value + "\"",
		at: st.Ref.Name.Range(), declAt: specKey(a.Node, "params")})
}

// taskRef checks one reference inside a TaskSpec.
func (c *checker) taskRef(sc *taskScope, n *source.Node, r ref.Ref, pl place, st *model.Step) {
	ds := c.diags()
	names := r.Names()
	switch r.Root() {
	case "params":
		c.taskParamRef(sc, n, r, 1, pl)
	case "inputs", "outputs":
		switch {
		case len(names) > 1 && names[1] == "params" && r.Root() == "inputs":
			c.taskParamRef(sc, n, r, 2, pl)
		case len(names) > 1 && names[1] == "resources":
			c.resourceRef(sc, n, r, r.Root(), 2)
		}
	case "resources":
		if len(names) < 2 || (names[1] != "inputs" && names[1] != "outputs") {
			ds.Errorf(refRange(n, r), CodeMalformedRef, "%s: a resource reference is $(resources.inputs.NAME.KEY) or $(resources.outputs.NAME.KEY)", r.Text(n.Value))
			return
		}
		c.resourceRef(sc, n, r, names[1], 2)
	case "results":
		c.resultPathRef(sc, n, r)
	case "step":
		if len(names) == 4 && names[1] == "results" && names[3] == "path" && st != nil {
			if !slices.ContainsFunc(st.Results, func(x *model.ResultSpec) bool { return x.Name.Value == names[2] }) && len(st.Results) > 0 {
				d := ds.Errorf(segRange(n, r.Path[2]), CodeUndeclaredResult, "step %q declares no result %q", st.Name.Value, names[2])
				didYouMean(d, names[2], resultNames(st.Results), "Its results are:")
			}
		}
	case "steps":
		c.stepsRef(sc, n, r, st)
	case "workspaces":
		c.workspaceRef(sc, n, r)
	case "context":
		c.contextRef(sc, n, r)
	case "tasks", "finally":
		if sc.pc == nil {
			ds.Errorf(refRange(n, r), CodeTaskRefInTask, "%s refers to a pipeline task; a Task cannot see other tasks", r.Text(n.Value)).
				Explain("Declare a param and pass the value from the Pipeline: params: [{name: x, value: %q}].", r.String())
			return
		}
		sc.pc.taskRefFromInline(sc.pt, n, r, pl)
	}
}

// taskParamRef checks $(params.…) (from = 1) or $(inputs.params.…) (from = 2).
func (c *checker) taskParamRef(sc *taskScope, n *source.Node, r ref.Ref, from int, pl place) {
	c.paramRef(paramScope{own: sc.spec.Params, ownWhat: "param", outer: sc.outer, outerWhat: sc.outerWhat + " param", decl: sc.spec.Node},
		n, r, from, pl)
}

// paramScope is the params a reference can see: its object's own, then
// those propagated into it (a pipeline's into an inline taskSpec, a run's
// into its inline spec).
type paramScope struct {
	own, outer         []*model.ParamSpec
	ownWhat, outerWhat string       // "param", "pipeline param", "run param"
	decl               *source.Node // the spec whose params key is "declared here"
}

// paramRef checks a param reference whose names start at r.Path[from].
func (c *checker) paramRef(ps paramScope, n *source.Node, r ref.Ref, from int, pl place) {
	declared := func(name string) bool {
		return findParamSpec(ps.own, name) != nil || findParamSpec(ps.outer, name) != nil
	}
	pr, ok := splitParamRef(r, from, declared)
	if !ok {
		c.diags().Errorf(refRange(n, r), CodeMalformedRef, "%s: a param reference names one param, and at most one key of an object param", r.Text(n.Value))
		return
	}
	p, what := findParamSpec(ps.own, pr.name), ps.ownWhat
	if p == nil {
		p, what = findParamSpec(ps.outer, pr.name), ps.outerWhat
	}
	if p == nil {
		d := c.diags().Errorf(pr.at(n), CodeUndeclaredParam, "%s %q is not declared", ps.ownWhat, pr.name)
		if k := ps.decl.Key("params"); k != nil {
			d.With(k.Range(), "params declared here")
		}
		cands := paramNames(ps.own)
		for _, o := range ps.outer {
			cands = append(cands, o.Name.Value)
		}
		didYouMean(d, pr.name, sortedUnique(cands), "Declared params:")
		return
	}
	c.checkUse(n, r, pr.key, pr.keySeg, paramType(p, what+" \""+pr.name+"\""), pl)
}

// findParamSpec returns the param called name, or nil.
func findParamSpec(ps []*model.ParamSpec, name string) *model.ParamSpec {
	for _, p := range ps {
		if p.Name.Value == name {
			return p
		}
	}
	return nil
}

// paramRef is a reference split into a param name and an object key.
type paramRef struct {
	name   string
	first  ref.Seg // first and last segment of the name
	last   ref.Seg
	key    string
	keySeg *ref.Seg
}

func (p paramRef) at(n *source.Node) diag.Range { return n.RangeAt(p.first.Start, p.last.End) }

// splitParamRef reads the names after the prefix. Param names may contain
// dots, so "$(params.a.b)" is param "a.b" when one is declared, else key
// "b" of object param "a".
func splitParamRef(r ref.Ref, from int, declared func(string) bool) (paramRef, bool) {
	segs := r.Path[from:]
	switch {
	case len(segs) == 0:
		return paramRef{}, false
	case segs[0].Bracketed || len(segs) == 1:
		pr := paramRef{name: segs[0].Name, first: segs[0], last: segs[0]}
		if len(segs) == 2 {
			pr.key, pr.keySeg = segs[1].Name, &segs[1]
		} else if len(segs) > 2 {
			return paramRef{}, false
		}
		return pr, true
	}
	joined := make([]string, len(segs))
	for i, s := range segs {
		joined[i] = s.Name
	}
	if whole := strings.Join(joined, "."); declared(whole) {
		return paramRef{name: whole, first: segs[0], last: segs[len(segs)-1]}, true
	}
	if len(segs) == 2 {
		return paramRef{name: segs[0].Name, first: segs[0], last: segs[0], key: segs[1].Name, keySeg: &segs[1]}, true
	}
	// Neither a declared dotted name nor name.key: report the whole name.
	return paramRef{name: strings.Join(joined, "."), first: segs[0], last: segs[len(segs)-1]}, true
}

func resultNames(rs []*model.ResultSpec) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name.Value
	}
	return out
}

// resultPathRef checks $(results.R.path).
func (c *checker) resultPathRef(sc *taskScope, n *source.Node, r ref.Ref) {
	names := r.Names()
	if len(names) != 3 || names[2] != "path" {
		c.diags().Errorf(refRange(n, r), CodeMalformedRef, "%s: a result is written to $(results.NAME.path)", r.Text(n.Value))
		return
	}
	if sc.spec.Result(names[1]) == nil {
		d := c.diags().Errorf(segRange(n, r.Path[1]), CodeUndeclaredResult, "result %q is not declared", names[1])
		if rn := sc.spec.Node.Key("results"); rn != nil {
			d.With(rn.Range(), "results declared here")
		}
		didYouMean(d, names[1], resultNames(sc.spec.Results), "Declared results:")
	}
}

// stepsRef checks $(steps.S.results.R…) and $(steps.step-S.exitCode.path).
func (c *checker) stepsRef(sc *taskScope, n *source.Node, r ref.Ref, cur *model.Step) {
	names := r.Names()
	ds := c.diags()
	if len(names) < 3 {
		ds.Errorf(refRange(n, r), CodeMalformedRef, "%s: expected $(steps.STEP.results.NAME) or $(steps.step-STEP.exitCode.path)", r.Text(n.Value))
		return
	}
	stepName := names[1]
	exit := len(names) == 4 && names[2] == "exitCode" && names[3] == "path"
	if exit {
		stepName = strings.TrimPrefix(stepName, "step-")
	}
	var target *model.Step
	var stepNames []string
	for _, s := range sc.spec.Steps {
		stepNames = append(stepNames, s.Name.Value)
		if s.Name.Value == stepName {
			target = s
		}
	}
	if target == nil {
		d := ds.Errorf(segRange(n, r.Path[1]), CodeUndeclaredStep, "no step is named %q", stepName)
		didYouMean(d, stepName, stepNames, "Steps:")
		return
	}
	if exit {
		return
	}
	if names[2] != "results" || len(names) < 4 {
		ds.Errorf(refRange(n, r), CodeMalformedRef, "%s: expected $(steps.%s.results.NAME)", r.Text(n.Value), stepName)
		return
	}
	if cur != nil && !cur.Sidecar && target.Index >= cur.Index {
		ds.Errorf(refRange(n, r), CodeStepResultPlace, "step %q runs after this one; its results are not available yet", stepName).
			With(target.Name.Range(), "step declared here")
		return
	}
	results := target.Results
	if target.Ref != nil {
		// A step that runs a StepAction has the StepAction's results.
		a := c.p.StepAction(target.Ref.Name.Value)
		if a == nil {
			return
		}
		results = a.Results
	}
	res := findResult(results, names[3])
	if res == nil {
		d := ds.Errorf(segRange(n, r.Path[3]), CodeUndeclaredResult, "step %q declares no result %q", stepName, names[3]).
			With(target.Name.Range(), "step declared here")
		didYouMean(d, names[3], resultNames(results), "Its results are:")
		return
	}
	key, keySeg := "", (*ref.Seg)(nil)
	if len(names) == 5 {
		key, keySeg = names[4], &r.Path[4]
	}
	c.checkUse(n, r, key, keySeg, resultType(res, "result \""+res.Name.Value+"\" of step \""+stepName+"\""), inArg)
}

func findResult(rs []*model.ResultSpec, name string) *model.ResultSpec {
	for _, r := range rs {
		if r.Name.Value == name {
			return r
		}
	}
	return nil
}

func resultType(r *model.ResultSpec, what string) valueType {
	return valueType{typ: r.Type, keys: r.Properties, what: what, decl: r.Name.Range(), elems: -1}
}

// checkResultValue checks a TaskResult's value, which lifts a step result.
func (c *checker) checkResultValue(sc *taskScope, res *model.ResultSpec) {
	n := res.Value
	refs := ref.Find(n.Value)
	if n.Kind != source.String || len(refs) != 1 || !refs[0].IsWhole(n.Value) || refs[0].Root() != "steps" {
		c.diags().Errorf(n.Range(), CodeMalformedRef, "a result's value must be one step result reference, $(steps.STEP.results.NAME)")
		return
	}
	c.stepsRef(sc, n, refs[0], nil)
}

var workspaceAttrs = []string{"path", "bound", "claim", "volume"}

// workspaceRef checks $(workspaces.W.path|bound|claim|volume).
func (c *checker) workspaceRef(sc *taskScope, n *source.Node, r ref.Ref) {
	names := r.Names()
	ds := c.diags()
	if len(names) != 3 || !slices.Contains(workspaceAttrs, names[2]) {
		ds.Errorf(refRange(n, r), CodeMalformedRef, "%s: expected $(workspaces.NAME.path), .bound, .claim or .volume", r.Text(n.Value))
		return
	}
	if sc.spec.Workspace(names[1]) != nil || slices.Contains(sc.propagatedWorkspaces, names[1]) {
		return
	}
	var cands []string
	for _, w := range sc.spec.Workspaces {
		cands = append(cands, w.Name.Value)
	}
	d := ds.Errorf(segRange(n, r.Path[1]), CodeUndeclaredWorkspace, "workspace %q is not declared", names[1])
	if wn := sc.spec.Node.Key("workspaces"); wn != nil {
		d.With(wn.Range(), "workspaces declared here")
	}
	didYouMean(d, names[1], append(cands, sc.propagatedWorkspaces...), "Declared workspaces:")
}

// contextVars lists the context variables valid in a Task and in a Pipeline.
var (
	taskContext     = []string{"taskRun.name", "taskRun.namespace", "taskRun.uid", "task.name", "task.retry-count"}
	pipelineContext = []string{"pipelineRun.name", "pipelineRun.namespace", "pipelineRun.uid", "pipeline.name", "pipelineTask.retries"}
)

func (c *checker) contextRef(sc *taskScope, n *source.Node, r ref.Ref) {
	valid := taskContext
	if sc.pc != nil {
		// An inline taskSpec is substituted with the pipeline's context too.
		valid = append(slices.Clip(taskContext), pipelineContext...)
	}
	c.checkContext(n, r, valid)
}

func (c *checker) checkContext(n *source.Node, r ref.Ref, valid []string) {
	name := strings.Join(r.Names()[1:], ".")
	if slices.Contains(valid, name) {
		return
	}
	d := c.diags().Errorf(refRange(n, r), CodeUnknownContext, "$(context.%s) is not a context variable here", name)
	didYouMean(d, name, valid, "Context variables here:")
}

var (
	gitResourceKeys   = []string{"path", "name", "type", "url", "revision", "refspec", "submodules", "depth", "sslVerify", "httpProxy", "httpsProxy", "noProxy"}
	imageResourceKeys = []string{"path", "name", "type", "url", "digest"}
)

// resourceRef checks $(resources.inputs|outputs.NAME.KEY) and the older
// $(inputs|outputs.resources.NAME.path).
func (c *checker) resourceRef(sc *taskScope, n *source.Node, r ref.Ref, dir string, from int) {
	names := r.Names()
	ds := c.diags()
	if len(names) != from+2 {
		ds.Errorf(refRange(n, r), CodeMalformedRef, "%s: expected $(resources.%s.NAME.KEY)", r.Text(n.Value), dir)
		return
	}
	decls := sc.spec.Inputs
	if dir == "outputs" {
		decls = sc.spec.Outputs
	}
	name, key := names[from], names[from+1]
	var decl *model.ResourceDecl
	var cands []string
	for _, d := range decls {
		cands = append(cands, d.Name.Value)
		if d.Name.Value == name {
			decl = d
		}
	}
	if decl == nil {
		d := ds.Errorf(segRange(n, r.Path[from]), CodeUndeclaredResource, "%s resource %q is not declared", strings.TrimSuffix(dir, "s"), name)
		didYouMean(d, name, cands, "Declared "+dir+":")
		return
	}
	var keys []string
	switch decl.Type.Value {
	case "git":
		keys = gitResourceKeys
	case "image":
		keys = imageResourceKeys
	default:
		return // other resource types have keys of their own
	}
	if !slices.Contains(keys, key) {
		d := ds.Errorf(segRange(n, r.Path[from+1]), CodeMalformedRef, "a %s resource has no %q", decl.Type.Value, key).
			With(decl.Name.Range(), "declared here")
		didYouMean(d, key, keys, "Its keys are:")
	}
}
