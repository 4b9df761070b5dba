package lint

import (
	"github.com/pipec-dev/pipec/model"
)

var ruleInvalidName = &Rule{
	ID:         "PC5001",
	Name:       "invalid-name",
	Title:      "name that Tekton or Kubernetes rejects",
	Category:   Correctness,
	Severity:   errorSev,
	TektonLint: "no-invalid-name",
	Doc: `Names have formats, and Tekton rejects the object when one is wrong:

- an object's metadata.name is a DNS subdomain of at most 63 characters
  (lowercase letters, digits, '-' and '.', starting and ending with a letter
  or digit);
- pipeline task, step and sidecar names are DNS labels (the same without '.');
- param names start with a letter or '_' and hold letters, digits, '_', '-'
  and '.' (object params and their keys: no '.');
- result names hold letters, digits, '-', '_' and '.', and start and end with
  a letter or digit.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: Build_Image
spec:
  params:
    - name: 2nd-tag
      default: latest
  steps:
    - name: build
      image: alpine:3.20
      command: [echo, $(params.2nd-tag)]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build-image
spec:
  params:
    - name: second-tag
      default: latest
  steps:
    - name: build
      image: alpine:3.20
      command: [echo, $(params.second-tag)]
`,
	Run: runInvalidName,
}

var (
	dnsSubdomain = lazyRegexp(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	dnsLabel     = lazyRegexp(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	paramName    = lazyRegexp(`^[_a-zA-Z][_a-zA-Z0-9.-]*$`)
	objectName   = lazyRegexp(`^[_a-zA-Z][_a-zA-Z0-9-]*$`)
	resultName   = lazyRegexp(`^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`)
)

func runInvalidName(p *Pass) {
	for _, o := range p.Objects() {
		checkObjectName(p, o)
	}
	params := func(ps []*model.ParamSpec) {
		for _, d := range ps {
			name := d.Name.Value
			switch {
			case !d.Name.IsSet():
			case d.Type == model.TypeObject && !objectName().MatchString(name):
				p.Reportf(d.Name.Range(), "object param name %s is not valid", quote(name)).
					Explain("Object param names start with a letter or _ and hold only letters, digits, _ and -.")
			case !paramName().MatchString(name):
				p.Reportf(d.Name.Range(), "param name %s is not valid", quote(name)).
					Explain("Param names start with a letter or _ and hold only letters, digits, _, - and '.'.")
			}
			for _, k := range d.Properties {
				if !objectName().MatchString(k.Value) {
					p.Reportf(k.Range(), "key %s of object param %s is not valid", quote(k.Value), quote(name)).
						Explain("Object keys start with a letter or _ and hold only letters, digits, _ and -.")
				}
			}
		}
	}
	results := func(rs []*model.ResultSpec) {
		for _, r := range rs {
			if r.Name.IsSet() && !resultName().MatchString(r.Name.Value) {
				p.Reportf(r.Name.Range(), "result name %s is not valid", quote(r.Name.Value)).
					Explain("Result names hold letters, digits, -, _ and '.', and start and end with a letter or digit.")
			}
		}
	}
	label := func(s model.Str, what string) {
		if s.IsSet() && s.Value != "" && !dnsLabel().MatchString(s.Value) {
			p.Reportf(s.Range(), "%s name %s is not a valid DNS label", what, quote(s.Value)).
				Explain("It must be at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit.")
		}
	}
	for _, t := range p.TaskSpecs() {
		params(t.Spec.Params)
		results(t.Spec.Results)
		for _, st := range t.Spec.Steps {
			label(st.Name, "step")
			results(st.Results)
		}
		for _, st := range t.Spec.Sidecars {
			label(st.Name, "sidecar")
		}
	}
	for _, a := range p.Set().StepActions {
		params(a.Params)
		results(a.Results)
	}
	for _, ps := range p.PipelineSpecs() {
		params(ps.Spec.Params)
		for _, pt := range ps.Spec.AllTasks() {
			label(pt.Name, "pipeline task")
		}
	}
}

func checkObjectName(p *Pass, o *model.Object) {
	name := o.Name.Value
	if !o.Name.IsSet() || containsRef(name) {
		return
	}
	generate := o.Doc.Root.Path("metadata", "name") == nil
	check := name
	if generate {
		// generateName is a prefix: a random suffix follows it.
		check += "x"
	}
	switch {
	case !dnsSubdomain().MatchString(check):
		p.Reportf(o.Name.Range(), "%s name %s is not a valid DNS subdomain", o.Kind, quote(name)).
			Explain("Kubernetes names hold lowercase letters, digits, '-' and '.', and start and end with a letter or digit.")
	case !generate && len(name) > 63:
		p.Reportf(o.Name.Range(), "%s name %s is longer than 63 characters", o.Kind, quote(name)).
			Explain("Tekton rejects longer names, because they become label values.")
	}
}
