package lint

import "github.com/pipec-dev/pipec/compiler"

var ruleRedundantRunAfter = &Rule{
	ID:       "PC6008",
	Name:     "redundant-run-after",
	Title:    "runAfter that the task graph already implies",
	Category: Hygiene,
	Severity: infoSev,
	Doc: `A task that uses another task's result already runs after it, and a task
that runs after B, which runs after A, runs after A. Writing such an edge in
runAfter again adds nothing, and it stays behind when the result reference
is removed, keeping an order nobody needs.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: release
spec:
  tasks:
    - name: version
      taskSpec:
        results:
          - name: v
        steps:
          - name: v
            image: alpine:3.20
            script: |
              #!/bin/sh
              echo -n 1.2.3 > $(results.v.path)
    - name: tag
      runAfter: [version]
      params:
        - name: v
          value: $(tasks.version.results.v)
      taskSpec:
        params:
          - name: v
        steps:
          - name: tag
            image: alpine:3.20
            command: [echo, $(params.v)]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: release
spec:
  tasks:
    - name: version
      taskSpec:
        results:
          - name: v
        steps:
          - name: v
            image: alpine:3.20
            script: |
              #!/bin/sh
              echo -n 1.2.3 > $(results.v.path)
    - name: tag
      params:
        - name: v
          value: $(tasks.version.results.v)
      taskSpec:
        params:
          - name: v
        steps:
          - name: tag
            image: alpine:3.20
            command: [echo, $(params.v)]
`,
	Run: runRedundantRunAfter,
}

func runRedundantRunAfter(p *Pass) {
	for _, ps := range p.PipelineSpecs() {
		g := p.Program.Graphs[ps.Spec]
		if g == nil {
			continue
		}
		after := reach(g)
		for _, pt := range ps.Spec.Tasks {
			edges := g.Edges(pt.Name.Value)
			for _, ra := range pt.RunAfter {
				why := ""
				for _, e := range edges {
					switch {
					case e.To == ra.Value && e.Kind != compiler.RunAfter:
						why = "it " + e.Kind.String() + " " + quote(ra.Value)
					case e.To != ra.Value && after[e.To][ra.Value] && why == "":
						why = "it runs after " + quote(e.To) + ", which runs after " + quote(ra.Value)
					}
				}
				if why != "" {
					p.Reportf(ra.Range(), "runAfter %s is implied: %s", quote(ra.Value), why)
				}
			}
		}
	}
}
