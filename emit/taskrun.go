package emit

import (
	"time"

	"github.com/pipec-dev/pipec/model"
)

// defaultTaskRunTimeout is Tekton's default-timeout-minutes. A TaskRun has
// no coordinator, so its Job enforces it.
const defaultTaskRunTimeout = time.Hour

// taskRun compiles a TaskRun: one Job, not suspended. Nothing in a TaskRun
// waits for another task, so it needs no coordinator, plan or results.
func (c *compilation) taskRun(tr *model.TaskRun) *RunOutput {
	start := len(c.diags)
	res := c.prog.TaskOfRun[tr]
	if res == nil || res.Spec == nil {
		switch r := tr.TaskRef; {
		case r != nil && r.Custom():
			c.errorf(r.Node.Range(), CodeCustomTask, "TaskRun %q runs a custom task, which pipec cannot compile", tr.Name.Value).
				Explain("A custom task is run by its own controller, which a plain Kubernetes cluster does not have.")
		case r != nil && r.Remote():
			c.remote(r, "Task")
		default:
			c.errorf(tr.Range(), CodeUnresolved, "TaskRun %q: its task could not be resolved", tr.Name.Value)
		}
		return nil
	}
	c.runStatus(tr.Status)
	c.notCompiled(tr.Doc.Root.Get("spec"), "debug", "managedBy")
	rc := &runContext{c: c, name: nameOf(&tr.Object), ns: c.namespace(&tr.Object)}
	in := &taskInput{
		run:              rc,
		job:              shorten(rc.name, maxName-2),
		at:               tr.Range(),
		inline:           tr.TaskSpec != nil,
		params:           map[string]*value{},
		ws:               map[string]*boundWorkspace{},
		inputs:           map[string]*boundResource{},
		outputs:          map[string]*boundResource{},
		retries:          tr.Retries,
		stepSpecs:        tr.StepSpecs,
		sidecarSpecs:     tr.SidecarSpecs,
		computeResources: tr.ComputeResources,
		labels:           map[string]string{},
		annotations:      map[string]string{},
	}
	for _, p := range tr.Params {
		if v := fromModel(p.Value); v != nil {
			in.params[p.Name.Value] = v
		}
	}
	rc.bindRunWorkspaces(tr.Workspaces, &substituter{phases: []phase{paramPhase{vals: in.params}}})
	spec := res.Spec
	if in.inline {
		spec = propagateWorkspaces(spec, nil, tr.Workspaces)
	}
	in.spec = spec
	for _, d := range spec.Workspaces {
		if rw := rc.ws[d.Name.Value]; rw != nil {
			in.ws[d.Name.Value] = bindTaskWorkspace(d.Name.Value, rw, "")
		}
	}
	params := &substituter{phases: []phase{paramPhase{vals: in.params}}}
	bind := func(bs []*model.ResourceBinding, decls []*model.ResourceDecl, into map[string]*boundResource) {
		for _, b := range bs {
			decl := findDecl(decls, b.Name.Value)
			if decl == nil {
				continue
			}
			if rs := c.resolveResource(b); rs != nil {
				into[b.Name.Value] = newBoundResource(decl, rs, b.Node, params)
			}
		}
	}
	bind(tr.Inputs, spec.Inputs, in.inputs)
	bind(tr.Outputs, spec.Outputs, in.outputs)
	in.serviceAccount = tr.ServiceAccountName.Value
	if c.opts.ServiceAccount != "" {
		in.serviceAccount = c.opts.ServiceAccount
	}
	in.podTemplate, in.podTemplateAt = c.readPodTemplate(tr.PodTemplate), tr.PodTemplate
	timeout := defaultTaskRunTimeout
	if tr.Timeout.IsSet() {
		d, err := time.ParseDuration(tr.Timeout.Value)
		if err != nil {
			c.errorf(tr.Timeout.Range(), CodeUnsupported, "timeout %q is not a duration", tr.Timeout.Value)
			return nil
		}
		timeout = d
	}
	in.timeout = &timeout
	propagate(in, &tr.Object)
	in.contextTask = rc.name
	in.task = rc.name
	if res.Task != nil {
		propagate(in, &res.Task.Object)
		in.contextTask = res.Task.Name.Value
	}
	if len(in.annotations) == 0 {
		in.annotations = nil
	}
	tc := &taskCompiler{c: c, in: in, credsPath: readsCredsPath(in.spec)}
	out := tc.compile()
	if out == nil || c.hasErrorsSince(start) {
		return nil
	}
	ro := &RunOutput{Name: rc.name, Kind: "TaskRun"}
	ro.Objects = append(ro.Objects, rc.objects...)
	ro.Objects = append(ro.Objects, Object{Rank: rankJob, Kind: "Job", Name: in.job, Obj: out.job})
	return ro
}
