package model

import (
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

// Set holds the Tekton objects of an input, by kind, in input order, and the
// other Kubernetes objects (ServiceAccounts, Secrets, PVCs, …) for reference.
type Set struct {
	Tasks        []*Task // Tasks and ClusterTasks
	Pipelines    []*Pipeline
	PipelineRuns []*PipelineRun
	TaskRuns     []*TaskRun
	Resources    []*PipelineResource
	StepActions  []*StepAction
	// Others are the documents of other kinds, Tekton's removed kinds
	// (Condition) included.
	Others []*load.Doc
}

// Decode builds the model of docs.
func Decode(docs []*load.Doc) *Set {
	s := &Set{}
	for _, d := range docs {
		s.Add(d)
	}
	return s
}

// Add decodes one document into the set.
func (s *Set) Add(d *load.Doc) {
	if d.Kind == "" || d.Root == nil {
		return
	}
	if !d.IsTekton() {
		s.Others = append(s.Others, d)
		return
	}
	spec := d.Root.Get("spec")
	switch d.Kind {
	case "Task", "ClusterTask":
		t := &Task{Object: decodeObject(d), Spec: DecodeTaskSpec(spec)}
		if t.Spec == nil {
			t.Spec = &TaskSpec{Node: spec}
		}
		s.Tasks = append(s.Tasks, t)
	case "Pipeline":
		p := &Pipeline{Object: decodeObject(d), Spec: DecodePipelineSpec(spec)}
		if p.Spec == nil {
			p.Spec = &PipelineSpec{Node: spec}
		}
		s.Pipelines = append(s.Pipelines, p)
	case "PipelineRun":
		s.PipelineRuns = append(s.PipelineRuns, decodePipelineRun(d, spec))
	case "TaskRun":
		s.TaskRuns = append(s.TaskRuns, decodeTaskRun(d, spec))
	case "PipelineResource":
		r := &PipelineResource{Object: decodeObject(d), Spec: decodeResourceSpec(spec)}
		if r.Spec == nil {
			r.Spec = &ResourceSpec{Node: spec}
		}
		s.Resources = append(s.Resources, r)
	case "StepAction":
		a := &StepAction{Object: decodeObject(d), Node: spec}
		a.Params = decodeParamSpecs(spec.Get("params"))
		a.Results = decodeResults(spec.Get("results"))
		a.Step = decodeStep(spec, 0, false)
		s.StepActions = append(s.StepActions, a)
	default:
		s.Others = append(s.Others, d)
	}
}

func decodePipelineRun(d *load.Doc, spec *source.Node) *PipelineRun {
	r := &PipelineRun{Object: decodeObject(d), Status: str(spec, "status")}
	r.PipelineRef = decodeRef(spec.Get("pipelineRef"))
	r.PipelineSpec = DecodePipelineSpec(spec.Get("pipelineSpec"))
	r.Params = decodeParams(spec.Get("params"))
	r.Workspaces = decodeRunWorkspaces(spec.Get("workspaces"))
	r.Resources = decodeRunResourceBindings(spec.Get("resources"))
	tmpl := spec.Get("taskRunTemplate")
	r.ServiceAccountName = str(tmpl, "serviceAccountName")
	r.PodTemplate = tmpl.Get("podTemplate")
	to := spec.Get("timeouts")
	r.Timeouts = Timeouts{Pipeline: str(to, "pipeline"), Tasks: str(to, "tasks"), Finally: str(to, "finally")}
	// v1beta1 spelled these at the top of the spec.
	if !r.ServiceAccountName.IsSet() {
		r.ServiceAccountName = str(spec, "serviceAccountName")
	}
	if r.PodTemplate == nil {
		r.PodTemplate = spec.Get("podTemplate")
	}
	if !r.Timeouts.Pipeline.IsSet() {
		r.Timeouts.Pipeline = str(spec, "timeout")
	}
	for _, e := range spec.Get("taskRunSpecs").Items() {
		ts := &TaskRunSpec{Node: e, PipelineTaskName: str(e, "pipelineTaskName"), ServiceAccountName: str(e, "serviceAccountName"),
			PodTemplate: e.Get("podTemplate"), Timeout: str(e, "timeout"), StepSpecs: e.Get("stepSpecs"),
			SidecarSpecs: e.Get("sidecarSpecs"), ComputeResources: e.Get("computeResources")}
		if !ts.ServiceAccountName.IsSet() {
			ts.ServiceAccountName = str(e, "taskServiceAccountName")
		}
		if ts.PodTemplate == nil {
			ts.PodTemplate = e.Get("taskPodTemplate")
		}
		if ts.StepSpecs == nil {
			ts.StepSpecs = e.Get("stepOverrides")
		}
		if ts.SidecarSpecs == nil {
			ts.SidecarSpecs = e.Get("sidecarOverrides")
		}
		r.TaskRunSpecs = append(r.TaskRunSpecs, ts)
	}
	return r
}

func decodeTaskRun(d *load.Doc, spec *source.Node) *TaskRun {
	r := &TaskRun{Object: decodeObject(d), Status: str(spec, "status"), ServiceAccountName: str(spec, "serviceAccountName"),
		PodTemplate: spec.Get("podTemplate"), Timeout: str(spec, "timeout"), StepSpecs: spec.Get("stepSpecs"),
		SidecarSpecs: spec.Get("sidecarSpecs"), ComputeResources: spec.Get("computeResources")}
	r.Retries, _ = integer(spec, "retries")
	r.TaskRef = decodeRef(spec.Get("taskRef"))
	r.TaskSpec = DecodeTaskSpec(spec.Get("taskSpec"))
	r.Params = decodeParams(spec.Get("params"))
	r.Workspaces = decodeRunWorkspaces(spec.Get("workspaces"))
	res := spec.Get("resources")
	r.Inputs = decodeRunResourceBindings(res.Get("inputs"))
	r.Outputs = decodeRunResourceBindings(res.Get("outputs"))
	if r.StepSpecs == nil {
		r.StepSpecs = spec.Get("stepOverrides")
	}
	if r.SidecarSpecs == nil {
		r.SidecarSpecs = spec.Get("sidecarOverrides")
	}
	return r
}
