package emit

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/plan"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

// runContext is the state of one run's compilation.
type runContext struct {
	c                *compilation
	name             string
	ns               string
	resultsConfigMap string
	ws               map[string]*runWorkspace // the run's workspace bindings
	objects          []Object                 // claims, as the bindings make them
}

// pipelineRun compiles a PipelineRun: a Job per task, the plan, the
// results ConfigMap, the coordinator and its identity.
func (c *compilation) pipelineRun(pr *model.PipelineRun) *RunOutput {
	start := len(c.diags)
	rp := c.prog.PipelineOf[pr]
	if rp == nil {
		if ref := pr.PipelineRef; ref != nil && ref.Remote() {
			c.remote(ref, "Pipeline")
		} else {
			c.errorf(pr.Range(), CodeUnresolved, "PipelineRun %q: its pipeline could not be resolved", pr.Name.Value)
		}
		return nil
	}
	c.runStatus(pr.Status)
	c.notCompiled(pr.Doc.Root.Get("spec"), "managedBy")
	rc := &runContext{c: c, name: nameOf(&pr.Object), ns: c.namespace(&pr.Object)}
	rc.resultsConfigMap = childName(rc.name, "results")
	spec := rp.Spec
	pipelineName := rc.name
	if rp.Pipeline != nil {
		pipelineName = rp.Pipeline.Name.Value
	}
	pvals := c.pipelineParams(spec, pr.Params)
	params := &substituter{phases: []phase{paramPhase{vals: pvals}}}
	ctx := map[string]string{"context.pipelineRun.name": rc.name, "context.pipeline.name": pipelineName}
	if rc.ns != "" {
		ctx["context.pipelineRun.namespace"] = rc.ns
	}
	bound := map[string]string{}
	for _, w := range spec.Workspaces {
		bound["workspaces."+w.Name.Value+".bound"] = "false"
	}
	for _, w := range pr.Workspaces {
		bound["workspaces."+w.Name.Value+".bound"] = "true"
	}
	base := params.then(mapPhase(ctx), mapPhase(bound))
	rc.bindRunWorkspaces(pr.Workspaces, params)
	sa := pr.ServiceAccountName.Value
	if c.opts.ServiceAccount != "" {
		sa = c.opts.ServiceAccount
	}
	runPT := c.readPodTemplate(pr.PodTemplate)
	specs := map[string]*model.TaskRunSpec{}
	for _, ts := range pr.TaskRunSpecs {
		specs[ts.PipelineTaskName.Value] = ts
	}
	matrixLen := map[string]string{}
	infos := map[*model.PipelineTask]*matrixInfo{}
	for _, pt := range spec.AllTasks() {
		if pt.Matrix == nil {
			continue
		}
		mi, ok := rc.buildMatrix(pt.Matrix, base)
		if ok {
			infos[pt] = mi
			matrixLen["tasks."+pt.Name.Value+".matrix.length"] = itoa(len(mi.combos))
		}
	}
	p := &plan.Plan{
		APIVersion:       plan.APIVersion,
		Kind:             "PipelineRun",
		Run:              rc.name,
		Pipeline:         pipelineName,
		ResultsConfigMap: rc.resultsConfigMap,
		CoordinatorJob:   childName(rc.name, "coordinator"),
		Timeouts:         c.runTimeouts(pr),
	}
	graph := c.prog.Graphs[spec]
	var jobs []Object
	claimUsers := map[string][]*taskOutput{}
	for _, pt := range spec.AllTasks() {
		in := rc.pipelineTaskInput(pr, rp, pt, base, infos[pt], matrixLen, specs[pt.Name.Value], sa, runPT)
		if in == nil {
			continue
		}
		tc := &taskCompiler{c: c, in: in, credsPath: readsCredsPath(in.spec)}
		out := tc.compile()
		if out == nil {
			continue
		}
		for _, cl := range out.claims {
			claimUsers[cl] = append(claimUsers[cl], out)
		}
		jobs = append(jobs, Object{Rank: rankJob, Kind: "Job", Name: in.job, Obj: out.job})
		t := plan.Task{Name: pt.Name.Value, Job: in.job, Needs: out.needs, Results: out.results, Retries: pt.Retries}
		if !pt.Finally && graph != nil {
			t.After = graph.Deps(pt.Name.Value)
		}
		if in.matrix != nil {
			t.Matrix = len(in.matrix.combos)
		}
		if in.timeout != nil {
			t.Timeout = &plan.Duration{Duration: *in.timeout}
		}
		if oe := base.text(pt.OnError.Value); oe == "continue" {
			t.OnError = oe
		}
		t.When = rc.when(pt, base)
		if pt.Finally {
			p.Finally = append(p.Finally, t)
		} else {
			p.Tasks = append(p.Tasks, t)
		}
	}
	for _, r := range spec.Results {
		pr := plan.PipelineResult{Name: r.Name.Value, Value: base.paramValue(r.Value, r.Type).any()}
		if r.Type != model.TypeString {
			pr.Type = r.Type
		}
		p.Results = append(p.Results, pr)
	}
	for _, users := range claimUsers {
		if len(users) > 1 {
			for _, u := range users {
				shareNode(&u.job.Spec.Template, u.claims)
			}
		}
	}
	if c.hasErrorsSince(start) {
		return nil
	}
	b, err := p.Marshal()
	if err != nil {
		panic(err) // a plan always marshals
	}
	if _, err := plan.Parse(b); err != nil {
		c.errorf(pr.Range(), CodeUnsupported, "the compiled plan is invalid: %v", err)
		return nil
	}
	ro := &RunOutput{Name: rc.name, Kind: "PipelineRun"}
	ro.Objects = append(ro.Objects, rc.coordinatorObjects(p, b)...)
	ro.Objects = append(ro.Objects, rc.objects...)
	ro.Objects = append(ro.Objects, jobs...)
	ro.Objects = append(ro.Objects, rc.coordinatorJob(p))
	return ro
}

