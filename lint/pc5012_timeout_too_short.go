package lint

import (
	"time"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/model"
)

var ruleTimeoutTooShort = &Rule{
	ID:       "PC5012",
	Name:     "timeout-too-short",
	Title:    "task timeout shorter than its steps' timeouts",
	Category: Correctness,
	Severity: warningSev,
	Doc: `Steps run one after the other, so a task whose steps may each use their
whole timeout needs at least the sum of those timeouts. When the timeout of
the pipeline task or TaskRun is shorter, the task is killed while a step is
still inside its own budget; the step timeouts promise something the task
timeout takes back. Raise the task's timeout or lower the steps'.`,
	Bad: `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: build-1
spec:
  timeout: 10m
  taskSpec:
    steps:
      - name: fetch
        image: alpine:3.20
        timeout: 5m
        command: [echo, fetch]
      - name: build
        image: alpine:3.20
        timeout: 15m
        command: [echo, build]
`,
	Good: `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: build-1
spec:
  timeout: 30m
  taskSpec:
    steps:
      - name: fetch
        image: alpine:3.20
        timeout: 5m
        command: [echo, fetch]
      - name: build
        image: alpine:3.20
        timeout: 15m
        command: [echo, build]
`,
	Run: runTimeoutTooShort,
}

// stepBudget sums the step timeouts of a spec.
func stepBudget(spec *model.TaskSpec) (time.Duration, []diag.Range) {
	var sum time.Duration
	var at []diag.Range
	for _, st := range spec.Steps {
		if d, ok := duration(st.Timeout.Value); ok {
			sum += d
			at = append(at, st.Timeout.Range())
		}
	}
	return sum, at
}

func runTimeoutTooShort(p *Pass) {
	check := func(timeout model.Str, spec *model.TaskSpec, what string) {
		if spec == nil {
			return
		}
		limit, ok := duration(timeout.Value)
		if !ok {
			return
		}
		sum, at := stepBudget(spec)
		if sum <= limit {
			return
		}
		d := p.Reportf(timeout.Range(), "timeout %s of %s is shorter than its steps' timeouts, %s in all", limit, what, sum)
		for _, r := range at {
			d.With(r, "step timeout")
		}
		d.Explain("The task is killed before its steps have used their own timeouts. Raise it to at least %s.", sum)
	}
	for _, ps := range p.PipelineSpecs() {
		for _, pt := range ps.Spec.AllTasks() {
			if res := p.Program.TaskOf[pt]; res != nil {
				check(pt.Timeout, res.Spec, "pipeline task "+quote(pt.Name.Value))
			}
		}
	}
	for _, r := range p.Set().TaskRuns {
		if res := p.Program.TaskOfRun[r]; res != nil {
			check(r.Timeout, res.Spec, "TaskRun "+quote(r.Name.Value))
		}
	}
}
