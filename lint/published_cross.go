package lint

import "github.com/pipec-dev/pipec/compiler"

// crossTask is the Task the cross-object examples run.
const crossTask = `---
apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  params:
    - name: image
    - name: flags
      type: array
      default: []
    - name: mode
      enum: [fast, slow]
      default: fast
  workspaces:
    - name: source
  steps:
    - name: build
      image: alpine:3.20
      workingDir: $(workspaces.source.path)
      command: [echo, $(params.image), $(params.mode)]
      args: ["$(params.flags[*])"]
`

// crossPipeline is a Pipeline "ci" with one workspace and the given tasks,
// followed by crossTask.
func crossPipeline(tasks string) string {
	return `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: ci
spec:
  workspaces:
    - name: src
  tasks:
` + tasks + crossTask
}

// crossRun is a PipelineRun of a Pipeline "ci" that declares a param
// target and a workspace src.
func crossRun(run string) string {
	return run + `---
apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: ci
spec:
  params:
    - name: target
  workspaces:
    - name: src
  tasks:
    - name: build
      params:
        - name: image
          value: $(params.target)
      workspaces:
        - name: source
          workspace: src
      taskRef:
        name: build
` + crossTask
}

const okBuild = `    - name: build
      taskRef:
        name: build
      workspaces:
        - name: source
          workspace: src
      params:
        - name: image
          value: app
`

