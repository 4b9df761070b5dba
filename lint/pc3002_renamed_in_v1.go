package lint

import (
	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/source"
)

var ruleRenamedInV1 = &Rule{
	ID:       "PC3002",
	Name:     "renamed-in-v1",
	Title:    "v1beta1 field that v1 renamed or moved",
	Category: Deprecation,
	Severity: warningSev,
	Doc: `tekton.dev/v1 renamed or moved several v1beta1 fields. Each is reported
where it is written, with the v1 spelling, so that changing the apiVersion
(PC3001) is a mechanical edit:

- a step's, sidecar's or stepTemplate's resources: computeResources;
- a PipelineRun's serviceAccountName and podTemplate: taskRunTemplate.serviceAccountName and taskRunTemplate.podTemplate;
- a PipelineRun's timeout: timeouts.pipeline;
- taskRunSpecs[].taskServiceAccountName and taskPodTemplate: serviceAccountName and podTemplate;
- stepOverrides and sidecarOverrides: stepSpecs and sidecarSpecs;
- taskRef.bundle and pipelineRef.bundle: the bundles resolver.`,
	Bad: `apiVersion: tekton.dev/v1beta1
kind: PipelineRun
metadata:
  name: nightly
spec:
  serviceAccountName: builder
  timeout: 1h
  pipelineSpec:
    tasks:
      - name: hello
        taskSpec:
          steps:
            - name: hello
              image: alpine:3.20
              command: [echo, hello]
`,
	Good: `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: nightly
spec:
  taskRunTemplate:
    serviceAccountName: builder
  timeouts:
    pipeline: 1h
  pipelineSpec:
    tasks:
      - name: hello
        taskSpec:
          steps:
            - name: hello
              image: alpine:3.20
              command: [echo, hello]
`,
	Run: runRenamedInV1,
}

// renamed maps a v1beta1 field name to its v1 replacement, by where it sits.
var (
	renamedRun = map[string]string{
		"serviceAccountName":  "spec.taskRunTemplate.serviceAccountName",
		"podTemplate":         "spec.taskRunTemplate.podTemplate",
		"timeout":             "spec.timeouts.pipeline",
		"serviceAccountNames": "spec.taskRunSpecs[].serviceAccountName",
	}
	renamedTaskRunSpec = map[string]string{
		"taskServiceAccountName": "serviceAccountName",
		"taskPodTemplate":        "podTemplate",
		"stepOverrides":          "stepSpecs",
		"sidecarOverrides":       "sidecarSpecs",
	}
	renamedTaskRun = map[string]string{
		"stepOverrides":    "stepSpecs",
		"sidecarOverrides": "sidecarSpecs",
	}
)

func runRenamedInV1(p *Pass) {
	legacy := func(o *model.Object) bool {
		return o.APIVersion == "tekton.dev/v1beta1" || o.APIVersion == "tekton.dev/v1alpha1"
	}
	report := func(spec *source.Node, table map[string]string, where string) {
		for k := range spec.Entries() {
			if to, ok := table[k.Value]; ok {
				p.Reportf(k.Range(), "%s%s is %s in tekton.dev/v1", where, k.Value, to)
			}
		}
	}
	for _, r := range p.Set().PipelineRuns {
		if !legacy(&r.Object) {
			continue
		}
		spec := r.Doc.Root.Get("spec")
		report(spec, renamedRun, "")
		for _, ts := range r.TaskRunSpecs {
			report(ts.Node, renamedTaskRunSpec, "taskRunSpecs[].")
		}
		bundle(p, spec.Get("pipelineRef"))
	}
	for _, r := range p.Set().TaskRuns {
		if legacy(&r.Object) {
			report(r.Doc.Root.Get("spec"), renamedTaskRun, "")
			bundle(p, r.Doc.Root.Path("spec", "taskRef"))
		}
	}
	for _, c := range p.Containers() {
		if c.Kind == "StepAction" || !legacy(c.In.Object) {
			continue
		}
		if k := c.Node.Key("resources"); k != nil {
			p.Reportf(k.Range(), "the resources of %s are computeResources in tekton.dev/v1", c.What())
		}
	}
	for _, ps := range p.PipelineSpecs() {
		if !legacy(ps.Object) {
			continue
		}
		for _, pt := range ps.Spec.AllTasks() {
			if pt.TaskRef != nil {
				bundle(p, pt.TaskRef.Node)
			}
		}
	}
}

// bundle reports taskRef.bundle or pipelineRef.bundle.
func bundle(p *Pass, ref *source.Node) {
	if k := ref.Key("bundle"); k != nil {
		p.Reportf(k.Range(), "bundle is the bundles resolver in tekton.dev/v1").
			Explain("Write resolver: bundles with params bundle (the image), name and kind.")
	}
}
