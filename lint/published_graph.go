package lint

import "github.com/pipec-dev/pipec/compiler"

// graphDocs documents the codes of the task graph, PC21xx.
func graphDocs() map[string]pubDoc {
	return map[string]pubDoc{
		compiler.CodeUnknownRunAfter: {name: "unknown-run-after", category: Graph, tektonLint: "no-pipeline-missing-task",
			doc: `runAfter names a task that is not in the pipeline's tasks (finally tasks
cannot be waited for).`,
			bad: pipelineOf(`    - name: build
      taskRef:
        name: version
    - name: tag
      runAfter: [biuld]
      taskRef:
        name: tag
`),
			good: pipelineOf(`    - name: build
      taskRef:
        name: version
    - name: tag
      runAfter: [build]
      taskRef:
        name: tag
`)},
		compiler.CodeCycle: {name: "cycle", category: Graph, tektonLint: "no-pipeline-task-cycle",
			doc: `The task graph has a cycle, through runAfter, result references or
resource from: the message lists the whole cycle, and each edge is a related
position.`,
			bad: pipelineOf(`    - name: build
      runAfter: [tag]
      taskRef:
        name: version
    - name: tag
      taskRef:
        name: tag
      params:
        - name: v
          value: $(tasks.build.results.v)
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
		compiler.CodeDuplicateTask: {name: "duplicate-task", category: Graph,
			doc: `Two pipeline tasks (in tasks or finally) share a name. Tekton rejects the
Pipeline: names identify tasks in runAfter, results and the run's status.`,
			bad: pipelineOf(`    - name: build
      taskRef:
        name: version
    - name: build
      taskRef:
        name: tag
`),
			good: pipelineOf(`    - name: build
      taskRef:
        name: version
    - name: tag
      taskRef:
        name: tag
`)},
		compiler.CodeFinallyRunAfter: {name: "finally-run-after", category: Graph,
			doc: `Finally tasks run after every task and in parallel with each other; Tekton
rejects runAfter on them.`,
			bad: pipelineOf(`    - name: build
      taskRef:
        name: version
  finally:
    - name: tag
      runAfter: [build]
      taskRef:
        name: tag
`),
			good: pipelineOf(`    - name: build
      taskRef:
        name: version
  finally:
    - name: tag
      taskRef:
        name: tag
`)},
		compiler.CodeUnknownFrom: {name: "unknown-from", category: Graph,
			doc: `A PipelineResource input's from names a task that is not in the pipeline,
or that does not output the resource. (PipelineResources are deprecated:
PC3003.)`,
			bad:  legacyPipeline("[biuld]"),
			good: legacyPipeline("[build]")},
	}
}

// legacyTask is a v1beta1 Task with a git input resource.
const legacyTask = `apiVersion: tekton.dev/v1beta1
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
      workingDir: $(resources.inputs.repo.path)
      command: [go, test, ./...]
`

func legacyPipeline(from string) string {
	return `apiVersion: tekton.dev/v1beta1
kind: Pipeline
metadata:
  name: ci
spec:
  resources:
    - name: src
      type: git
  tasks:
    - name: build
      taskRef:
        name: fetch
      resources:
        outputs:
          - name: repo
            resource: src
    - name: test
      taskRef:
        name: test
      resources:
        inputs:
          - name: repo
            resource: src
            from: ` + from + `
---
apiVersion: tekton.dev/v1beta1
kind: Task
metadata:
  name: fetch
spec:
  resources:
    outputs:
      - name: repo
        type: git
  steps:
    - name: fetch
      image: alpine/git:2.45.2
      command: [git, fetch]
---
` + legacyTask
}