// pipelineParams are the values of a pipeline's params in a run: the run's,
// else the defaults. A default may name other params (Tekton resolves such
// chains, refusing cycles).
func (c *compilation) pipelineParams(spec *model.PipelineSpec, given []*model.Param) map[string]*value {
	vals := map[string]*value{}
	for _, p := range given {
		if v := fromModel(p.Value); v != nil {
			vals[p.Name.Value] = v
		}
	}
	defaults := map[string]string{}
	for _, p := range spec.Params {
		if _, ok := vals[p.Name.Value]; ok || p.Default == nil {
			continue
		}
		if p.Default.Type == model.TypeString && strings.Contains(p.Default.Str, "$(params.") {
			defaults[p.Name.Value] = p.Default.Str
			continue
		}
		vals[p.Name.Value] = fromModel(p.Default)
	}
	visiting := map[string]bool{}
	var resolve func(name string) bool
	resolve = func(name string) bool {
		if _, done := vals[name]; done {
			return true
		}
		d, ok := defaults[name]
		if !ok || visiting[name] {
			return false
		}
		visiting[name] = true
		for _, r := range ref.Find(d) {
			if names := r.Names(); names[0] == "params" && len(names) == 2 {
				resolve(names[1])
			}
		}
		vals[name] = stringValue(applyPhase(paramPhase{vals: vals}, d))
		return true
	}
	for _, name := range sortedKeys(defaults) {
		resolve(name)
	}
	return vals
}

// runStatus warns about a run that Tekton would not start, or stop.
func (c *compilation) runStatus(s model.Str) {
	if s.Value == "" {
		return
	}
	c.diags.Warnf(s.Range(), CodeRunStatus, "status %q is not compiled: the run starts when its objects are applied", s.Value).
		Explain("Tekton holds a pending run and stops a cancelled one; compiled objects run once applied. Apply them when the run should start.")
}

// remote reports a reference pipec cannot fetch.
func (c *compilation) remote(r *model.Ref, what string) {
	at := r.Resolver.Range()
	if !r.Resolver.IsSet() {
		at = r.Bundle.Range()
	}
	c.errorf(at, CodeRemote, "this %s is fetched by a resolver, which pipec does not do", what).
		Explain("Download the %s into a directory, pass it with -I DIR, and refer to it by name.", what)
}

