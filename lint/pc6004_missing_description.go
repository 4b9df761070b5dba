package lint

import "github.com/pipec-dev/pipec/model"

var ruleParamDescription = &Rule{
	ID:       "PC6004",
	Name:     "missing-description",
	Title:    "catalog-style Task without descriptions",
	Category: Hygiene,
	Severity: infoSev,
	Doc: `A Task written for others to reuse (one that carries the catalog's
app.kubernetes.io/version label or tekton.dev/pipelines.minVersion
annotation) is read through its descriptions: Tekton Hub, tkn and IDEs show
them. Such a Task should describe itself, its params, its results and its
workspaces.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: greet
  labels:
    app.kubernetes.io/version: "0.1"
spec:
  description: Prints a greeting.
  params:
    - name: who
      default: world
  steps:
    - name: greet
      image: alpine:3.20
      command: [echo, hello, $(params.who)]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: greet
  labels:
    app.kubernetes.io/version: "0.1"
spec:
  description: Prints a greeting.
  params:
    - name: who
      description: Whom to greet.
      default: world
  steps:
    - name: greet
      image: alpine:3.20
      command: [echo, hello, $(params.who)]
`,
	Run: runParamDescription,
}

// catalogStyle reports whether a Task is written for reuse, by the
// catalog's conventions.
func catalogStyle(o *model.Object) bool {
	_, version := o.Labels["app.kubernetes.io/version"]
	_, minVersion := o.Annotations["tekton.dev/pipelines.minVersion"]
	return version || minVersion
}

func runParamDescription(p *Pass) {
	for _, t := range p.Set().Tasks {
		if !catalogStyle(&t.Object) || t.Spec == nil || t.Spec.Node == nil {
			continue
		}
		where := t.Kind + " " + quote(t.Name.Value)
		if t.Spec.Description == "" {
			p.Reportf(t.Name.Range(), "%s has no description", where).
				Explain("Write spec.description: what the Task does, in a sentence or two.")
		}
		for _, d := range t.Spec.Params {
			if d.Description == "" && d.Name.IsSet() {
				p.Reportf(d.Name.Range(), "param %s of %s has no description", quote(d.Name.Value), where)
			}
		}
		for _, r := range t.Spec.Results {
			if r.Description == "" && r.Name.IsSet() {
				p.Reportf(r.Name.Range(), "result %s of %s has no description", quote(r.Name.Value), where)
			}
		}
		for _, w := range t.Spec.Workspaces {
			if w.Description == "" && w.Name.IsSet() {
				p.Reportf(w.Name.Range(), "workspace %s of %s has no description", quote(w.Name.Value), where)
			}
		}
	}
}
