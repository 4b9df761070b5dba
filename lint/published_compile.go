package lint

import (
	"strings"

	"github.com/pipec-dev/pipec/emit"
)

// publishedCompile documents emit.Checks, the codes of pipec compile: what
// it cannot compile (errors) or compiles with a loss (warnings). pipec lint
// does not report them; they are in the registry so that they are listed,
// explained and documented with the others. Their examples are runs, which
// TestExamples compiles.
func publishedCompile() []*Rule {
	var out []*Rule
	for _, c := range emit.Checks {
		d, ok := compileDocs()[c.Code]
		if !ok {
			d = pubDoc{name: "compile-" + c.Code, category: Compile}
		}
		out = append(out, &Rule{ID: c.Code, Name: d.name, Title: c.Title, Category: d.category, Severity: c.Severity,
			Doc: d.doc, Bad: d.bad, Good: d.good})
	}
	return out
}

// taskRunOf is a TaskRun "build" with the given spec.
func taskRunOf(spec string) string {
	return `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: build
spec:
` + spec
}

// pipelineRunOf is a PipelineRun "release" with the given spec.
func pipelineRunOf(spec string) string {
	return `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: release
spec:
` + spec
}

// gitClone is the Task a remote-resolution example downloads.
const gitClone = `---
apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: git-clone
spec:
  params:
    - name: url
  workspaces:
    - name: output
  steps:
    - name: clone
      image: alpine/git:2.45.2
      command: [git, clone, $(params.url), $(workspaces.output.path)]
`

// credentials are a ServiceAccount "ci" with a git login, which compiled
// steps initialise as Tekton's do.
const credentials = `---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ci
secrets:
  - name: git-login
---
apiVersion: v1
kind: Secret
metadata:
  name: git-login
  annotations:
    tekton.dev/git-0: https://github.com
type: kubernetes.io/basic-auth
stringData:
  username: ci
  password: token
`

