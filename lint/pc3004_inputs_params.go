package lint

import (
	"strings"

	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

var ruleInputsParams = &Rule{
	ID:       "PC3004",
	Name:     "inputs-params",
	Title:    "v1alpha1 spelling of params and resources",
	Category: Deprecation,
	Severity: warningSev,
	Doc: `v1alpha1 Tasks declared params under spec.inputs.params and referred to them
as $(inputs.params.NAME); resources were $(inputs.resources.NAME.path).
Tekton v1beta1 and v1 declare spec.params and write $(params.NAME) and
$(resources.inputs.NAME.path). Tekton still substitutes $(inputs.params.NAME),
marked for removal with v1beta1, and no longer knows the resource forms;
each reference is reported with its replacement.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: greet
spec:
  params:
    - name: who
  steps:
    - name: greet
      image: alpine:3.20
      args: ["$(inputs.params.who)"]
      command: [echo]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: greet
spec:
  params:
    - name: who
  steps:
    - name: greet
      image: alpine:3.20
      args: ["$(params.who)"]
      command: [echo]
`,
	Run: runInputsParams,
}

// modernRef rewrites a v1alpha1 reference, or returns "".
func modernRef(r ref.Ref) string {
	names := r.Names()
	if len(names) < 3 || (names[0] != "inputs" && names[0] != "outputs") {
		return ""
	}
	switch {
	case names[0] == "inputs" && names[1] == "params":
		return "$(params." + strings.Join(names[2:], ".") + suffix(r) + ")"
	case names[1] == "resources":
		return "$(resources." + names[0] + "." + strings.Join(names[2:], ".") + ")"
	}
	return ""
}

func suffix(r ref.Ref) string {
	switch {
	case r.Star:
		return "[*]"
	case r.Index >= 0:
		return "[" + itoa(r.Index) + "]"
	}
	return ""
}

func runInputsParams(p *Pass) {
	for _, o := range p.Objects() {
		spec := o.Doc.Root.Get("spec")
		p.eachRef(spec, func(s *source.Node, r ref.Ref) {
			if m := modernRef(r); m != "" {
				d := p.Reportf(s.RangeAt(r.Start, r.End), "%s is the v1alpha1 spelling of %s", r.Text(s.Value), m)
				d.Suggestion = m
				d.Explain("Tekton keeps this spelling only until v1beta1 is removed; write %s.", m)
			}
		})
	}
	for _, t := range p.TaskSpecs() {
		if k := t.Spec.Node.Path("inputs").Key("params"); k != nil {
			p.Reportf(k.Range(), "%s declares params under inputs, the v1alpha1 place", t.What()).
				Explain("Move them to spec.params.")
		}
	}
}
