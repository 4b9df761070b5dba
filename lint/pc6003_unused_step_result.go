package lint

import (
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

var ruleUnusedStepResult = &Rule{
	ID:       "PC6003",
	Name:     "unused-result",
	Title:    "step result that nothing reads",
	Category: Hygiene,
	Severity: infoSev,
	Doc: `A step result exists to pass a value to a later step
($(steps.NAME.results.RESULT) in its env, command or args) or to the Task's
own results (value: $(steps.NAME.results.RESULT)). One that nothing reads is
dead: either the reader was removed or it reads another name. (A Task
result that no step writes is PC5007.)`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: version
spec:
  steps:
    - name: compute
      image: alpine:3.20
      results:
        - name: version
      script: |
        #!/bin/sh
        echo -n 1.2.3 > $(step.results.version.path)
    - name: print
      image: alpine:3.20
      command: [echo, done]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: version
spec:
  steps:
    - name: compute
      image: alpine:3.20
      results:
        - name: version
      script: |
        #!/bin/sh
        echo -n 1.2.3 > $(step.results.version.path)
    - name: print
      image: alpine:3.20
      command: [echo, $(steps.compute.results.version)]
`,
	Run: runUnusedStepResult,
}

func runUnusedStepResult(p *Pass) {
	for _, t := range p.TaskSpecs() {
		read := map[[2]string]bool{}
		p.eachRef(t.Spec.Node, func(_ *source.Node, r ref.Ref) {
			if n := r.Names(); len(n) >= 4 && n[0] == "steps" && n[2] == "results" {
				read[[2]string{n[1], n[3]}] = true
			}
		})
		for _, st := range t.Spec.Steps {
			for _, r := range st.Results {
				if r.Name.IsSet() && !read[[2]string{st.Name.Value, r.Name.Value}] {
					p.Reportf(r.Name.Range(), "result %s of step %s is never read", quote(r.Name.Value), quote(st.Name.Value)).
						Explain("Read it in a later step as $(steps.%s.results.%s), or lift it into a Task result with value.", st.Name.Value, r.Name.Value)
				}
			}
		}
	}
}
