package lint

import (
	"github.com/pipec-dev/pipec/ref"
)

var ruleScriptInjection = &Rule{
	ID:       "PC4001",
	Name:     "script-injection",
	Title:    "param or task result spliced into a script",
	Category: Security,
	Severity: warningSev,
	Doc: `Tekton substitutes $(params.…) and $(tasks.….results.…) into a step's
script as text, before the shell reads it. A value holding a quote, a
semicolon or $(…) then runs as shell code: a branch name or a commit message
is enough for an injection. Pass the value through an environment variable
and quote the variable in the script; the shell never parses its content.
Params that declare an enum are not reported, since their values are fixed.`,
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
      script: |
        #!/bin/sh
        echo "hello $(params.who)"
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
      env:
        - name: WHO
          value: $(params.who)
      script: |
        #!/bin/sh
        echo "hello $WHO"
`,
	Run: runScriptInjection,
}

func runScriptInjection(p *Pass) {
	for _, c := range p.Containers() {
		if c.Step == nil || !c.Step.Script.IsSet() {
			continue
		}
		s := c.Step.Script.Node
		type finding struct {
			r    ref.Ref
			what string
		}
		var found []finding
		var spans [][2]int
		for _, r := range ref.Find(s.Value) {
			what := ""
			switch names := r.Names(); {
			case paramRefName(r) != "":
				name := paramRefName(r)
				if c.In.Spec != nil {
					if ps := c.In.Spec.Param(name); ps != nil && len(ps.Enum) > 0 {
						continue
					}
				}
				what = "param " + quote(name)
			case names[0] == "tasks" && len(names) >= 4 && names[2] == "results":
				what = "result " + quote(names[3]) + " of task " + quote(names[1])
			default:
				continue
			}
			found = append(found, finding{r, what})
			spans = append(spans, [2]int{r.Start, r.End})
		}
		// One long script may hold dozens of references: map it to the
		// source once.
		for i, at := range s.RangesAt(spans) {
			f := found[i]
			p.Reportf(at, "%s is spliced into the script of %s; pass it through env", f.what, c.What()).
				Explain("Tekton pastes the value into the script text, so quotes, ; or $(…) in it run as shell code. Write env: [{name: VALUE, value: %q}] and use \"$VALUE\" in the script.", f.r.Text(s.Value))
		}
	}
}
