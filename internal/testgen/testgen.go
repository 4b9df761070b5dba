// Package testgen generates large pipelines for benchmarks: a Task, a
// Pipeline of n tasks and a PipelineRun, in one YAML stream.
package testgen

import (
	"fmt"
	"strings"
)

// Shape is how the tasks depend on each other.
type Shape string

const (
	// Wide: one root, n-2 tasks that each use its result, one task after all.
	Wide Shape = "wide"
	// Deep: a chain, each task using the previous one's result.
	Deep Shape = "deep"
)

// Pipeline returns YAML for a run of a pipeline of n tasks (n ≥ 2).
func Pipeline(n int, shape Shape) []byte {
	var b strings.Builder
	b.WriteString(`apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: unit
spec:
  params:
    - name: in
      default: ""
  results:
    - name: out
  steps:
    - name: run
      image: alpine:3.20
      script: |
        #!/bin/sh
        echo "in=$(params.in)"
        printf x > $(results.out.path)
---
apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: big
spec:
  tasks:
`)
	name := func(i int) string { return fmt.Sprintf("t%05d", i) }
	for i := range n {
		fmt.Fprintf(&b, "    - name: %s\n      taskRef: {name: unit}\n", name(i))
		switch {
		case i == 0:
		case shape == Deep:
			fmt.Fprintf(&b, "      params:\n        - name: in\n          value: $(tasks.%s.results.out)\n", name(i-1))
		case i < n-1:
			fmt.Fprintf(&b, "      params:\n        - name: in\n          value: $(tasks.%s.results.out)\n", name(0))
		default:
			b.WriteString("      runAfter:\n")
			for j := 1; j < n-1; j++ {
				fmt.Fprintf(&b, "        - %s\n", name(j))
			}
		}
	}
	b.WriteString(`---
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: big-run
spec:
  pipelineRef:
    name: big
`)
	return []byte(b.String())
}
