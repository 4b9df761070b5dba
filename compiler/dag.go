package compiler

import (
	"container/heap"
	"slices"
	"strings"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/source"
)

// EdgeKind says why one task runs after another.
type EdgeKind int

const (
	RunAfter  EdgeKind = iota // runAfter
	ResultRef                 // it uses a result of the other task
	From                      // a PipelineResource input "from" the other task
)

func (k EdgeKind) String() string {
	return [...]string{"runs after", "uses a result of", "takes a resource from"}[k]
}

// Edge is one dependency: task From waits for task To.
type Edge struct {
	From, To string
	Kind     EdgeKind
	// at is where the dependency is written: a whole node, or the span
	// [start, end) of a reference inside a string node, which costs a scan
	// of the string to locate and is worked out only when asked for.
	at         *source.Node
	start, end int
}

// At returns where the dependency is written.
func (e Edge) At() diag.Range {
	if e.end > e.start {
		return e.at.RangeAt(e.start, e.end)
	}
	return e.at.Range()
}

// Graph is a pipeline's task graph. Finally tasks are not in it: they all
// run once the graph is done.
type Graph struct {
	Tasks   []*model.PipelineTask
	Finally []*model.PipelineTask
	edges   map[string][]Edge
	have    map[edgeKey]bool // the edges already added
}

type edgeKey struct {
	from, to string
	kind     EdgeKind
}

func newGraph(s *model.PipelineSpec) *Graph {
	return &Graph{Tasks: s.Tasks, Finally: s.Finally, edges: map[string][]Edge{}, have: map[edgeKey]bool{}}
}

// add records an edge once, however often the dependency is written.
func (g *Graph) add(e Edge) {
	k := edgeKey{e.From, e.To, e.Kind}
	if g.have[k] {
		return
	}
	g.have[k] = true
	g.edges[e.From] = append(g.edges[e.From], e)
}

// Edges returns the dependencies of task name, in the order they were found.
func (g *Graph) Edges(name string) []Edge { return g.edges[name] }

// Deps returns the names of the tasks that name waits for, sorted.
func (g *Graph) Deps(name string) []string {
	var out []string
	for _, e := range g.edges[name] {
		out = append(out, e.To)
	}
	return sortedUnique(out)
}

// Order returns the DAG tasks in an order that respects the dependencies,
// the earliest declared first where the graph leaves a choice (Kahn's
// algorithm with a heap of declaration indexes). Tasks in a cycle, or after
// one, are left out.
func (g *Graph) Order() []string {
	pos := make(map[string]int, len(g.Tasks))
	for i, t := range g.Tasks {
		if _, dup := pos[t.Name.Value]; !dup {
			pos[t.Name.Value] = i
		}
	}
	indeg := make([]int, len(g.Tasks))
	users := make([][]int, len(g.Tasks))
	for i, t := range g.Tasks {
		if pos[t.Name.Value] != i {
			continue // a duplicate name: reported elsewhere
		}
		for _, d := range g.Deps(t.Name.Value) {
			if j, ok := pos[d]; ok {
				indeg[i]++
				users[j] = append(users[j], i)
			}
		}
	}
	ready := &intHeap{}
	for i, t := range g.Tasks {
		if indeg[i] == 0 && pos[t.Name.Value] == i {
			heap.Push(ready, i)
		}
	}
	out := make([]string, 0, len(g.Tasks))
	for ready.Len() > 0 {
		i := heap.Pop(ready).(int)
		out = append(out, g.Tasks[i].Name.Value)
		for _, u := range users[i] {
			if indeg[u]--; indeg[u] == 0 {
				heap.Push(ready, u)
			}
		}
	}
	return out
}

type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// cycles reports every cycle once, listing it whole.
func (g *Graph) cycles(ds *diag.List) {
	// Tarjan's strongly connected components, iterating tasks in
	// declaration order so that the report is deterministic.
	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	next := 0
	var sccs [][]string
	var visit func(v string)
	visit = func(v string) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range g.Deps(v) {
			if _, seen := index[w]; !seen {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var scc []string
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				scc = append(scc, w)
				if w == v {
					break
				}
			}
			sccs = append(sccs, scc)
		}
	}
	known := map[string]bool{}
	for _, t := range g.Tasks {
		known[t.Name.Value] = true
	}
	for _, t := range g.Tasks {
		if _, seen := index[t.Name.Value]; !seen {
			visit(t.Name.Value)
		}
	}
	for _, scc := range sccs {
		self := len(scc) == 1 && slices.Contains(g.Deps(scc[0]), scc[0])
		if len(scc) < 2 && !self {
			continue
		}
		g.reportCycle(ds, scc)
	}
}

// reportCycle finds a concrete cycle inside a strongly connected component
// and reports it from the task declared first.
func (g *Graph) reportCycle(ds *diag.List, scc []string) {
	in := map[string]bool{}
	for _, s := range scc {
		in[s] = true
	}
	var start string
	for _, t := range g.Tasks {
		if in[t.Name.Value] {
			start = t.Name.Value
			break
		}
	}
	// Walk the component from start until it comes back, by breadth-first
	// search for the shortest way home.
	prev := map[string]Edge{}
	queue := []string{start}
	seen := map[string]bool{}
	var closing *Edge
	for len(queue) > 0 && closing == nil {
		v := queue[0]
		queue = queue[1:]
		for _, e := range g.edges[v] {
			if !in[e.To] {
				continue
			}
			if e.To == start {
				closing = &e
				break
			}
			if !seen[e.To] {
				seen[e.To] = true
				prev[e.To] = e
				queue = append(queue, e.To)
			}
		}
	}
	if closing == nil {
		return
	}
	path := []Edge{*closing}
	for v := closing.From; v != start; {
		e := prev[v]
		path = append(path, e)
		v = e.From
	}
	slices.Reverse(path)
	names := []string{start}
	for _, e := range path {
		names = append(names, e.To)
	}
	d := ds.Errorf(path[0].At(), CodeCycle, "cycle in the task graph: %s", strings.Join(names, " → "))
	for _, e := range path {
		d.With(e.At(), "\""+e.From+"\" "+e.Kind.String()+" \""+e.To+"\"")
	}
}
