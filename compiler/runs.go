package compiler

import (
	"fmt"
	"slices"
	"time"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

func (c *checker) checkPipelineRun(r *model.PipelineRun) {
	ds := c.diags()
	var rp *ResolvedPipeline
	switch {
	case r.PipelineSpec != nil:
		rp = &ResolvedPipeline{Spec: r.PipelineSpec}
		c.checkPipeline(r.PipelineSpec, r)
	case r.PipelineRef != nil && r.PipelineRef.Remote():
		c.resolveRef(r.PipelineRef) // reports that it is not checked
	case r.PipelineRef != nil && r.PipelineRef.Name.IsSet():
		pl := c.p.lookPipeline(r.PipelineRef.Name.Value)
		if pl == nil {
			d := ds.Errorf(r.PipelineRef.Name.Range(), CodeUnresolvedPipeline, "no Pipeline named %q", r.PipelineRef.Name.Value)
			var names []string
			for _, ix := range []*index{c.p.index, c.p.included} {
				if ix != nil {
					for n := range ix.pipelines {
						names = append(names, n)
					}
				}
			}
			if sug := diag.Closest(r.PipelineRef.Name.Value, sortedUnique(names)); sug != "" {
				d.Suggestion = sug
				d.Explain("did you mean %q? Looked in %s.", sug, c.p.whereLooked())
			} else {
				d.Explain("Looked in %s.", c.p.whereLooked())
			}
		} else {
			rp = &ResolvedPipeline{Spec: pl.Spec, Pipeline: pl}
			if c.p.Graphs[pl.Spec] == nil {
				// A Pipeline from an include directory: resolve its tasks and
				// build its graph for the compiler, without reporting problems
				// inside it (Options.Library says they are not reported).
				n := len(c.p.Diags)
				c.checkPipeline(pl.Spec, nil)
				c.p.Diags = c.p.Diags[:n]
			}
		}
	}
	c.checkRunParamRefs(r.Params)
	c.checkRunWorkspaceSources(r.Workspaces)
	c.checkRunTimeouts(r)
	if rp == nil || rp.Spec == nil {
		return
	}
	c.p.PipelineOf[r] = rp
	what := "the pipeline"
	declAt := specKey(rp.Spec.Node, "params")
	if rp.Pipeline != nil {
		what = "Pipeline \"" + rp.Pipeline.Name.Value + "\""
	}
	c.checkArgs(argsCheck{args: r.Params, supplied: r.Params, decls: rp.Spec.Params, what: what, at: r.Range(), declAt: declAt,
		allowExtra: r.PipelineSpec != nil})
	// Workspaces.
	bound := map[string]bool{}
	for _, w := range r.Workspaces {
		bound[w.Name.Value] = true
		if rp.Spec.Workspace(w.Name.Value) == nil {
			var cands []string
			for _, pw := range rp.Spec.Workspaces {
				cands = append(cands, pw.Name.Value)
			}
			d := ds.Warnf(w.Name.Range(), CodeExtraRunWorkspace, "%s declares no workspace %q", what, w.Name.Value)
			didYouMean(d, w.Name.Value, cands, "Its workspaces are:")
		}
	}
	for _, pw := range rp.Spec.Workspaces {
		if !pw.Optional && !bound[pw.Name.Value] {
			ds.Errorf(r.Range(), CodeUnboundWorkspace, "PipelineRun %q does not bind %s's required workspace %q", r.Name.Value, what, pw.Name.Value).
				With(pw.Name.Range(), "declared here")
		}
	}
	// PipelineResources.
	c.checkRunResources(r.Resources, rp.Spec.Resources, "pipeline", what, r.Range)
	// taskRunSpecs.
	for _, ts := range r.TaskRunSpecs {
		if pt := rp.Spec.Task(ts.PipelineTaskName.Value); pt != nil {
			if res := c.p.TaskOf[pt]; res != nil {
				c.checkStepSpecs(ts.StepSpecs, ts.SidecarSpecs, res.Spec)
			}
		}
		if name := ts.PipelineTaskName; name.IsSet() && rp.Spec.Task(name.Value) == nil {
			var cands []string
			for _, t := range rp.Spec.AllTasks() {
				cands = append(cands, t.Name.Value)
			}
			d := ds.Errorf(name.Range(), CodeUnknownTaskRunSpec, "%s has no task %q", what, name.Value)
			didYouMean(d, name.Value, cands, "Its tasks are:")
		}
	}
}

// checkRunParamRefs reports task results in a PipelineRun's param values,
// which Tekton rejects: the run's params are known before any task runs.
func (c *checker) checkRunParamRefs(ps []*model.Param) {
	for _, p := range ps {
		for _, n := range p.Value.Strings() {
			for _, r := range ref.Find(n.Value) {
				if r.Root() == "tasks" || r.Root() == "finally" {
					c.diags().Errorf(refRange(n, r), CodeRunParamResult, "a run's param value cannot use task results").
						Explain("The run's params are fixed when it starts; pass the result from one pipeline task to another instead.")
				}
			}
		}
	}
}

// checkRunWorkspaceSources checks that each binding has one volume source.
func (c *checker) checkRunWorkspaceSources(ws []*model.RunWorkspace) {
	for _, w := range ws {
		n := 0
		for _, s := range model.WorkspaceSources {
			if w.Node.Get(s) != nil {
				n++
			}
		}
		switch {
		case n == 0:
			c.diags().Errorf(w.Name.Range(), CodeWorkspaceSource, "workspace binding %q gives no volume", w.Name.Value).
				Explain("Give exactly one of persistentVolumeClaim, volumeClaimTemplate, emptyDir, configMap, secret, projected or csi.")
		case n > 1:
			c.diags().Errorf(w.Name.Range(), CodeWorkspaceSource, "workspace binding %q gives %d volumes; exactly one is allowed", w.Name.Value, n)
		}
	}
}

// checkRunTimeouts applies Tekton's rules on a PipelineRun's timeouts.
func (c *checker) checkRunTimeouts(r *model.PipelineRun) {
	parse := func(s model.Str) (time.Duration, bool) {
		if !s.IsSet() {
			return 0, false
		}
		d, err := time.ParseDuration(s.Value)
		if err != nil {
			c.diags().Errorf(s.Range(), CodeTimeouts, "%q is not a duration", s.Value).Explain("Write durations as Go does: 1h30m, 90s.")
			return 0, false
		}
		if d < 0 {
			c.diags().Errorf(s.Range(), CodeTimeouts, "timeout %s is negative", s.Value)
			return 0, false
		}
		return d, true
	}
	pipeline, hasP := parse(r.Timeouts.Pipeline)
	tasks, hasT := parse(r.Timeouts.Tasks)
	finally, hasF := parse(r.Timeouts.Finally)
	if !hasP {
		pipeline, hasP = time.Hour, true // Tekton's default-timeout-minutes
	}
	if pipeline == 0 {
		return // no limit
	}
	if hasT && tasks > pipeline {
		c.diags().Errorf(r.Timeouts.Tasks.Range(), CodeTimeouts, "timeouts.tasks %s is longer than the pipeline's %s", tasks, pipeline)
	}
	if hasF && finally > pipeline {
		c.diags().Errorf(r.Timeouts.Finally.Range(), CodeTimeouts, "timeouts.finally %s is longer than the pipeline's %s", finally, pipeline)
	}
	if hasT && hasF && tasks+finally > pipeline {
		c.diags().Errorf(r.Timeouts.Finally.Range(), CodeTimeouts, "timeouts.tasks + timeouts.finally (%s) exceed the pipeline's %s", tasks+finally, pipeline)
	}
}

func (c *checker) checkTaskRun(r *model.TaskRun) {
	ds := c.diags()
	var res *Resolved
	switch {
	case r.TaskSpec != nil:
		res = &Resolved{Spec: r.TaskSpec}
	case r.TaskRef != nil:
		if t := c.resolveRef(r.TaskRef); t != nil {
			res = &Resolved{Spec: t.Spec, Task: t}
		}
	}
	c.checkRunWorkspaceSources(r.Workspaces)
	if res == nil || res.Spec == nil {
		return
	}
	c.p.TaskOfRun[r] = res
	sc := &taskScope{spec: res.Spec}
	if r.TaskSpec != nil {
		// An inline spec sees the run's params and workspaces undeclared.
		sc.outer, sc.outerWhat = runParamSpecs(r.Params), "run"
		for _, w := range r.Workspaces {
			sc.propagatedWorkspaces = append(sc.propagatedWorkspaces, w.Name.Value)
		}
		c.checkTaskSpec(r.TaskSpec, sc)
	}
	// The run's param values are substituted into the task's steps, where
	// their own references (resources, context, workspaces) are replaced in
	// turn, so they are checked in the task's scope.
	for _, p := range r.Params {
		for _, n := range p.Value.Strings() {
			for _, rf := range ref.Find(n.Value) {
				if rf.Root() != "params" && rf.Root() != "inputs" {
					c.taskRef(sc, n, rf, inString, nil)
				}
			}
		}
	}
	what := "the task"
	if res.Task != nil {
		what = res.Task.Kind + " \"" + res.Task.Name.Value + "\""
	}
	c.checkArgs(argsCheck{args: r.Params, supplied: r.Params, decls: res.Spec.Params, what: what, at: r.Range(),
		declAt: specKey(res.Spec.Node, "params"), allowExtra: r.TaskSpec != nil})
	bound := map[string]bool{}
	for _, w := range r.Workspaces {
		bound[w.Name.Value] = true
		if res.Spec.Workspace(w.Name.Value) == nil && r.TaskSpec == nil {
			var cands []string
			for _, tw := range res.Spec.Workspaces {
				cands = append(cands, tw.Name.Value)
			}
			d := ds.Errorf(w.Name.Range(), CodeExtraWorkspace, "%s declares no workspace %q", what, w.Name.Value)
			didYouMean(d, w.Name.Value, cands, "Its workspaces are:")
		}
	}
	var missing []string
	var rel []diag.Related
	for _, w := range res.Spec.Workspaces {
		if !w.Optional && !bound[w.Name.Value] {
			missing = append(missing, w.Name.Value)
			rel = append(rel, diag.Related{Range: w.Name.Range(), Message: "declared here"})
		}
	}
	if len(missing) > 0 {
		ds.Add(diag.Diagnostic{Severity: diag.Error, Code: CodeUnboundWorkspace, Subject: r.Range(), Related: rel,
			Message: fmt.Sprintf("TaskRun %q does not bind %s's required %s %s", r.Name.Value, what, plural(len(missing), "workspace", "workspaces"), quoteList(missing))})
	}
	c.checkRunResources(r.Inputs, res.Spec.Inputs, "input", what, r.Range)
	c.checkRunResources(r.Outputs, res.Spec.Outputs, "output", what, r.Range)
	c.checkStepSpecs(r.StepSpecs, r.SidecarSpecs, res.Spec)
}

// checkStepSpecs checks that stepSpecs and sidecarSpecs (stepOverrides and
// sidecarOverrides in v1beta1) name steps and sidecars of the task: Tekton
// fails the TaskRun at run time otherwise.
func (c *checker) checkStepSpecs(steps, sidecars *source.Node, spec *model.TaskSpec) {
	check := func(list *source.Node, of []*model.Step, kind string) {
		var names []string
		for _, s := range of {
			names = append(names, s.Name.Value)
		}
		for _, e := range list.Items() {
			n := e.Get("name")
			if n == nil || n.Kind != source.String || slices.Contains(names, n.Value) {
				continue
			}
			d := c.diags().Errorf(n.Range(), CodeUnknownStepSpec, "the task has no %s named %q", kind, n.Value)
			didYouMean(d, n.Value, names, "Its "+kind+"s are:")
		}
	}
	check(steps, spec.Steps, "step")
	check(sidecars, spec.Sidecars, "sidecar")
}