func compileDocs() map[string]pubDoc {
	return map[string]pubDoc{
		emit.CodeCustomTask: {name: "custom-task", category: Compile,
			doc: `A pipeline task whose taskRef names another API group's kind, or a Run or
CustomRun, runs a custom task: Tekton hands it to that kind's own
controller, which a cluster without Tekton does not have, so pipec cannot
compile it. Write the work as a Task with steps.`,
			bad: pipelineRunOf(`  pipelineSpec:
    tasks:
      - name: wait
        taskRef:
          apiVersion: example.dev/v1alpha1
          kind: Wait
`),
			good: pipelineRunOf(`  pipelineSpec:
    tasks:
      - name: wait
        taskSpec:
          steps:
            - name: wait
              image: alpine:3.20
              command: [sleep, "60"]
`)},
		emit.CodeRemote: {name: "remote-resolution", category: Compile,
			doc: `A taskRef, pipelineRef or StepAction ref with a resolver (git, hub,
bundles, cluster, http) or a bundle is fetched by Tekton's controller when
the run starts. pipec compiles offline and fetches nothing. Download the
object into a directory, pass it with -I DIR (or put it in the input), and
refer to it by name.`,
			bad: taskRunOf(`  taskRef:
    resolver: git
    params:
      - name: url
        value: https://github.com/tektoncd/catalog.git
      - name: revision
        value: main
      - name: pathInRepo
        value: task/git-clone/0.9/git-clone.yaml
  params:
    - name: url
      value: https://github.com/example/app.git
  workspaces:
    - name: output
      emptyDir: {}
`),
			good: taskRunOf(`  taskRef:
    name: git-clone
  params:
    - name: url
      value: https://github.com/example/app.git
  workspaces:
    - name: output
      emptyDir: {}
`) + gitClone},
		emit.CodePipelineInTask: {name: "pipeline-in-pipeline", category: Compile,
			doc: `A pipeline task that runs a Pipeline (pipelineRef or pipelineSpec) is an
alpha Tekton feature, which pipec does not compile. Inline the inner
pipeline's tasks into the outer one, or run the inner pipeline as a
PipelineRun of its own.`,
			bad: pipelineRunOf(`  pipelineSpec:
    tasks:
      - name: checks
        pipelineSpec:
          tasks:
            - name: test
              taskSpec:
                steps:
                  - name: test
                    image: golang:1.22
                    command: [go, test, ./...]
`),
			good: pipelineRunOf(`  pipelineSpec:
    tasks:
      - name: test
        taskSpec:
          steps:
            - name: test
              image: golang:1.22
              command: [go, test, ./...]
`)},
		emit.CodeRunTimeField: {name: "run-time-value", category: Compile,
			doc: `A value known only while the run goes (a result of another task, a matrix
param, the task's retry count) sits in a field the kubelet needs when it
creates the pod: an image, a volume, a mount, the pod template, a name.
Compiled tasks are Jobs whose pod specs are fixed when they are applied;
only a step's script, command, args, env values and workingDir can wait for
a value, which the step wrapper substitutes. Move the value into one of
those, or make it a param of the run, known when it starts.`,
			bad: pipelineRunOf(`  pipelineSpec:
    tasks:
      - name: pick
        taskSpec:
          results:
            - name: image
          steps:
            - name: pick
              image: alpine:3.20
              script: printf alpine:3.20 > $(results.image.path)
      - name: scan
        params:
          - name: image
            value: $(tasks.pick.results.image)
        taskSpec:
          params:
            - name: image
          steps:
            - name: scan
              image: $(params.image)
              command: [echo, scanned]
`),
			good: pipelineRunOf(`  params:
    - name: image
      value: alpine:3.20
  pipelineSpec:
    params:
      - name: image
    tasks:
      - name: scan
        params:
          - name: image
            value: $(params.image)
        taskSpec:
          params:
            - name: image
          steps:
            - name: scan
              image: $(params.image)
              command: [echo, scanned]
`)},
		emit.CodeCEL: {name: "cel-when", category: Compile,
			doc: `A when expression written in CEL needs a CEL interpreter, which pipec does
not have: it decides when expressions on compile-time values itself, and
the coordinator those on results. Write the condition with input, operator
and values.`,
			bad: pipelineRunOf(`  params:
    - name: branch
      value: main
  pipelineSpec:
    params:
      - name: branch
    tasks:
      - name: deploy
        when:
          - cel: "'$(params.branch)' == 'main'"
        taskSpec:
          steps:
            - name: deploy
              image: alpine:3.20
              command: [echo, deploying]
`),
			good: pipelineRunOf(`  params:
    - name: branch
      value: main
  pipelineSpec:
    params:
      - name: branch
    tasks:
      - name: deploy
        when:
          - input: $(params.branch)
            operator: in
            values: [main]
        taskSpec:
          steps:
            - name: deploy
              image: alpine:3.20
              command: [echo, deploying]
`)},
		emit.CodeMatrixRunTime: {name: "matrix-at-run-time", category: Compile,
			doc: `A matrix compiles into one Indexed Job whose completions are the matrix's
combinations, so they must be known when the run is compiled. A matrix
param that takes its values from another task's result is known only at
run time. Pass the values as a param of the run, or fan out inside the
task's script.`,
			bad: pipelineRunOf(`  pipelineSpec:
    tasks:
      - name: list
        taskSpec:
          results:
            - name: targets
              type: array
          steps:
            - name: list
              image: alpine:3.20
              script: printf '["linux","darwin"]' > $(results.targets.path)
      - name: build
        matrix:
          params:
            - name: os
              value: $(tasks.list.results.targets[*])
        taskSpec:
          params:
            - name: os
          steps:
            - name: build
              image: golang:1.22
              command: [go, build, -o, bin/$(params.os)]
`),
			good: pipelineRunOf(`  params:
    - name: targets
      value: [linux, darwin]
  pipelineSpec:
    params:
      - name: targets
        type: array
    tasks:
      - name: build
        matrix:
          params:
            - name: os
              value: $(params.targets[*])
        taskSpec:
          params:
            - name: os
          steps:
            - name: build
              image: golang:1.22
              command: [go, build, -o, bin/$(params.os)]
`)},
		emit.CodeNoCommand: {name: "step-without-command", category: Compile,
			doc: `Some steps run through the step wrapper (/pipec/bin/pipec step): those with
a script, run-time values, a timeout, onError, step results, the last step
of a task with results, and others. The wrapper must be told what to run,
and pipec does not look up an image's entrypoint in its registry as
Tekton's controller does, so such a step without command or script cannot
be compiled. Write the image's entrypoint as the step's command.`,
			bad: taskRunOf(`  taskSpec:
    results:
      - name: digest
    steps:
      - name: build
        image: example.dev/builder:1.4
        args: [--digest-file, $(results.digest.path)]
`),
			good: taskRunOf(`  taskSpec:
    results:
      - name: digest
    steps:
      - name: build
        image: example.dev/builder:1.4
        command: [/usr/local/bin/builder]
        args: [--digest-file, $(results.digest.path)]
`)},
		emit.CodeResourceType: {name: "resource-type", category: Compile,
			doc: `pipec compiles the PipelineResources of v1beta1 runs of type git (into a
clone step) and image (into their url and digest). The other types
(storage, pullRequest, cluster, cloudEvent, gcs) were removed from Tekton
with PipelineResources, and pipec does not compile them. Use a workspace,
and a step that does the transfer.`,
			bad: `apiVersion: tekton.dev/v1beta1
kind: TaskRun
metadata:
  name: build
spec:
  taskSpec:
    resources:
      inputs:
        - name: bucket
          type: storage
    steps:
      - name: list
        image: alpine:3.20
        command: [ls, $(resources.inputs.bucket.path)]
  resources:
    inputs:
      - name: bucket
        resourceSpec:
          type: storage
          params:
            - name: location
              value: gs://example-bucket
`,
			good: taskRunOf(`  workspaces:
    - name: bucket
      emptyDir: {}
  taskSpec:
    workspaces:
      - name: bucket
    steps:
      - name: fetch
        image: gcr.io/google.com/cloudsdktool/google-cloud-cli:497.0.0-slim
        command: [gcloud, storage, cp, -r, gs://example-bucket, $(workspaces.bucket.path)]
      - name: list
        image: alpine:3.20
        command: [ls, $(workspaces.bucket.path)]
`)},
		emit.CodeStepResultValue: {name: "result-from-step-result", category: Compile,
			doc: `A task result whose value is a step's result ($(steps.S.results.R)) is
filled in by Tekton's controller after the steps end. Compiled tasks have
no controller: the step wrapper of the last step reports the task's
results from their files. Write the value into $(results.R.path) in the
step that produces it.`,
			bad: taskRunOf(`  taskSpec:
    results:
      - name: commit
        value: $(steps.fetch.results.commit)
    steps:
      - name: fetch
        image: alpine:3.20
        results:
          - name: commit
        script: printf 4f2a9c1 > $(step.results.commit.path)
`),
			good: taskRunOf(`  taskSpec:
    results:
      - name: commit
    steps:
      - name: fetch
        image: alpine:3.20
        script: printf 4f2a9c1 > $(results.commit.path)
`)},
		emit.CodeStepWhen: {name: "step-when-at-run-time", category: Compile,
			doc: `A step's when expression is decided when the run is compiled: a step whose
when is false is left out of the pod. One that depends on a value known
only at run time (a step result, a result of an earlier task) cannot be
decided then. Pass the value to the step in env and test it in its script.`,
			bad: taskRunOf(`  taskSpec:
    steps:
      - name: check
        image: alpine:3.20
        results:
          - name: changed
        script: printf yes > $(step.results.changed.path)
      - name: build
        image: alpine:3.20
        when:
          - input: $(steps.check.results.changed)
            operator: in
            values: ["yes"]
        command: [echo, building]
`),
			good: taskRunOf(`  taskSpec:
    steps:
      - name: check
        image: alpine:3.20
        results:
          - name: changed
        script: printf yes > $(step.results.changed.path)
      - name: build
        image: alpine:3.20
        env:
          - name: CHANGED
            value: $(steps.check.results.changed)
        script: |
          #!/bin/sh
          if [ "$CHANGED" = yes ]; then echo building; fi
`)},
		emit.CodeUnresolved: {name: "unresolved", category: Compile,
			doc: `Something the compile names could not be found: the run that --run names,
or a Task, Pipeline or StepAction that an object of an include directory
refers to (the check before compiling reports the input's own references,
PC2001 and PC2024, but not those inside the include directories). A run is
compiled whole or not at all. Correct the name, or add the object to the
input or to an include directory (-I DIR).`,
			bad: "# pipec compile --run bild\n" + taskRunOf(`  taskSpec:
    steps:
      - name: build
        image: golang:1.22
        command: [go, build, ./...]
`),
			good: "# pipec compile --run build\n" + taskRunOf(`  taskSpec:
    steps:
      - name: build
        image: golang:1.22
        command: [go, build, ./...]
`)},
		emit.CodeRunStatus: {name: "run-status", category: Compile,
			doc: `Tekton holds a run whose status is PipelineRunPending or TaskRunPending,
and stops one that is cancelled. Compiled objects have no controller to
read the status: they run as soon as they are applied. pipec compiles the
run and warns; apply its objects when the run should start, and leave the
status out.`,
			bad: pipelineRunOf(`  status: PipelineRunPending
  pipelineSpec:
    tasks:
      - name: hello
        taskSpec:
          steps:
            - name: hello
              image: alpine:3.20
              command: [echo, hello]
`),
			good: pipelineRunOf(`  pipelineSpec:
    tasks:
      - name: hello
        taskSpec:
          steps:
            - name: hello
              image: alpine:3.20
              command: [echo, hello]
`)},
		emit.CodeUnsupported: {name: "not-compiled", category: Compile,
			doc: `A field that pipec has no compilation for: conditions (removed from
Tekton), a podTemplate field outside those pipec maps onto the pod, a
step's restartPolicy, a value that does not make a valid Kubernetes
object. Every field of the input either reaches the output or is reported,
never silently dropped. Remove the field, or write what it meant another
way (a condition as a when expression).`,
			bad: taskRunOf(`  podTemplate:
    hostUsers: false
  taskSpec:
    steps:
      - name: hello
        image: alpine:3.20
        command: [echo, hello]
`),
			good: taskRunOf(`  podTemplate:
    securityContext:
      runAsNonRoot: true
      runAsUser: 65532
  taskSpec:
    steps:
      - name: hello
        image: alpine:3.20
        command: [echo, hello]
`)},
		emit.CodeDropped: {name: "dropped-field", category: Compile,
			doc: `A field that only Tekton's controllers read (a TaskRun's debug, a run's
managedBy) or that a compiled step cannot carry (a v1beta1 step's probes,
lifecycle hooks and termination message: steps run as init containers) is
left out of the output, with this warning. Remove it.`,
			bad: taskRunOf(`  debug:
    breakpoints:
      onFailure: enabled
  taskSpec:
    steps:
      - name: hello
        image: alpine:3.20
        command: [echo, hello]
`),
			good: taskRunOf(`  taskSpec:
    steps:
      - name: hello
        image: alpine:3.20
        command: [echo, hello]
`)},
		emit.CodeResourceFrom: {name: "resource-from", category: Compile,
			doc: `A git PipelineResource input "from" an earlier task took that task's copy
of the files under Tekton. Compiled tasks are pods that share only
workspaces, so pipec clones the resource again, at the same revision: the
earlier task's changes to the files are not seen. Share the files through a
workspace, or drop from if a fresh clone is what the task needs.`,
			bad:  legacyPipeline("[build]") + legacyRun,
			good: strings.Replace(legacyPipeline("[build]"), "            from: [build]\n", "", 1) + legacyRun},
		emit.CodeNoCreds: {name: "credentials-without-command", category: Compile,
			doc: `Tekton initialises the credentials of the run's ServiceAccount (git and
registry secrets annotated tekton.dev/git-* or tekton.dev/docker-*) in
every step. In compiled pods the step wrapper does it, and a step runs
through the wrapper only with a command or script (pipec does not look up
an image's entrypoint); a step without either runs without the
credentials. Write the image's entrypoint as the step's command.`,
			bad: taskRunOf(`  serviceAccountName: ci
  taskSpec:
    steps:
      - name: push
        image: example.dev/pusher:2.1
        args: [--remote, https://github.com/example/app.git]
`) + credentials,
			good: taskRunOf(`  serviceAccountName: ci
  taskSpec:
    steps:
      - name: push
        image: example.dev/pusher:2.1
        command: [/usr/local/bin/pusher]
        args: [--remote, https://github.com/example/app.git]
`) + credentials},
		emit.CodeProbe: {name: "sidecar-probe", category: Compile,
			doc: `A sidecar compiles into a native sidecar, an init container that keeps
running, and its readinessProbe into its startupProbe: the kubelet starts
the steps once the sidecar has started, so they wait for it to be ready as
Tekton makes them. Kubernetes requires a startupProbe's successThreshold to
be 1; pipec sets it and warns. Write 1 (or leave it out).`,
			bad: taskRunOf(`  taskSpec:
    sidecars:
      - name: registry
        image: registry:2.8.3
        readinessProbe:
          httpGet:
            path: /v2/
            port: 5000
          successThreshold: 2
    steps:
      - name: push
        image: alpine:3.20
        command: [wget, -q, -O-, http://localhost:5000/v2/]
`),
			good: taskRunOf(`  taskSpec:
    sidecars:
      - name: registry
        image: registry:2.8.3
        readinessProbe:
          httpGet:
            path: /v2/
            port: 5000
    steps:
      - name: push
        image: alpine:3.20
        command: [wget, -q, -O-, http://localhost:5000/v2/]
`)},
	}
}

// legacyRun runs legacyPipeline with a git repository.
const legacyRun = `---
apiVersion: tekton.dev/v1beta1
kind: PipelineRun
metadata:
  name: ci-run
spec:
  pipelineRef:
    name: ci
  resources:
    - name: src
      resourceSpec:
        type: git
        params:
          - name: url
            value: https://github.com/example/app.git
          - name: revision
            value: main
`
