package lint

import (
	"sync"

	"github.com/pipec-dev/pipec/compiler"
)

// pubDoc is the documentation of a published code; title and severity come
// from where the code is defined.
type pubDoc struct {
	name       string
	category   Category
	tektonLint string
	doc        string
	bad, good  string
}

// publishedCompiler documents compiler.Checks.
func publishedCompiler() []*Rule {
	var out []*Rule
	for _, c := range compiler.Checks {
		d, ok := compilerDocs()[c.Code]
		if !ok {
			d = pubDoc{name: "compiler-" + c.Code, category: Reference}
		}
		out = append(out, &Rule{ID: c.Code, Name: d.name, Title: c.Title, Category: d.category, Severity: c.Severity,
			TektonLint: d.tektonLint, Doc: d.doc, Bad: d.bad, Good: d.good})
	}
	return out
}

// compilerDocs are written in the published_*.go files, one map per range,
// and built on first use rather than when pipec starts.
var compilerDocs = sync.OnceValue(func() map[string]pubDoc { return mergeDocs(refDocs(), crossDocs(), graphDocs()) })

func mergeDocs(ms ...map[string]pubDoc) map[string]pubDoc {
	out := map[string]pubDoc{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// refTask is the Task most reference examples start from.
const refTask = `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  params:
    - name: image-tag
    - name: flags
      type: array
      default: [-v]
    - name: repo
      type: object
      properties:
        url: {}
      default: {url: "https://example.com/app.git"}
  workspaces:
    - name: source
  results:
    - name: digest
  steps:
`

func refDocs() map[string]pubDoc {
	return map[string]pubDoc{
		compiler.CodeUndeclaredParam: {name: "undeclared-param", category: Reference, tektonLint: "no-undefined-param",
			doc: `A $(params.NAME) reference names a param that is not declared where it is
used: by the Task (or its pipeline, for an inline taskSpec), the Pipeline,
or the run that propagates its params. Tekton refuses the object, or leaves
the text unreplaced. Every reference in a string is checked, also the ones
deep inside a script, and each is reported at its own line and column.`,
			bad: refTask + `    - name: build
      image: alpine:3.20
      script: |
        #!/bin/sh
        docker build -t app:$(params.imag-tag) $(workspaces.source.path)
        echo -n sha256:0 > $(results.digest.path)
`,
			good: refTask + `    - name: build
      image: alpine:3.20
      script: |
        #!/bin/sh
        docker build -t app:$(params.image-tag) $(workspaces.source.path)
        echo -n sha256:0 > $(results.digest.path)
`},
		compiler.CodeUndeclaredResult: {name: "undeclared-result", category: Reference, tektonLint: "no-undefined-result",
			doc: `A reference to a result that is not declared: $(results.NAME.path) in a
Task, $(tasks.TASK.results.NAME) in a Pipeline (checked against the Task the
pipeline task runs), or a step result. The value would never arrive.`,
			bad: refTask + `    - name: build
      image: alpine:3.20
      script: |
        #!/bin/sh
        echo -n sha256:0 > $(results.digets.path)
`,
			good: refTask + `    - name: build
      image: alpine:3.20
      script: |
        #!/bin/sh
        echo -n sha256:0 > $(results.digest.path)
`},
		compiler.CodeUndeclaredWorkspace: {name: "undeclared-workspace", category: Reference,
			doc: `A $(workspaces.NAME.…) reference names a workspace the Task does not
declare (nor, for an inline taskSpec, the run binds).`,
			bad: refTask + `    - name: build
      image: alpine:3.20
      workingDir: $(workspaces.src.path)
      command: [make]
`,
			good: refTask + `    - name: build
      image: alpine:3.20
      workingDir: $(workspaces.source.path)
      command: [make]
`},
		compiler.CodeUndeclaredStep: {name: "undeclared-step", category: Reference,
			doc: `A $(steps.NAME.…) reference (a step result or exit code) names no step of
the Task.`,
			bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: test
spec:
  steps:
    - name: unit
      image: golang:1.22
      onError: continue
      command: [go, test, ./...]
    - name: report
      image: alpine:3.20
      command: [cat, $(steps.step-units.exitCode.path)]
`,
			good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: test
spec:
  steps:
    - name: unit
      image: golang:1.22
      onError: continue
      command: [go, test, ./...]
    - name: report
      image: alpine:3.20
      command: [cat, $(steps.step-unit.exitCode.path)]
`},
		compiler.CodeUndeclaredResource: {name: "undeclared-resource", category: Reference,
			doc: `A $(resources.inputs|outputs.NAME.…) reference names a PipelineResource the
Task does not declare. (PipelineResources themselves are deprecated: PC3003.)`,
			bad: `apiVersion: tekton.dev/v1beta1
kind: Task
metadata:
  name: test
spec:
  resources:
    inputs:
      - name: repo
        type: git
  steps:
    - name: test
      image: golang:1.22
      workingDir: $(resources.inputs.source.path)
      command: [go, test, ./...]
`,
			good: legacyTask},
		compiler.CodeUnknownContext: {name: "unknown-context", category: Reference,
			doc: `$(context.…) variables are a fixed set, and differ between Tasks
(taskRun.name, taskRun.namespace, taskRun.uid, task.name, task.retry-count)
and Pipelines (pipelineRun.name, pipelineRun.namespace, pipelineRun.uid,
pipeline.name, pipelineTask.retries). Anything else stays unreplaced.`,
			bad:  helloTaskWith(`      command: [echo, $(context.taskrun.name)]`),
			good: helloTaskWith(`      command: [echo, $(context.taskRun.name)]`)},
		compiler.CodeUnknownTask: {name: "unknown-task", category: Reference, tektonLint: "no-undefined-result",
			doc: `A $(tasks.TASK.…) or $(finally.TASK.…) reference names a task that is not in
the pipeline (or, for $(finally…), not a finally task).`,
			bad: pipelineOf(`    - name: build
      taskRef:
        name: version
    - name: tag
      taskRef:
        name: tag
      params:
        - name: v
          value: $(tasks.biuld.results.v)
`),
			good: pipelineOf(`    - name: build
      taskRef:
        name: version
    - name: tag
      taskRef:
        name: tag
      params:
        - name: v
          value: $(tasks.build.results.v)
`)},
		compiler.CodeMalformedRef: {name: "malformed-reference", category: Reference,
			doc: `A reference of a known kind with the wrong shape: $(results.NAME) without
.path, $(workspaces.NAME.mount), $(tasks.T.NAME) without .results. Tekton
leaves such text as it is, so the step sees the literal $(…).`,
			bad: refTask + `    - name: build
      image: alpine:3.20
      script: |
        #!/bin/sh
        echo -n sha256:0 > $(results.digest)
`,
			good: refTask + `    - name: build
      image: alpine:3.20
      script: |
        #!/bin/sh
        echo -n sha256:0 > $(results.digest.path)
`},
		compiler.CodeInvalidPrefix: {name: "invalid-prefix", category: Reference,
			doc: `In a pipeline task's params, matrix and when expressions, Tekton accepts
only references that start with params, tasks, finally, context or
workspaces, and rejects the Pipeline otherwise. Shell command substitution
such as $(date) belongs in a step, not in a param value.`,
			bad: pipelineOf(`    - name: build
      taskRef:
        name: version
    - name: tag
      taskRef:
        name: tag
      params:
        - name: v
          value: $(date)
`),
			good: pipelineOf(`    - name: build
      taskRef:
        name: version
    - name: tag
      taskRef:
        name: tag
      params:
        - name: v
          value: $(tasks.build.results.v)
`)},
		compiler.CodeResultNoRef: {name: "constant-pipeline-result", category: Reference,
			doc: `A pipeline result's value must use at least one task result; Tekton
rejects a constant.`,
			bad: pipelineOf(`    - name: build
      taskRef:
        name: version
  results:
    - name: v
      value: "1.0"
`),
			good: pipelineOf(`    - name: build
      taskRef:
        name: version
  results:
    - name: v
      value: $(tasks.build.results.v)
`)},
		compiler.CodeTaskRefInTask: {name: "tasks-ref-in-task", category: Reference,
			doc: `A Task cannot see other tasks: $(tasks.…) is substituted only in a Pipeline.
Declare a param and pass the value from the pipeline task.`,
			bad: helloTaskWith(`      command: [echo, $(tasks.build.results.v)]`),
			good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  params:
    - name: v
  steps:
    - name: hello
      image: alpine:3.20
      command: [echo, $(params.v)]
`},
		compiler.CodeParamInDefault: {name: "param-in-default", category: Reference,
			doc: `Tekton substitutes params in one pass, so a param's default that refers to
another param reaches the steps as the literal text $(params.OTHER).`,
			bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  params:
    - name: registry
      default: registry.local
    - name: image
      default: $(params.registry)/app
  steps:
    - name: build
      image: alpine:3.20
      command: [echo, $(params.image)]
`,
			good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  params:
    - name: registry
      default: registry.local
    - name: image
      default: app
  steps:
    - name: build
      image: alpine:3.20
      command: [echo, $(params.registry)/$(params.image)]
`},
		compiler.CodeArrayNotIsolated: {name: "array-not-isolated", category: Reference,
			doc: `A whole array expands into several arguments only when the reference is a
whole element of args, command or an array value. Inside a longer string
Tekton rejects it.`,
			bad: refTask + `    - name: build
      image: alpine:3.20
      command: [echo]
      args: ["--flags=$(params.flags[*])"]
`,
			good: refTask + `    - name: build
      image: alpine:3.20
      command: [echo]
      args: ["$(params.flags[*])"]
`},
		compiler.CodeWholeInString: {name: "whole-value-in-string", category: Reference,
			doc: `A whole array or object cannot stand where one string is expected (a
script, an env value, an image): use one element, $(params.list[0]), or one
key, $(params.obj.key).`,
			bad: refTask + `    - name: build
      image: alpine:3.20
      env:
        - name: REPO
          value: $(params.repo)
      command: [echo, $REPO]
`,
			good: refTask + `    - name: build
      image: alpine:3.20
      env:
        - name: REPO
          value: $(params.repo.url)
      command: [echo, $REPO]
`},
		compiler.CodeUndeclaredKey: {name: "undeclared-key", category: Reference,
			doc: `$(params.OBJ.KEY) names a key the object param (or result) does not declare
in its properties, or treats a string or array as an object.`,
			bad: refTask + `    - name: build
      image: alpine:3.20
      command: [echo, $(params.repo.uri)]
`,
			good: refTask + `    - name: build
      image: alpine:3.20
      command: [echo, $(params.repo.url)]
`},
		compiler.CodeIndexNonArray: {name: "index-non-array", category: Reference,
			doc: `An index ([0]) or star ([*]) applies to an array; on a string or an object
Tekton rejects it.`,
			bad: refTask + `    - name: build
      image: alpine:3.20
      command: ["echo", "$(params.image-tag[0])"]
`,
			good: refTask + `    - name: build
      image: alpine:3.20
      command: [echo, $(params.image-tag)]
`},
		compiler.CodeIndexOutOfRange: {name: "index-out-of-range", category: Reference,
			doc: `An index beyond the length of the array param's default: the run fails
unless it passes a longer array.`,
			bad: refTask + `    - name: build
      image: alpine:3.20
      command: ["echo", "$(params.flags[3])"]
`,
			good: refTask + `    - name: build
      image: alpine:3.20
      command: ["echo", "$(params.flags[0])"]
`},
		compiler.CodeStatusOutsideFinally: {name: "status-outside-finally", category: Reference,
			doc: `$(tasks.TASK.status), $(tasks.TASK.reason) and $(tasks.status) are known only
when the DAG has finished: Tekton allows them only in finally tasks.`,
			bad: pipelineOf(`    - name: build
      taskRef:
        name: version
    - name: tag
      taskRef:
        name: tag
      params:
        - name: v
          value: $(tasks.build.status)
`),
			good: pipelineOf(`    - name: build
      taskRef:
        name: version
  finally:
    - name: tag
      taskRef:
        name: tag
      params:
        - name: v
          value: $(tasks.build.status)
`)},
		compiler.CodeFinallyResultInFinal: {name: "finally-result-in-finally", category: Reference,
			doc: `Finally tasks run in parallel, so one cannot use another's results: they
are not there yet when it starts.`,
			bad: pipelineOf(`    - name: build
      taskRef:
        name: version
  finally:
    - name: last
      taskRef:
        name: version
    - name: tag
      taskRef:
        name: tag
      params:
        - name: v
          value: $(tasks.last.results.v)
`),
			good: pipelineOf(`    - name: build
      taskRef:
        name: version
  finally:
    - name: tag
      taskRef:
        name: tag
      params:
        - name: v
          value: $(tasks.build.results.v)
`)},
		compiler.CodeFinallyRefOutside: {name: "finally-ref-outside-results", category: Reference,
			doc: `$(finally.TASK.results.NAME) is only available to the pipeline's own
results, after the finally tasks ran.`,
			bad: pipelineOf(`    - name: build
      taskRef:
        name: version
  finally:
    - name: last
      taskRef:
        name: version
    - name: tag
      taskRef:
        name: tag
      params:
        - name: v
          value: $(finally.last.results.v)
`),
			good: pipelineOf(`    - name: build
      taskRef:
        name: version
  finally:
    - name: last
      taskRef:
        name: version
  results:
    - name: v
      value: $(finally.last.results.v)
`)},
		compiler.CodeStepResultPlace: {name: "step-result-place", category: Reference,
			doc: `Step results reach later steps only through env, command, args, params and
when, and only from steps that ran before.`,
			bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: version
spec:
  steps:
    - name: compute
      image: alpine:3.20
      results:
        - name: v
      script: |
        #!/bin/sh
        echo -n 1.2.3 > $(step.results.v.path)
    - name: print
      image: alpine:3.20
      script: |
        #!/bin/sh
        echo $(steps.compute.results.v)
`,
			good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: version
spec:
  steps:
    - name: compute
      image: alpine:3.20
      results:
        - name: v
      script: |
        #!/bin/sh
        echo -n 1.2.3 > $(step.results.v.path)
    - name: print
      image: alpine:3.20
      env:
        - name: V
          value: $(steps.compute.results.v)
      script: |
        #!/bin/sh
        echo "$V"
`},
	}
}

// helloTaskWith is a one-step Task whose step ends with the given lines.
func helloTaskWith(lines string) string {
	return `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine:3.20
` + lines + "\n"
}

// pipelineOf is a Pipeline "release" with the given tasks, and the Tasks it
// runs: version (a result v) and tag (a param v).
func pipelineOf(tasks string) string {
	return `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: release
spec:
  tasks:
` + tasks + `---
apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: version
spec:
  results:
    - name: v
  steps:
    - name: v
      image: alpine:3.20
      script: |
        #!/bin/sh
        echo -n 1.2.3 > $(results.v.path)
---
apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: tag
spec:
  params:
    - name: v
      default: none
  steps:
    - name: tag
      image: alpine:3.20
      command: [echo, $(params.v)]
`
}
