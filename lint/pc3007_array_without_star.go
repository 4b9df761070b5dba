package lint

import (
	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

var ruleArrayWithoutStar = &Rule{
	ID:       "PC3007",
	Name:     "array-without-star",
	Title:    "whole array referenced without [*]",
	Category: Deprecation,
	Severity: warningSev,
	Doc: `A whole array param or result is spliced into args, command or an array
value with $(params.NAME[*]). The older form without [*] still expands, but
it is deprecated and reads like a string reference; write the star.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: run
spec:
  params:
    - name: flags
      type: array
  steps:
    - name: run
      image: alpine:3.20
      command: [echo]
      args: ["$(params.flags)"]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: run
spec:
  params:
    - name: flags
      type: array
  steps:
    - name: run
      image: alpine:3.20
      command: [echo]
      args: ["$(params.flags[*])"]
`,
	Run: runArrayWithoutStar,
}

func runArrayWithoutStar(p *Pass) {
	report := func(s *source.Node, r ref.Ref, what string) {
		star := r.String()
		star = star[:len(star)-1] + "[*])"
		d := p.Reportf(s.RangeAt(r.Start, r.End), "whole array %s is referenced without [*]; write %s", what, star)
		d.Suggestion = star
	}
	// isolated checks every reference that is a whole element of list n.
	isolated := func(items []*source.Node, fn func(s *source.Node, r ref.Ref)) {
		for _, s := range items {
			if s.Kind != source.String {
				continue
			}
			if rs := ref.Find(s.Value); len(rs) == 1 && rs[0].IsWhole(s.Value) && !rs[0].Star && rs[0].Index < 0 {
				fn(s, rs[0])
			}
		}
	}
	for _, c := range p.Containers() {
		if c.Step == nil || c.In.Spec == nil {
			continue
		}
		isolated(append(c.Step.Command[:len(c.Step.Command):len(c.Step.Command)], c.Step.Args...), func(s *source.Node, r ref.Ref) {
			if name := paramRefName(r); name != "" && len(r.Path) == 2 {
				if ps := c.In.Spec.Param(name); ps != nil && ps.Type == model.TypeArray {
					report(s, r, "param "+quote(name))
				} else if ps == nil && c.In.Pipeline != nil {
					if ps := c.In.Pipeline.Param(name); ps != nil && ps.Type == model.TypeArray {
						report(s, r, "pipeline param "+quote(name))
					}
				}
			}
		})
	}
	for _, ps := range p.PipelineSpecs() {
		for _, pt := range ps.Spec.AllTasks() {
			var values []*source.Node
			for _, a := range pt.Params {
				if a.Value != nil {
					values = append(values, a.Value.Strings()...)
				}
			}
			for _, w := range pt.When {
				values = append(values, w.Values...)
			}
			isolated(values, func(s *source.Node, r ref.Ref) {
				names := r.Names()
				switch {
				case names[0] == "params" && len(names) == 2:
					if decl := ps.Spec.Param(names[1]); decl != nil && decl.Type == model.TypeArray {
						report(s, r, "pipeline param "+quote(names[1]))
					}
				case names[0] == "tasks" && len(names) == 4 && names[2] == "results":
					if res := p.resultOf(ps.Spec, names[1], names[3]); res != nil && res.Type == model.TypeArray {
						report(s, r, "result "+quote(names[3])+" of task "+quote(names[1]))
					}
				}
			})
		}
	}
}

// resultOf returns the declaration of result name of pipeline task task, when
// the task resolves.
func (p *Pass) resultOf(spec *model.PipelineSpec, task, name string) *model.ResultSpec {
	pt := spec.Task(task)
	if pt == nil {
		return nil
	}
	res := p.Program.TaskOf[pt]
	if res == nil || res.Spec == nil {
		return nil
	}
	return res.Spec.Result(name)
}
