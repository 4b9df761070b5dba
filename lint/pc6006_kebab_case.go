package lint

import (
	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

var ruleKebabCase = &Rule{
	ID:         "PC6006",
	Name:       "kebab-case",
	Title:      "name that is not kebab-case",
	Category:   Hygiene,
	Severity:   warningSev,
	Off:        true,
	TektonLint: "prefer-kebab-case",
	Doc: `A style choice, off by default: names of tasks, params, results,
workspaces and steps, and the params that pipeline tasks pass and refer to,
are written in kebab-case (lowercase words joined by '-' or '.'), as
Kubernetes names are. Turn it on in .pipec.yaml (kebab-case: on), or turn on
camel-kebab-case (PC6007) instead to accept camelCase too.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: build
spec:
  params:
    - name: imageTag
  tasks:
    - name: build_image
      params:
        - name: tag
          value: $(params.imageTag)
      taskSpec:
        params:
          - name: tag
        steps:
          - name: build
            image: alpine:3.20
            command: [echo, $(params.tag)]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: build
spec:
  params:
    - name: image-tag
  tasks:
    - name: build-image
      params:
        - name: tag
          value: $(params.image-tag)
      taskSpec:
        params:
          - name: tag
        steps:
          - name: build
            image: alpine:3.20
            command: [echo, $(params.tag)]
`,
	Run: func(p *Pass) { runNameStyle(p, isKebab, "kebab-case") },
}

var (
	kebab = lazyRegexp(`^[a-z0-9]+([-.][a-z0-9]+)*$`)
	camel = lazyRegexp(`^[a-z][a-zA-Z0-9]*$`)
)

func isKebab(s string) bool      { return kebab().MatchString(s) }
func isCamelKebab(s string) bool { return kebab().MatchString(s) || camel().MatchString(s) }

// runNameStyle reports the names that ok refuses.
func runNameStyle(p *Pass, ok func(string) bool, style string) {
	check := func(s model.Str, what string) {
		if s.IsSet() && s.Value != "" && !containsRef(s.Value) && !ok(s.Value) {
			p.Reportf(s.Range(), "%s name %s is not %s", what, quote(s.Value), style)
		}
	}
	params := func(ps []*model.ParamSpec) {
		for _, d := range ps {
			check(d.Name, "param")
		}
	}
	for _, t := range p.TaskSpecs() {
		params(t.Spec.Params)
		for _, r := range t.Spec.Results {
			check(r.Name, "result")
		}
		for _, w := range t.Spec.Workspaces {
			check(w.Name, "workspace")
		}
		for _, st := range t.Spec.Steps {
			check(st.Name, "step")
		}
	}
	for _, ps := range p.PipelineSpecs() {
		params(ps.Spec.Params)
		for _, w := range ps.Spec.Workspaces {
			check(w.Name, "workspace")
		}
		for _, r := range ps.Spec.Results {
			check(r.Name, "result")
		}
		for _, pt := range ps.Spec.AllTasks() {
			check(pt.Name, "pipeline task")
			for _, a := range pt.Params {
				check(a.Name, "param")
				if a.Value == nil {
					continue
				}
				for _, n := range a.Value.Strings() {
					for _, r := range ref.Find(n.Value) {
						if names := r.Names(); len(names) >= 2 && names[0] == "params" && !ok(names[1]) {
							p.Reportf(segRange(n, r.Path[1]), "param name %s is not %s", quote(names[1]), style)
						}
					}
				}
			}
			for _, b := range pt.Workspaces {
				check(b.Name, "workspace")
			}
			if pt.Matrix != nil {
				for _, inc := range pt.Matrix.Include {
					check(inc.Name, "matrix combination")
				}
			}
		}
	}
}

func segRange(n *source.Node, s ref.Seg) diag.Range { return n.RangeAt(s.Start, s.End) }
