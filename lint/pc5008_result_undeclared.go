package lint

import (
	"strings"

	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

var ruleResultUndeclared = &Rule{
	ID:       "PC5008",
	Name:     "result-undeclared",
	Title:    "result written but not declared",
	Category: Correctness,
	Severity: warningSev,
	Doc: `Tekton collects only the results a Task declares. A step that writes
/tekton/results/NAME for a NAME the Task does not declare (in a script:
after >, tee, -o or --output; elsewhere: any mention, since the program
gets the path to write) loses the value without a word, and so does a step that writes $(step.results.NAME.path)
without declaring any step result. (A $(results.NAME.path) reference to an
undeclared result is an error of its own, PC1002.) Declare the result, or
fix the name.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: digest
spec:
  results:
    - name: digest
  steps:
    - name: digest
      image: alpine:3.20
      script: |
        #!/bin/sh
        sha256sum app > /tekton/results/digests
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: digest
spec:
  results:
    - name: digest
  steps:
    - name: digest
      image: alpine:3.20
      script: |
        #!/bin/sh
        sha256sum app > $(results.digest.path)
`,
	Run: runResultUndeclared,
}

func runResultUndeclared(p *Pass) {
	for _, t := range p.TaskSpecs() {
		var declared []string
		for _, r := range t.Spec.Results {
			declared = append(declared, r.Name.Value)
		}
		for _, st := range append(t.Spec.Steps[:len(t.Spec.Steps):len(t.Spec.Steps)], t.Spec.Sidecars...) {
			p.eachString(st.Node, func(s *source.Node) {
				if !strings.Contains(s.Value, "/tekton/") && !strings.Contains(s.Value, "$(step.") {
					return
				}
				script := s == st.Script.Node
				for _, m := range resultsDir().FindAllStringSubmatchIndex(s.Value, -1) {
					if m[4] < 0 || script && !writesAt(s.Value, m[0]) {
						continue
					}
					name := s.Value[m[4]:m[5]]
					if containsName(declared, name) {
						continue
					}
					d := p.Reportf(s.RangeAt(m[0], m[1]), "step %s uses the result file of %s, which %s does not declare", quote(st.Name.Value), quote(name), t.What())
					if c := closest(name, declared); c != "" {
						d.Explain("did you mean %q? Tekton keeps only declared results.", c)
						d.Suggestion = "/tekton/results/" + c
					} else {
						d.Explain("Tekton keeps only declared results; declare it under spec.results.")
					}
				}
				if len(st.Results) > 0 || !strings.Contains(s.Value, "$(step.") {
					return
				}
				for _, r := range ref.Find(s.Value) {
					if names := r.Names(); len(names) == 4 && names[0] == "step" && names[1] == "results" {
						p.Reportf(s.RangeAt(r.Start, r.End), "step %s writes step result %s but declares no results", quote(st.Name.Value), quote(names[2])).
							Explain("Declare it under the step's results.")
					}
				}
			})
		}
	}
}

// writesAt reports whether the path at s[i:] in a script is written: it
// follows a redirection, tee, or an output option on its line. A script
// that only reads or tests a file in the results directory uses it as
// scratch space between steps, which loses nothing.
func writesAt(s string, i int) bool {
	before := s[strings.LastIndexByte(s[:i], '\n')+1 : i]
	before = strings.TrimRight(before, ` "'`)
	if strings.HasSuffix(before, ">") || strings.HasSuffix(before, "=") {
		return true
	}
	fields := strings.Fields(before)
	for j := len(fields) - 1; j >= 0; j-- {
		switch f := fields[j]; {
		case f == "tee" || f == "-o" || f == "--output" || f == "cp" || f == "mv":
			return true
		case strings.HasPrefix(f, "-"):
			continue // an option of the command, such as tee -a
		}
		return false
	}
	return false
}

func containsName(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}
