package lint

import (
	"strings"

	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

var ruleUnusedParam = &Rule{
	ID:         "PC6001",
	Name:       "unused-param",
	Title:      "param declared but never used",
	Category:   Hygiene,
	Severity:   warningSev,
	TektonLint: "no-unused-param",
	Doc: `A param that nothing references is a setting that does nothing: callers
pass it in vain, and it is often the trace of a typo in the reference or of
a step that was removed. Every reference form counts ($(params.NAME), with
brackets, keys, [*] or an index, and the v1alpha1 $(inputs.params.NAME)),
in every field of the Task, Pipeline or StepAction, inline taskSpecs of a
pipeline included.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  params:
    - name: context
      default: .
    - name: verbose
      default: "false"
  steps:
    - name: build
      image: alpine:3.20
      command: [ls, $(params.context)]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  params:
    - name: context
      default: .
  steps:
    - name: build
      image: alpine:3.20
      command: [ls, $(params.context)]
`,
	Run: runUnusedParam,
}

// usedParams collects the params of decls referenced anywhere under n. Param
// names may contain dots: $(params.a.b) uses "a.b" when it is declared, as
// Tekton resolves it, and else key b of "a".
func usedParams(p *Pass, n *source.Node, decls []*model.ParamSpec) map[string]bool {
	declared := map[string]bool{}
	for _, d := range decls {
		declared[d.Name.Value] = true
	}
	used := map[string]bool{}
	p.eachRef(n, func(_ *source.Node, r ref.Ref) {
		names := r.Names()
		from := 1
		switch {
		case len(names) >= 3 && names[0] == "inputs" && names[1] == "params":
			from = 2
		case len(names) < 2 || names[0] != "params":
			return
		}
		rest := names[from:]
		for i := len(rest); i >= 1; i-- {
			if name := strings.Join(rest[:i], "."); declared[name] {
				used[name] = true
				return
			}
		}
	})
	return used
}

func runUnusedParam(p *Pass) {
	report := func(decls []*model.ParamSpec, used map[string]bool, where string) {
		for _, d := range decls {
			if d.Name.IsSet() && !used[d.Name.Value] {
				p.Reportf(d.Name.Range(), "param %s of %s is never used", quote(d.Name.Value), where).
					Explain("Remove it, or reference it as $(params.%s).", d.Name.Value)
			}
		}
	}
	for _, t := range p.TaskSpecs() {
		if len(t.Spec.Params) > 0 {
			report(t.Spec.Params, usedParams(p, t.Spec.Node, t.Spec.Params), t.What())
		}
	}
	for _, ps := range p.PipelineSpecs() {
		if len(ps.Spec.Params) > 0 {
			where := "the pipeline"
			if ps.Run == nil {
				where = "Pipeline " + quote(ps.Object.Name.Value)
			}
			report(ps.Spec.Params, usedParams(p, ps.Spec.Node, ps.Spec.Params), where)
		}
	}
	for _, a := range p.Set().StepActions {
		if len(a.Params) > 0 {
			report(a.Params, usedParams(p, a.Node, a.Params), "StepAction "+quote(a.Name.Value))
		}
	}
}