// runTimeouts are a PipelineRun's timeouts for the plan; the pipeline's
// defaults to Tekton's hour, and 0 means none.
func (c *compilation) runTimeouts(pr *model.PipelineRun) plan.Timeouts {
	parse := func(s model.Str, def time.Duration) *plan.Duration {
		d := def
		if s.IsSet() {
			v, err := time.ParseDuration(s.Value)
			if err != nil {
				return nil // the checker reported it
			}
			d = v
		}
		if d <= 0 {
			return nil
		}
		return &plan.Duration{Duration: d}
	}
	return plan.Timeouts{
		Pipeline: parse(pr.Timeouts.Pipeline, time.Hour),
		Tasks:    parse(pr.Timeouts.Tasks, 0),
		Finally:  parse(pr.Timeouts.Finally, 0),
	}
}

// when compiles a pipeline task's when expressions for the coordinator.
func (rc *runContext) when(pt *model.PipelineTask, base *substituter) []plan.When {
	var out []plan.When
	for _, w := range pt.When {
		var vals []string
		for _, v := range w.Values {
			vals = append(vals, v.Value)
		}
		input := ""
		if w.Input != nil {
			input = w.Input.Value
		}
		out = append(out, plan.When{Input: base.text(input), Operator: w.Operator.Value, Values: base.list(vals)})
	}
	return out
}

