package lint

import (
	"strings"

	"github.com/pipec-dev/pipec/model"
)

var ruleEnumDefault = &Rule{
	ID:       "PC5011",
	Name:     "enum-default",
	Title:    "param default not among the param's enum",
	Category: Correctness,
	Severity: errorSev,
	Doc: `A param with an enum accepts only the listed values, and Tekton checks the
default against the list too: a default outside it makes the Task invalid
(and every run that relies on the default would be refused).`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  params:
    - name: mode
      enum: [debug, release]
      default: relase
  steps:
    - name: build
      image: alpine:3.20
      command: [echo, $(params.mode)]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  params:
    - name: mode
      enum: [debug, release]
      default: release
  steps:
    - name: build
      image: alpine:3.20
      command: [echo, $(params.mode)]
`,
	Run: runEnumDefault,
}

func runEnumDefault(p *Pass) {
	check := func(ps []*model.ParamSpec) {
		for _, d := range ps {
			if len(d.Enum) == 0 || d.Default == nil || d.Default.Type != model.TypeString || containsRef(d.Default.Str) {
				continue
			}
			var allowed []string
			for _, e := range d.Enum {
				allowed = append(allowed, e.Value)
			}
			if containsName(allowed, d.Default.Str) {
				continue
			}
			rep := p.Reportf(d.Default.Node.Range(), "default %s of param %s is not in its enum", quote(d.Default.Str), quote(d.Name.Value))
			if c := closest(d.Default.Str, allowed); c != "" {
				rep.Suggestion = c
				rep.Explain("did you mean %q?", c)
			} else {
				rep.Explain("Allowed values: %s.", strings.Join(allowed, ", "))
			}
		}
	}
	for _, t := range p.TaskSpecs() {
		check(t.Spec.Params)
	}
	for _, ps := range p.PipelineSpecs() {
		check(ps.Spec.Params)
	}
	for _, a := range p.Set().StepActions {
		check(a.Params)
	}
}
