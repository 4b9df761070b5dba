package lint

import (
	"regexp"
	"strings"

	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

var ruleResultNeverWritten = &Rule{
	ID:       "PC5007",
	Name:     "result-never-written",
	Title:    "result declared but never written",
	Category: Correctness,
	Severity: warningSev,
	Doc: `A Task's result is written by a step to $(results.NAME.path), or lifted
from a step result with value. When no step of the Task mentions the
result's path, the result stays empty, and a pipeline task that reads it
fails: Tekton reports "could not find result" and the pipeline stops.
Steps that run a StepAction, steps that mention the results directory
(/tekton/results) as a whole, and scripts that run a param's value as code
may write any result and silence the rule; so does a mention of the path in
a param's description or default, where a Task tells its users to write it.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: version
spec:
  results:
    - name: version
      description: The version of the repository.
  steps:
    - name: version
      image: alpine/git:2.45.2
      script: |
        #!/bin/sh
        git describe --tags
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: version
spec:
  results:
    - name: version
      description: The version of the repository.
  steps:
    - name: version
      image: alpine/git:2.45.2
      script: |
        #!/bin/sh
        git describe --tags | tr -d '\n' > $(results.version.path)
`,
	Run: runResultNeverWritten,
}

// resultsDir matches the directory Tekton collects results from.
var resultsDir = regexp.MustCompile(`/tekton/results(/([A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]|[A-Za-z0-9]))?`)

// paramAsCode matches a script line that runs a param's value: the line is
// the reference alone, or an eval or sh -c of it.
var paramAsCode = regexp.MustCompile(`(?m)^\s*(eval\s+|(ba)?sh\s+-c\s+)?["']?\$\(params\.[^)]+\)["']?\s*$`)

// resultWrites finds what a TaskSpec writes to the results directory: the
// names written, and whether something may write any result.
func resultWrites(spec *model.TaskSpec) (names map[string]bool, any bool) {
	names = map[string]bool{}
	for _, st := range spec.Steps {
		if st.Ref != nil || paramAsCode.MatchString(st.Script.Value) {
			any = true
		}
	}
	for _, n := range []*source.Node{spec.Node} {
		eachString(n, func(s *source.Node) {
			if strings.Contains(s.Value, "$(") {
				for _, r := range ref.Find(s.Value) {
					if parts := r.Names(); len(parts) == 3 && parts[0] == "results" {
						names[parts[1]] = true
					}
				}
			}
			for _, m := range resultsDir.FindAllStringSubmatch(s.Value, -1) {
				if m[2] == "" {
					any = true
				} else {
					names[m[2]] = true
				}
			}
		})
	}
	return names, any
}

func runResultNeverWritten(p *Pass) {
	for _, t := range p.TaskSpecs() {
		if len(t.Spec.Results) == 0 {
			continue
		}
		written, any := resultWrites(t.Spec)
		if any {
			continue
		}
		for _, r := range t.Spec.Results {
			if r.Value != nil || written[r.Name.Value] {
				continue
			}
			p.Reportf(r.Name.Range(), "result %s of %s is never written", quote(r.Name.Value), t.What()).
				Explain("No step writes $(results.%s.path). A pipeline task that reads the result fails.", r.Name.Value)
		}
	}
}
