package lint

var ruleConditions = &Rule{
	ID:         "PC3006",
	Name:       "conditions",
	Title:      "conditions instead of when expressions",
	Category:   Deprecation,
	Severity:   warningSev,
	TektonLint: "prefer-when-expression",
	Doc: `Conditions (kind Condition, and the conditions of a pipeline task) were
deprecated in Tekton v0.16 and removed in v0.24; when expressions replaced
them. A condition that compared values becomes a when expression; one that
ran a check becomes a task that writes a result, and a when expression on
that result guards the task.`,
	Bad: `apiVersion: tekton.dev/v1beta1
kind: Pipeline
metadata:
  name: deploy
spec:
  params:
    - name: branch
  tasks:
    - name: deploy
      conditions:
        - conditionRef: is-main
      taskRef:
        name: deploy
---
apiVersion: tekton.dev/v1beta1
kind: Task
metadata:
  name: deploy
spec:
  steps:
    - name: deploy
      image: alpine:3.20
      command: [echo, deploying]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: deploy
spec:
  params:
    - name: branch
  tasks:
    - name: deploy
      when:
        - input: $(params.branch)
          operator: in
          values: [main]
      taskRef:
        name: deploy
---
apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: deploy
spec:
  steps:
    - name: deploy
      image: alpine:3.20
      command: [echo, deploying]
`,
	Run: runConditions,
}

const whenHint = "Guard the task with when expressions instead: when: [{input: \"$(params.x)\", operator: in, values: [\"y\"]}]; a check that ran a script becomes a task writing a result that a when expression tests."

func runConditions(p *Pass) {
	for _, ps := range p.PipelineSpecs() {
		for _, pt := range ps.Spec.AllTasks() {
			if k := pt.Node.Key("conditions"); k != nil {
				p.Reportf(k.Range(), "pipeline task %s is guarded by conditions, which Tekton removed", quote(pt.Name.Value)).
					Explain("%s", whenHint)
			}
		}
	}
	for _, d := range p.Set().Others {
		if d.Kind == "Condition" && d.IsTekton() {
			p.Reportf(d.Root.Get("kind").Range(), "Condition %s: Tekton removed Conditions", quote(d.Name)).
				Explain("%s", whenHint)
		}
	}
}
