package compiler

import (
	"fmt"
	"testing"

	"github.com/pipec-dev/pipec/internal/testgen"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

func TestGeneratedPipelinesCheckClean(t *testing.T) {
	for _, shape := range []testgen.Shape{testgen.Wide, testgen.Deep} {
		set := load.Files([]*source.File{source.NewFile("big.yaml", testgen.Pipeline(200, shape))})
		prog := CheckSet(set, Options{})
		if len(set.Diags)+len(prog.Diags) != 0 {
			t.Fatalf("%s: %v %v", shape, set.Diags, prog.Diags)
		}
		g := prog.Graphs[prog.Set.Pipelines[0].Spec]
		order := g.Order()
		if len(order) != 200 {
			t.Fatalf("%s: order has %d tasks", shape, len(order))
		}
		seen := map[string]bool{}
		for _, name := range order {
			for _, d := range g.Deps(name) {
				if !seen[d] {
					t.Fatalf("%s: %s comes before its dependency %s", shape, name, d)
				}
			}
			seen[name] = true
		}
	}
}

// BenchmarkCheck measures loading and checking generated pipelines; the
// compile benchmarks of package emit build on it.
func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		for _, shape := range []testgen.Shape{testgen.Wide, testgen.Deep} {
			src := testgen.Pipeline(n, shape)
			b.Run(fmt.Sprintf("%s-%d", shape, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					set := load.Files([]*source.File{source.NewFile("big.yaml", src)})
					CheckSet(set, Options{})
				}
			})
		}
	}
}
