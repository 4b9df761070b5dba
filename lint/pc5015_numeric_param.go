package lint

import (
	"bytes"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/source"
)

var ruleNumericParam = &Rule{
	ID:         "PC5015",
	Name:       "numeric-param",
	Title:      "unquoted number that changes on its way to a param",
	Category:   Correctness,
	Severity:   warningSev,
	TektonLint: "no-invalid-param-type",
	Doc: `Params are strings, but an unquoted number in YAML is a number. kubectl
converts YAML to JSON before Tekton sees it, and Tekton then takes the
number's JSON text: 1.10 arrives as "1.1", 010 (a YAML 1.1 octal) as "8",
1e3 as "1000" and 0x1F as "31". A version number loses its trailing zero
without a word. Quote the value. Numbers that keep their text (1, 42) are
not reported.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: setup-go
spec:
  params:
    - name: version
      default: 1.20
  steps:
    - name: setup
      image: alpine:3.20
      command: [echo, $(params.version)]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: setup-go
spec:
  params:
    - name: version
      default: "1.20"
  steps:
    - name: setup
      image: alpine:3.20
      command: [echo, $(params.version)]
`,
	Run: runNumericParam,
}

// asKubernetesSees returns the text Tekton receives for an unquoted
// number: the JSON that kubectl's YAML conversion produces.
func asKubernetesSees(literal string) string {
	j, err := yaml.YAMLToJSON([]byte("v: " + literal))
	if err != nil {
		return literal
	}
	j = bytes.TrimSuffix(bytes.TrimPrefix(j, []byte(`{"v":`)), []byte("}"))
	return string(j)
}

func runNumericParam(p *Pass) {
	check := func(v *model.Value) {
		// Only a whole value is converted: Tekton rejects numbers inside
		// arrays and objects, which the schema reports.
		if v == nil || v.Type != model.TypeString {
			return
		}
		if n := v.Node; n != nil && n.Style == source.Plain && (n.Kind == source.Int || n.Kind == source.Float) {
			got := asKubernetesSees(n.Value)
			if got == n.Value || strings.HasPrefix(got, `"`) {
				return
			}
			d := p.Reportf(n.Range(), "unquoted %s reaches Tekton as %q", n.Value, got)
			d.Suggestion = `"` + n.Value + `"`
			d.Explain("YAML reads it as a number and Kubernetes passes the number's JSON text. Quote it: %q.", n.Value)
		}
	}
	specs := func(ps []*model.ParamSpec) {
		for _, d := range ps {
			check(d.Default)
		}
	}
	args := func(ps []*model.Param) {
		for _, a := range ps {
			check(a.Value)
		}
	}
	for _, t := range p.TaskSpecs() {
		specs(t.Spec.Params)
	}
	for _, a := range p.Set().StepActions {
		specs(a.Params)
	}
	for _, ps := range p.PipelineSpecs() {
		specs(ps.Spec.Params)
		for _, pt := range ps.Spec.AllTasks() {
			args(pt.Params)
			if pt.Matrix != nil {
				args(pt.Matrix.Params)
			}
		}
	}
	for _, r := range p.Set().PipelineRuns {
		args(r.Params)
	}
	for _, r := range p.Set().TaskRuns {
		args(r.Params)
	}
	for _, c := range p.Containers() {
		if c.Step != nil {
			args(c.Step.Params)
		}
	}
}
