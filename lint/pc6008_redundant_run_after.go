package lint

import (
	"math"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/model"
)

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

// runRedundantRunAfter reports each runAfter entry that another of the
// task's dependencies already implies: an edge of another kind to the same
// task (the last one written is named), else the first dependency, in the
// order found, from which the target is reachable.
//
// It must stay close to linear on big graphs: nothing is computed for a
// task without runAfter or with a single dependency, and the search is one
// walk per task over the tasks its dependencies reach, each visited once,
// that stops when every target is found and does not descend below the
// earliest target in topological order (nothing there can reach it).
func runRedundantRunAfter(p *Pass) {
	for _, ps := range p.PipelineSpecs() {
		g := p.Program.Graphs[ps.Spec]
		if g == nil {
			continue
		}
		s := &implied{g: g}
		for _, pt := range ps.Spec.Tasks {
			if len(pt.RunAfter) == 0 {
				continue
			}
			why := s.why(pt)
			for _, ra := range pt.RunAfter {
				if w := why[ra.Value]; w != "" {
					p.Reportf(ra.Range(), "runAfter %s is implied: %s", quote(ra.Value), w)
				}
			}
		}
	}
}

// implied finds the runAfter entries of one graph's tasks that other
// dependencies imply. Its tables are built on first use and shared by the
// graph's tasks.
type implied struct {
	g     *compiler.Graph
	pos   map[string]int // topological position; absent in or after a cycle
	seen  map[string]int // the walk that last visited a task
	walks int
}

// why returns, for each runAfter target of pt that another dependency
// implies, the reason. On a graph with a cycle (the compiler's error,
// PC2102) a target on it may go unreported: a task is visited once per
// walk, and not counted when it is reached from itself.
func (s *implied) why(pt *model.PipelineTask) map[string]string {
	edges := s.g.Edges(pt.Name.Value)
	out := map[string]string{}
	pending := map[string]bool{}
	for _, ra := range pt.RunAfter {
		pending[ra.Value] = true
	}
	for _, e := range edges {
		if e.Kind != compiler.RunAfter && pending[e.To] {
			out[e.To] = "it " + e.Kind.String() + " " + quote(e.To) // the last such edge
		}
	}
	for t := range out {
		delete(pending, t)
	}
	if len(pending) == 0 || !distinctTargets(edges) {
		return out
	}
	if s.pos == nil {
		s.pos = map[string]int{}
		for i, t := range s.g.Order() {
			s.pos[t] = i
		}
		s.seen = map[string]int{}
	}
	// Below the earliest pending target in topological order no task can
	// reach one. A target without a position (a cycle, reported by the
	// compiler) turns this off.
	floor := math.MaxInt
	for t := range pending {
		i, ok := s.pos[t]
		if !ok {
			i = -1
		}
		floor = min(floor, i)
	}
	s.walks++
	var stack []string
	for _, e := range edges {
		if len(pending) == 0 {
			break
		}
		// The tasks e.To runs after, directly or not, that no earlier
		// dependency reaches.
		stack = stack[:0]
		for _, d := range s.g.Edges(e.To) {
			stack = append(stack, d.To)
		}
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if s.seen[v] == s.walks {
				continue
			}
			s.seen[v] = s.walks
			if pending[v] && v != e.To {
				out[v] = "it runs after " + quote(e.To) + ", which runs after " + quote(v)
				delete(pending, v)
			}
			if i, ok := s.pos[v]; ok && i <= floor {
				continue
			}
			for _, d := range s.g.Edges(v) {
				stack = append(stack, d.To)
			}
		}
	}
	return out
}

// distinctTargets reports whether the edges lead to more than one task:
// with one, no dependency can imply another.
func distinctTargets(edges []compiler.Edge) bool {
	for _, e := range edges {
		if e.To != edges[0].To {
			return true
		}
	}
	return false
}
