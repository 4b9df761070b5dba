package lint

var ruleAPIVersion = &Rule{
	ID:         "PC3001",
	Name:       "deprecated-api-version",
	Title:      "object of a deprecated apiVersion",
	Category:   Deprecation,
	Severity:   warningSev,
	TektonLint: "prefer-beta",
	Doc: `Tekton serves Tasks, Pipelines, PipelineRuns and TaskRuns as tekton.dev/v1.
The v1beta1 versions are deprecated and v1alpha1 ones were removed long ago;
StepActions moved from v1alpha1 to v1beta1. The finding is on apiVersion,
with the migration for the kind in its detail. Fields that v1 renamed or moved
are reported one by one by PC3002 (renamed-in-v1), and PipelineResources,
which v1 does not have, by PC3003.`,
	Bad: `apiVersion: tekton.dev/v1beta1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine:3.20
      script: |
        #!/bin/sh
        echo hello
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine:3.20
      script: |
        #!/bin/sh
        echo hello
`,
	Run: runAPIVersion,
}

// migrations says what changes from v1beta1 to v1 for each kind.
var migrations = map[string]string{
	"Task":        "Change apiVersion to tekton.dev/v1; a step's resources become computeResources, and spec.resources (PipelineResources) must be replaced by workspaces and params.",
	"Pipeline":    "Change apiVersion to tekton.dev/v1; pipeline tasks keep their shape, but spec.resources (PipelineResources) must be replaced by workspaces and params.",
	"PipelineRun": "Change apiVersion to tekton.dev/v1; serviceAccountName and podTemplate move under spec.taskRunTemplate, spec.timeout becomes spec.timeouts.pipeline, and taskRunSpecs[].taskServiceAccountName/taskPodTemplate lose their \"task\" prefix.",
	"TaskRun":     "Change apiVersion to tekton.dev/v1; stepOverrides and sidecarOverrides become stepSpecs and sidecarSpecs, and spec.resources (PipelineResources) must be replaced by workspaces and params.",
}

func runAPIVersion(p *Pass) {
	for _, o := range p.Objects() {
		at := o.Doc.Root.Get("apiVersion")
		switch {
		case o.Kind == "StepAction" && o.APIVersion == "tekton.dev/v1alpha1":
			p.Reportf(at.Range(), "StepAction %s uses the deprecated %s", quote(o.Name.Value), o.APIVersion).
				Explain("Change apiVersion to tekton.dev/v1beta1; the fields are the same.")
		case migrations[o.Kind] != "" && (o.APIVersion == "tekton.dev/v1beta1" || o.APIVersion == "tekton.dev/v1alpha1"):
			p.Reportf(at.Range(), "%s %s uses the deprecated %s", o.Kind, quote(o.Name.Value), o.APIVersion).
				Explain("%s", migrations[o.Kind])
		}
	}
}
