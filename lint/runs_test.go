package lint

import (
	"math/rand/v2"
	"testing"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

// TestReachability checks the bit sets against a depth-first walk with a
// memo (the map per task PC5005 and PC5006 once used) on random task
// graphs, for every pair of tasks and names outside the graph.
func TestReachability(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pairs, yes := 0, 0
	for i := range 200 {
		src := randomDAG(rng, 2+rng.IntN(70))
		set := load.Files([]*source.File{source.NewFile("p.yaml", []byte(src))})
		prog := compiler.CheckSet(set, compiler.Options{})
		for _, g := range prog.Graphs {
			r, want := reach(g), reachCyclic(g)
			if r.cyclic != nil {
				t.Fatalf("graph %d: no topological order", i)
			}
			names := append(g.Order(), "nowhere")
			for _, a := range names {
				for _, b := range names {
					pairs++
					if got := r.runsAfter(a, b); got != want[a][b] {
						t.Fatalf("graph %d: runsAfter(%s, %s) = %v\n%s", i, a, b, got, src)
					}
					if want[a][b] {
						yes++
					}
				}
			}
		}
	}
	if yes == 0 || yes == pairs {
		t.Errorf("%d of %d pairs ordered: the graphs do not exercise reach", yes, pairs)
	}
}
