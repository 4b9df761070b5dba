package lint

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

// naiveRedundantRunAfter is PC6008 as first written: every task's
// transitive dependencies computed up front, every runAfter entry checked
// against every edge. It is quadratic, and the reference the rule must
// agree with.
func naiveRedundantRunAfter(p *Pass) {
	for _, ps := range p.PipelineSpecs() {
		g := p.Program.Graphs[ps.Spec]
		if g == nil {
			continue
		}
		after := reachCyclic(g) // the map per task the rule once used
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

// randomDAG is a Pipeline of n tasks, declared in a shuffled order, each
// depending on random earlier tasks through runAfter (entries repeated now
// and then) and result references.
func randomDAG(rng *rand.Rand, n int) string {
	var b strings.Builder
	b.WriteString("apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: p\nspec:\n  tasks:\n")
	for _, i := range rng.Perm(n) {
		fmt.Fprintf(&b, "    - name: t%d\n      taskRef: {name: unit}\n", i)
		if i == 0 {
			continue
		}
		var after, refs []string
		for range rng.IntN(4) {
			after = append(after, fmt.Sprintf("t%d", rng.IntN(i)))
		}
		for range rng.IntN(3) {
			refs = append(refs, fmt.Sprintf("$(tasks.t%d.results.out)", rng.IntN(i)))
		}
		if len(after) > 0 {
			fmt.Fprintf(&b, "      runAfter: [%s]\n", strings.Join(after, ", "))
		}
		if len(refs) > 0 {
			fmt.Fprintf(&b, "      params:\n        - name: in\n          value: %q\n", strings.Join(refs, " "))
		}
	}
	b.WriteString(`---
apiVersion: tekton.dev/v1
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
        echo "$(params.in)" > $(results.out.path)
`)
	return b.String()
}

// TestRedundantRunAfterAgrees checks PC6008 against the quadratic
// reference on random task graphs: the same findings, in the same order,
// with the same reasons.
func TestRedundantRunAfterAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	reported := 0
	for i := range 300 {
		src := randomDAG(rng, 2+rng.IntN(14))
		set := load.Files([]*source.File{source.NewFile("p.yaml", []byte(src))})
		prog := compiler.CheckSet(set, compiler.Options{})
		if diag.HasErrors(prog.Diags) {
			t.Fatalf("graph %d has errors: %v\n%s", i, prog.Diags[0], src)
		}
		in := indexInputs(prog.Set)
		run := func(f func(*Pass)) []string {
			p := &Pass{Rule: ruleRedundantRunAfter, Program: prog, in: in}
			f(p)
			var out []string
			for _, d := range p.diags {
				out = append(out, d.String())
			}
			return out
		}
		got, want := run(ruleRedundantRunAfter.Run), run(naiveRedundantRunAfter)
		if !slices.Equal(got, want) {
			t.Fatalf("graph %d:\n%s\ngot:\n%s\nwant:\n%s", i, src, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		reported += len(got)
	}
	if reported < 100 {
		t.Errorf("only %d findings in 300 graphs: the graphs do not exercise the rule", reported)
	}
}