// pipelineTaskInput gathers what decides a pipeline task's Job, or reports
// why it cannot be compiled.
func (rc *runContext) pipelineTaskInput(pr *model.PipelineRun, rp *compiler.ResolvedPipeline, pt *model.PipelineTask, base *substituter,
	mi *matrixInfo, matrixLen map[string]string, ts *model.TaskRunSpec, sa string, runPT *podTemplate) *taskInput {
	c := rc.c
	switch {
	case pt.CustomSpec || pt.TaskRef != nil && pt.TaskRef.Custom():
		at := pt.TaskSpecNode
		if at == nil {
			at = pt.TaskRef.Node
		}
		c.errorf(at.Range(), CodeCustomTask, "pipeline task %q runs a custom task, which pipec cannot compile", pt.Name.Value).
			Explain("A custom task is run by its own controller, which a plain Kubernetes cluster does not have. Write the work as a Task with steps.")
		return nil
	case pt.PipelineRef != nil || pt.PipelineSpec != nil:
		at := pt.PipelineSpec
		if at == nil {
			at = pt.PipelineRef.Node
		}
		c.errorf(at.Range(), CodePipelineInTask, "pipeline task %q runs a Pipeline, which pipec does not compile", pt.Name.Value).
			Explain("Pipelines in Pipelines are an alpha Tekton feature. Inline the inner pipeline's tasks into this one, or run it as a PipelineRun of its own.")
		return nil
	case pt.TaskRef != nil && pt.TaskRef.Remote():
		c.remote(pt.TaskRef, "Task")
		return nil
	case pt.Conditions != nil:
		c.errorf(pt.Conditions.Range(), CodeUnsupported, "conditions are not compiled: Tekton removed them").
			Explain("Write the check as a when expression on a result of an earlier task.")
		return nil
	}
	for _, w := range pt.When {
		if w.CEL.IsSet() {
			c.errorf(w.CEL.Range(), CodeCEL, "CEL when expressions are not compiled").
				Explain("The coordinator evaluates when expressions without a CEL interpreter; write it with input, operator and values.")
			return nil
		}
	}
	if pt.Matrix != nil && mi == nil {
		return nil // reported by buildMatrix
	}
	res := c.prog.TaskOf[pt]
	if res == nil || res.Spec == nil {
		if pt.TaskRef != nil && pt.TaskRef.Name.IsSet() {
			c.errorf(pt.TaskRef.Name.Range(), CodeUnresolved, "pipeline task %q runs %s %q, which is neither in the input nor in an include directory",
				pt.Name.Value, cmpOr(pt.TaskRef.Kind.Value, "Task"), pt.TaskRef.Name.Value).
				Explain("Add the Task to the input, or its directory with -I DIR.")
		} else {
			c.errorf(pt.Name.Range(), CodeUnresolved, "pipeline task %q: its task could not be resolved", pt.Name.Value)
		}
		return nil
	}
	ptSub := base.then(mapPhase(map[string]string{"context.pipelineTask.retries": itoa(pt.Retries)}), mapPhase(matrixLen))
	spec := res.Spec
	completions := 1
	if mi != nil {
		completions = len(mi.combos)
	}
	in := &taskInput{
		run:       rc,
		task:      pt.Name.Value,
		job:       jobName(rc.name, pt.Name.Value, completions),
		at:        pt.Name.Range(),
		inline:    pt.TaskSpec != nil,
		params:    map[string]*value{},
		matrix:    mi,
		ws:        map[string]*boundWorkspace{},
		inputs:    map[string]*boundResource{},
		outputs:   map[string]*boundResource{},
		retries:   pt.Retries,
		suspend:   true,
		stepSpecs: nil,
	}
	if in.inline {
		in.outer = base
	}
	for _, p := range pt.Params {
		if p.Value == nil {
			continue
		}
		declared := ""
		if d := spec.Param(p.Name.Value); d != nil {
			declared = d.Type
		}
		in.params[p.Name.Value] = ptSub.paramValue(p.Value, declared)
	}
	// Workspaces: the pipeline task's bindings to the pipeline's, which the
	// run binds. An inline spec also sees the ones it does not declare.
	spec = withPropagatedWorkspaces(spec, in.inline, pt, pr)
	for _, d := range spec.Workspaces {
		var b *model.WorkspaceBinding
		for _, wb := range pt.Workspaces {
			if wb.Name.Value == d.Name.Value {
				b = wb
			}
		}
		target := d.Name.Value
		subPath := ""
		if b != nil {
			target = b.Target().Value
			subPath = base.text(b.SubPath.Value)
			for _, r := range refsOfText(subPath) {
				if isRunTime(r) {
					c.errorf(b.SubPath.Range(), CodeRunTimeField, "workspace subPath depends on %s, known only at run time", r.Text(subPath)).
						Explain("A volume mount's subPath is fixed when the Job is created; use a param known when the run starts.")
					return nil
				}
			}
		} else if !in.inline {
			continue
		}
		if rw := rc.ws[target]; rw != nil {
			in.ws[d.Name.Value] = bindTaskWorkspace(d.Name.Value, rw, subPath)
		}
	}
	in.spec = spec
	// PipelineResources: the task's inputs and outputs, bound to the
	// pipeline's resources, which the run binds.
	runRes := map[string]*model.ResourceBinding{}
	for _, b := range pr.Resources {
		runRes[b.Name.Value] = b
	}
	bindRes := func(bs []*model.ResourceBinding, decls []*model.ResourceDecl, into map[string]*boundResource) {
		for _, b := range bs {
			decl := findDecl(decls, b.Name.Value)
			rb := runRes[b.Resource.Value]
			if decl == nil || rb == nil {
				continue
			}
			rs := c.resolveResource(rb)
			if rs == nil {
				continue
			}
			br := newBoundResource(decl, rs, b.Node, base)
			br.from = len(b.From) > 0
			into[b.Name.Value] = br
		}
	}
	bindRes(pt.Inputs, spec.Inputs, in.inputs)
	bindRes(pt.Outputs, spec.Outputs, in.outputs)
	// The service account, pod template and timeout: the run's, or those
	// of the task's taskRunSpecs entry.
	in.serviceAccount = sa
	pt2 := runPT
	if ts != nil {
		if ts.ServiceAccountName.Value != "" {
			in.serviceAccount = ts.ServiceAccountName.Value
		}
		pt2 = mergePodTemplates(runPT, c.readPodTemplate(ts.PodTemplate))
		in.stepSpecs, in.sidecarSpecs, in.computeResources = ts.StepSpecs, ts.SidecarSpecs, ts.ComputeResources
	}
	in.podTemplate = pt2
	in.podTemplateAt = pr.PodTemplate
	if ts != nil && ts.PodTemplate != nil {
		in.podTemplateAt = ts.PodTemplate
	}
	timeout := pt.Timeout
	if ts != nil && ts.Timeout.IsSet() {
		timeout = ts.Timeout
	}
	if timeout.IsSet() {
		if d, err := time.ParseDuration(base.text(timeout.Value)); err == nil {
			in.timeout = &d
		} else {
			c.errorf(timeout.Range(), CodeUnsupported, "timeout %q is not a duration", timeout.Value)
			return nil
		}
	}
	// Labels and annotations flow from the run, the pipeline, the task and
	// an inline spec's metadata to the Job and its pods, as Tekton
	// propagates them to TaskRuns and pods.
	in.labels, in.annotations = map[string]string{}, map[string]string{}
	propagate(in, &pr.Object)
	if rp.Pipeline != nil {
		propagate(in, &rp.Pipeline.Object)
	}
	if res.Task != nil {
		propagate(in, &res.Task.Object)
		in.contextTask = res.Task.Name.Value
	} else {
		in.contextTask = in.job
	}
	for _, md := range []*source.Node{pt.TaskSpecNode.Get("metadata"), tsMetadata(ts)} {
		for k, v := range md.Get("labels").Entries() {
			in.labels[k.Value] = v.Value
		}
		for k, v := range md.Get("annotations").Entries() {
			in.annotations[k.Value] = v.Value
		}
	}
	if dn := ptSub.text(pt.DisplayName.Value); dn != "" {
		in.annotations["pipec.dev/display-name"] = dn
	}
	if len(in.annotations) == 0 {
		in.annotations = nil
	}
	return in
}

