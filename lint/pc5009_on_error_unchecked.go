package lint

import (
	"strings"

	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

var ruleOnErrorUnchecked = &Rule{
	ID:       "PC5009",
	Name:     "on-error-unchecked",
	Title:    "failure of an onError: continue step that no later step checks",
	Category: Correctness,
	Severity: warningSev,
	Doc: `With onError: continue, a failing step does not stop the Task: the next
steps run as if it had succeeded, and the Task succeeds. That is right when
a later step looks at what happened, through the step's exit code
($(steps.step-NAME.exitCode.path)); when none does, the failure is lost and
the later steps work on whatever the failed step left behind. Check the
exit code in a later step, or let the step fail.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: test
spec:
  steps:
    - name: unit
      image: golang:1.22
      onError: continue
      command: [go, test, ./...]
    - name: publish
      image: alpine:3.20
      command: [echo, publishing]
`,
	Good: `apiVersion: tekton.dev/v1
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
      script: |
        #!/bin/sh
        if [ "$(cat $(steps.step-unit.exitCode.path))" != 0 ]; then
          echo "unit tests failed"
        fi
`,
	Run: runOnErrorUnchecked,
}

// readsExitCode reports whether a step reads the exit code of the step
// called name.
func readsExitCode(p *Pass, st *model.Step, name string) bool {
	found := false
	p.eachString(st.Node, func(s *source.Node) {
		if found {
			return
		}
		if strings.Contains(s.Value, "/tekton/steps/step-"+name+"/") || strings.Contains(s.Value, "/tekton/steps/") && !strings.Contains(s.Value, "/tekton/steps/step-") {
			found = true
			return
		}
		for _, r := range ref.Find(s.Value) {
			if n := r.Names(); len(n) >= 3 && n[0] == "steps" && (n[1] == "step-"+name || n[1] == name) && n[2] == "exitCode" {
				found = true
			}
		}
	})
	return found
}

func runOnErrorUnchecked(p *Pass) {
	for _, t := range p.TaskSpecs() {
		steps := t.Spec.Steps
		for i, st := range steps {
			if st.OnError.Value != "continue" || i == len(steps)-1 {
				continue
			}
			name := st.Name.Value
			if name == "" {
				name = "unnamed-" + itoa(i)
			}
			checked := false
			for _, later := range steps[i+1:] {
				checked = checked || readsExitCode(p, later, name)
			}
			if !checked {
				next := steps[i+1].Node.Range()
				if steps[i+1].Name.IsSet() {
					next = steps[i+1].Name.Range()
				}
				p.Reportf(st.OnError.Range(), "step %s continues on error, but no later step checks its exit code", quote(name)).
					With(next, "the next step runs as if it had succeeded").
					Explain("Read $(steps.step-%s.exitCode.path) in a later step, or remove onError: continue.", name)
			}
		}
	}
}
