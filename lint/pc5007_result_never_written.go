package lint

import (
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
var resultsDir = lazyRegexp(`/tekton/results(/([A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]|[A-Za-z0-9]))?`)

// runsParam reports whether a script runs a param's value as code: a line
// that is a param reference alone, or an eval, sh -c or bash -c of one.
func runsParam(script string) bool {
	for script != "" {
		i := strings.Index(script, "$(params.")
		if i < 0 {
			return false
		}
		start := strings.LastIndexByte(script[:i], '\n') + 1
		end := strings.IndexByte(script[i:], '\n')
		if end < 0 {
			end = len(script)
		} else {
			end += i
		}
		line := strings.TrimSpace(script[start:end])
		for _, cmd := range []string{"eval ", "sh -c ", "bash -c "} {
			line = strings.TrimSpace(strings.TrimPrefix(line, cmd))
		}
		line = strings.Trim(line, `"'`)
		if rs := ref.Find(line); len(rs) == 1 && rs[0].IsWhole(line) {
			return true
		}
		script = script[end:]
	}
	return false
}

// resultWrites finds what a TaskSpec writes to the results directory: the
// names written, and whether something may write any result.
func resultWrites(p *Pass, spec *model.TaskSpec) (names map[string]bool, any bool) {
	names = map[string]bool{}
	for _, st := range spec.Steps {
		if st.Ref != nil || runsParam(st.Script.Value) {
			any = true
		}
	}
	for _, n := range []*source.Node{spec.Node} {
		p.eachString(n, func(s *source.Node) {
			if strings.Contains(s.Value, "$(") {
				for _, r := range ref.Find(s.Value) {
					if parts := r.Names(); len(parts) == 3 && parts[0] == "results" {
						names[parts[1]] = true
					}
				}
			}
			if !strings.Contains(s.Value, "/tekton/results") {
				return
			}
			for _, m := range resultsDir().FindAllStringSubmatch(s.Value, -1) {
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
		written, any := resultWrites(p, t.Spec)
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