func crossDocs() map[string]pubDoc {
	return map[string]pubDoc{
		compiler.CodeUnresolvedTask: {name: "unresolved-task", category: CrossObject, tektonLint: "no-missing-resource",
			doc: `A taskRef (or a step's StepAction ref) names an object that is neither in the
input nor in the include directories (-I DIR). The message says where pipec
looked; a taskRef resolved remotely is PC2013 instead.`,
			bad: crossPipeline(`    - name: build
      taskRef:
        name: biuld
      params:
        - name: image
          value: app
      workspaces:
        - name: source
          workspace: src
`),
			good: crossPipeline(okBuild)},
		compiler.CodeUnresolvedPipeline: {name: "unresolved-pipeline", category: CrossObject, tektonLint: "no-missing-resource",
			doc: `A PipelineRun's pipelineRef names no Pipeline of the input or the include
directories.`,
			bad: `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: ci-1
spec:
  pipelineRef:
    name: cd
  params:
    - name: target
      value: app
  workspaces:
    - name: src
      emptyDir: {}
---
` + crossRun("")[4:],
			good: crossRun(`apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: ci-1
spec:
  pipelineRef:
    name: ci
  params:
    - name: target
      value: app
  workspaces:
    - name: src
      emptyDir: {}
`)},
		compiler.CodeExtraParam: {name: "extra-param", category: CrossObject, tektonLint: "no-extra-param",
			doc: `A param is passed that the target (Task, Pipeline or StepAction) does not
declare. Tekton ignores it, so the value the author meant to set is not
set; it is usually a typo, which the message corrects.`,
			bad: crossPipeline(okBuild + `        - name: mdoe
          value: slow
`),
			good: crossPipeline(okBuild + `        - name: mode
          value: slow
`)},
		compiler.CodeMissingParam: {name: "missing-param", category: CrossObject, tektonLint: "no-missing-param",
			doc: `A param without a default is not supplied: by a pipeline task to its Task,
by a PipelineRun to its Pipeline, by a TaskRun to its Task. Tekton fails the
run.`,
			bad: crossPipeline(`    - name: build
      taskRef:
        name: build
      workspaces:
        - name: source
          workspace: src
`),
			good: crossPipeline(okBuild)},
		compiler.CodeParamType: {name: "param-type", category: CrossObject,
			doc: `A value of another type than the param declares: a string for an array, an
array for a string, an object without its declared keys.`,
			bad: crossPipeline(okBuild + `        - name: flags
          value: -v
`),
			good: crossPipeline(okBuild + `        - name: flags
          value: [-v]
`)},
		compiler.CodeUnboundWorkspace: {name: "unbound-workspace", category: CrossObject, tektonLint: "no-missing-workspace",
			doc: `A required workspace (not optional) is not bound: by a pipeline task, a
PipelineRun or a TaskRun. Tekton fails the run.`,
			bad: crossPipeline(`    - name: build
      taskRef:
        name: build
      params:
        - name: image
          value: app
`),
			good: crossPipeline(okBuild)},
		compiler.CodeUndeclaredPipelineW: {name: "undeclared-pipeline-workspace", category: CrossObject, tektonLint: "no-missing-workspace",
			doc: `A pipeline task binds a Task workspace to a pipeline workspace that the
Pipeline does not declare.`,
			bad: crossPipeline(`    - name: build
      taskRef:
        name: build
      params:
        - name: image
          value: app
      workspaces:
        - name: source
          workspace: scr
`),
			good: crossPipeline(okBuild)},
		compiler.CodeExtraWorkspace: {name: "extra-workspace", category: CrossObject,
			doc: `A binding names a workspace that the Task does not declare. It is usually a
typo, and the workspace the Task needs is then not bound either.`,
			bad: crossPipeline(`    - name: build
      taskRef:
        name: build
      params:
        - name: image
          value: app
      workspaces:
        - name: source
          workspace: src
        - name: cache
          workspace: src
`),
			good: crossPipeline(okBuild)},
		compiler.CodeResourceBinding: {name: "resource-binding", category: CrossObject,
			doc: `A PipelineResource binding does not match the declaration: a resource not
bound, bound twice, of another type, or undeclared. (PipelineResources are
deprecated: PC3003.)`,
			bad: `apiVersion: tekton.dev/v1beta1
kind: TaskRun
metadata:
  name: test-1
spec:
  taskRef:
    name: test
  resources:
    inputs:
      - name: source
        resourceSpec:
          type: git
          params:
            - name: url
              value: https://example.com/app.git
---
` + legacyTask,
			good: `apiVersion: tekton.dev/v1beta1
kind: TaskRun
metadata:
  name: test-1
spec:
  taskRef:
    name: test
  resources:
    inputs:
      - name: repo
        resourceSpec:
          type: git
          params:
            - name: url
              value: https://example.com/app.git
---
` + legacyTask},
		compiler.CodeUnresolvedResource: {name: "unresolved-resource", category: CrossObject,
			doc: `A resourceRef names a PipelineResource that is neither in the input nor in
the include directories. (PipelineResources are deprecated: PC3003.)`,
			bad: `apiVersion: tekton.dev/v1beta1
kind: TaskRun
metadata:
  name: test-1
spec:
  taskRef:
    name: test
  resources:
    inputs:
      - name: repo
        resourceRef:
          name: app-repo
---
` + legacyTask,
			good: `apiVersion: tekton.dev/v1beta1
kind: TaskRun
metadata:
  name: test-1
spec:
  taskRef:
    name: test
  resources:
    inputs:
      - name: repo
        resourceRef:
          name: app-repo
---
apiVersion: tekton.dev/v1alpha1
kind: PipelineResource
metadata:
  name: app-repo
spec:
  type: git
  params:
    - name: url
      value: https://example.com/app.git
---
` + legacyTask},
		compiler.CodeDuplicateObject: {name: "duplicate-object", category: CrossObject, tektonLint: "no-duplicate-resource",
			doc: `Two objects of one kind, namespace and name: applying both, the second
replaces the first. Both places are reported (pipec resolves references to
the first).`,
			bad:  helloTask + "---\n" + helloTask,
			good: helloTask},
		compiler.CodeEnumValue: {name: "enum-value", category: CrossObject,
			doc: `A value passed to a param with an enum is not among the allowed values;
Tekton refuses the run. The message lists the values the param accepts.`,
			bad: crossPipeline(okBuild + `        - name: mode
          value: medium
`),
			good: crossPipeline(okBuild + `        - name: mode
          value: slow
`)},
		compiler.CodeRemoteRef: {name: "remote-ref", category: CrossObject,
			doc: `A taskRef or pipelineRef resolved by a resolver (git, hub, bundles, cluster,
http) is fetched by Tekton at run time; pipec does not fetch it, so what
passes it is not checked. Download the object into a directory and pass it
with -I DIR to have it checked.`,
			bad: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: ci
spec:
  tasks:
    - name: clone
      taskRef:
        resolver: hub
        params:
          - name: name
            value: git-clone
`,
			good: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: ci
spec:
  tasks:
    - name: hello
      taskRef:
        name: hello
---
` + helloTask},
		compiler.CodeDuplicateParam: {name: "duplicate-param", category: CrossObject, tektonLint: "no-duplicate-param",
			doc: `A param declared twice in one Task or Pipeline, or passed twice by one
pipeline task or run.`,
			bad: crossPipeline(okBuild + `        - name: image
          value: other
`),
			good: crossPipeline(okBuild)},
		compiler.CodeUnknownTaskRunSpec: {name: "unknown-taskrunspec", category: CrossObject,
			doc: `A PipelineRun's taskRunSpecs entry names a pipeline task that the Pipeline
does not have, so its settings apply to nothing.`,
			bad: crossRun(`apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: ci-1
spec:
  pipelineRef:
    name: ci
  params:
    - name: target
      value: app
  workspaces:
    - name: src
      emptyDir: {}
  taskRunSpecs:
    - pipelineTaskName: biuld
      serviceAccountName: builder
`),
			good: crossRun(`apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: ci-1
spec:
  pipelineRef:
    name: ci
  params:
    - name: target
      value: app
  workspaces:
    - name: src
      emptyDir: {}
  taskRunSpecs:
    - pipelineTaskName: build
      serviceAccountName: builder
`)},
		compiler.CodeUnknownStepSpec: {name: "unknown-step-spec", category: CrossObject,
			doc: `A TaskRun's stepSpecs or sidecarSpecs entry (stepOverrides and
sidecarOverrides in v1beta1), or one of a PipelineRun's taskRunSpecs, names
a step or sidecar that the task does not have. Tekton fails the TaskRun when
it starts ("invalid StepOverride: No Step named …"); pipec says so before.`,
			bad: `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: build
spec:
  stepSpecs:
    - name: biuld
      computeResources:
        limits:
          memory: 2Gi
  taskSpec:
    steps:
      - name: build
        image: golang:1.22
        command: [go, build, ./...]
`,
			good: `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: build
spec:
  stepSpecs:
    - name: build
      computeResources:
        limits:
          memory: 2Gi
  taskSpec:
    steps:
      - name: build
        image: golang:1.22
        command: [go, build, ./...]
`},
		compiler.CodeExtraRunWorkspace: {name: "extra-run-workspace", category: CrossObject,
			doc: `A PipelineRun binds a workspace its Pipeline does not declare; Tekton
ignores it.`,
			bad: crossRun(`apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: ci-1
spec:
  pipelineRef:
    name: ci
  params:
    - name: target
      value: app
  workspaces:
    - name: src
      emptyDir: {}
    - name: cache
      emptyDir: {}
`),
			good: crossRun(`apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: ci-1
spec:
  pipelineRef:
    name: ci
  params:
    - name: target
      value: app
  workspaces:
    - name: src
      emptyDir: {}
`)},
		compiler.CodeOptionalToRequired: {name: "optional-to-required", category: CrossObject,
			doc: `An optional pipeline workspace is bound to a Task's required workspace: a
run that leaves it out makes the task fail.`,
			bad: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: ci
spec:
  workspaces:
    - name: src
      optional: true
  tasks:
` + okBuild + crossTask,
			good: crossPipeline(okBuild)},
		compiler.CodeWorkspaceSource: {name: "workspace-source", category: CrossObject,
			doc: `A run's workspace binding must give exactly one volume source
(persistentVolumeClaim, volumeClaimTemplate, emptyDir, configMap, secret,
projected or csi).`,
			bad: crossRun(`apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: ci-1
spec:
  pipelineRef:
    name: ci
  params:
    - name: target
      value: app
  workspaces:
    - name: src
`),
			good: crossRun(`apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: ci-1
spec:
  pipelineRef:
    name: ci
  params:
    - name: target
      value: app
  workspaces:
    - name: src
      emptyDir: {}
`)},
		compiler.CodeTimeouts: {name: "timeouts", category: CrossObject,
			doc: `A PipelineRun's timeouts must be durations, and timeouts.tasks plus
timeouts.finally must fit in timeouts.pipeline; Tekton rejects the run
otherwise.`,
			bad: crossRun(`apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: ci-1
spec:
  pipelineRef:
    name: ci
  params:
    - name: target
      value: app
  workspaces:
    - name: src
      emptyDir: {}
  timeouts:
    pipeline: 1h
    tasks: 2h
`),
			good: crossRun(`apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: ci-1
spec:
  pipelineRef:
    name: ci
  params:
    - name: target
      value: app
  workspaces:
    - name: src
      emptyDir: {}
  timeouts:
    pipeline: 1h
    tasks: 50m
`)},
		compiler.CodeCustomNoAPIVersion: {name: "custom-task-apiversion", category: CrossObject,
			doc: `A taskRef whose kind is neither Task nor ClusterTask names a custom task,
which Tekton finds by apiVersion and kind: without apiVersion it rejects the
Pipeline.`,
			bad: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: ci
spec:
  tasks:
    - name: wait
      taskRef:
        kind: Wait
        name: five-minutes
`,
			good: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: ci
spec:
  tasks:
    - name: wait
      taskRef:
        apiVersion: example.dev/v1
        kind: Wait
        name: five-minutes
`},
		compiler.CodeWhen: {name: "when-expression", category: CrossObject,
			doc: `A when expression has an input, an operator (in or notin) and at least one
value, or else a cel expression, never both. Tekton rejects the Pipeline
otherwise.`,
			bad: crossPipeline(okBuild + `      when:
        - input: fast
          operator: in
          values: []
`),
			good: crossPipeline(okBuild + `      when:
        - input: fast
          operator: in
          values: [fast]
`)},
		compiler.CodeMatrix: {name: "matrix", category: CrossObject,
			doc: `Matrix params are arrays, are not also given in params, and the results of
a task with a matrix are used whole ([*]), as arrays of every run's value.`,
			bad: crossPipeline(`    - name: build
      taskRef:
        name: build
      params:
        - name: image
          value: app
      matrix:
        params:
          - name: mode
            value: fast
      workspaces:
        - name: source
          workspace: src
`),
			good: crossPipeline(`    - name: build
      taskRef:
        name: build
      params:
        - name: image
          value: app
      matrix:
        params:
          - name: mode
            value: [fast, slow]
      workspaces:
        - name: source
          workspace: src
`)},
		compiler.CodeRunParamResult: {name: "run-param-result", category: CrossObject,
			doc: `A run's param values are fixed when the run is created; they cannot refer to
task results.`,
			bad: crossRun(`apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: ci-1
spec:
  pipelineRef:
    name: ci
  params:
    - name: target
      value: $(tasks.build.results.image)
  workspaces:
    - name: src
      emptyDir: {}
`),
			good: crossRun(`apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: ci-1
spec:
  pipelineRef:
    name: ci
  params:
    - name: target
      value: app
  workspaces:
    - name: src
      emptyDir: {}
`)},
	}
}