// withPropagatedWorkspaces returns spec, with declarations added for the
// workspaces an inline spec uses without declaring them (Tekton propagates
// them): those its pipeline task binds, and those of the run it references.
func withPropagatedWorkspaces(spec *model.TaskSpec, inline bool, pt *model.PipelineTask, pr *model.PipelineRun) *model.TaskSpec {
	if !inline {
		return spec
	}
	var names []string
	if pt != nil {
		for _, b := range pt.Workspaces {
			names = append(names, b.Name.Value)
		}
	}
	var runWs []*model.RunWorkspace
	if pr != nil {
		runWs = pr.Workspaces
	}
	return propagateWorkspaces(spec, names, runWs)
}

// propagateWorkspaces adds to an inline spec declarations of the
// workspaces named in bound, and of the run's workspaces its steps use.
func propagateWorkspaces(spec *model.TaskSpec, bound []string, runWs []*model.RunWorkspace) *model.TaskSpec {
	var extra []*model.WorkspaceDecl
	add := func(name string, n *source.Node) {
		if name == "" || spec.Workspace(name) != nil || slices.ContainsFunc(extra, func(d *model.WorkspaceDecl) bool { return d.Name.Value == name }) {
			return
		}
		extra = append(extra, &model.WorkspaceDecl{Node: n, Name: model.Str{Value: name, Node: n}, MountPath: workspaceDir + "/" + name})
	}
	for _, name := range bound {
		add(name, spec.Node)
	}
	if len(runWs) > 0 {
		used := map[string]bool{}
		source.Walk(spec.Node, func(_ []source.PathElem, n *source.Node) bool {
			for _, r := range refsOfText(n.Value) {
				if names := r.Names(); n.Kind == source.String && names[0] == "workspaces" && len(names) > 1 {
					used[names[1]] = true
				}
			}
			return true
		})
		for _, w := range runWs {
			if used[w.Name.Value] {
				add(w.Name.Value, w.Node)
			}
		}
	}
	if len(extra) == 0 {
		return spec
	}
	out := *spec
	out.Workspaces = append(slices.Clip(spec.Workspaces), extra...)
	return &out
}

// propagate copies an object's labels and annotations to a task's Job,
// except kubectl's record of the last applied configuration.
func propagate(in *taskInput, o *model.Object) {
	maps.Copy(in.labels, o.Labels)
	for k, v := range o.Annotations {
		if k != "kubectl.kubernetes.io/last-applied-configuration" {
			in.annotations[k] = v
		}
	}
}

// tsMetadata is a taskRunSpecs entry's metadata, or nil.
func tsMetadata(ts *model.TaskRunSpec) *source.Node {
	if ts == nil {
		return nil
	}
	return ts.Node.Get("metadata")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func findDecl(ds []*model.ResourceDecl, name string) *model.ResourceDecl {
	for _, d := range ds {
		if d.Name.Value == name {
			return d
		}
	}
	return nil
}
