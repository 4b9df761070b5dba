package lint

import (
	"slices"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/model"
)

// runWorkspace is a workspace a PipelineRun binds, with the pipeline tasks
// that use it.
type runWorkspace struct {
	run   *model.PipelineRun
	spec  *model.PipelineSpec
	bind  *model.RunWorkspace
	users []*model.PipelineTask // tasks and finally tasks binding it
	at    []*model.WorkspaceBinding
}

// runWorkspaces returns every workspace binding of the input's
// PipelineRuns whose pipeline resolves, with the tasks that bind it.
func (p *Pass) runWorkspaces() []runWorkspace {
	var out []runWorkspace
	for _, r := range p.Set().PipelineRuns {
		rp := p.Program.PipelineOf[r]
		if rp == nil || rp.Spec == nil {
			continue
		}
		for _, w := range r.Workspaces {
			rw := runWorkspace{run: r, spec: rp.Spec, bind: w}
			for _, pt := range rp.Spec.AllTasks() {
				for _, b := range pt.Workspaces {
					if b.Target().Value == w.Name.Value {
						rw.users = append(rw.users, pt)
						rw.at = append(rw.at, b)
						break
					}
				}
			}
			out = append(out, rw)
		}
	}
	return out
}

// exclusive reports whether two pipeline tasks can never both run: one has
// a when expression "X in [V…]" and the other "X notin [V…]" with the same
// input and values, or both test one input with "in" and disjoint values.
func exclusive(a, b *model.PipelineTask) bool {
	for _, wa := range a.When {
		for _, wb := range b.When {
			if wa.Input == nil || wb.Input == nil || wa.CEL.IsSet() || wb.CEL.IsSet() || wa.Input.Value != wb.Input.Value {
				continue
			}
			va, vb := whenValues(wa), whenValues(wb)
			switch oa, ob := wa.Operator.Value, wb.Operator.Value; {
			case oa != ob && (oa == "in" || ob == "in") && slices.Equal(va, vb):
				return true
			case oa == "in" && ob == "in" && disjoint(va, vb):
				return true
			}
		}
	}
	return false
}

func whenValues(w *model.When) []string {
	var out []string
	for _, v := range w.Values {
		out = append(out, v.Value)
	}
	slices.Sort(out)
	return out
}

func disjoint(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// ordered reports whether task b runs after task a; ia and ib are their
// rows (rowsOf), so that rules comparing every pair of a workspace's users
// test bits rather than look names up.
func (r *reachability) ordered(a, b *model.PipelineTask, ia, ib int) bool {
	switch {
	case a.Finally && b.Finally:
		return false
	case b.Finally:
		return true
	case a.Finally:
		return false
	case r.cyclic != nil:
		return r.cyclic[b.Name.Value][a.Name.Value]
	}
	return ia >= 0 && ib >= 0 && r.rows[ib][ia/64]&(1<<(ia%64)) != 0
}

// rowsOf returns the rows of tasks, -1 for one outside the graph.
func (r *reachability) rowsOf(ts []*model.PipelineTask) []int {
	out := make([]int, len(ts))
	for i, t := range ts {
		j, ok := r.index[t.Name.Value]
		if !ok {
			j = -1
		}
		out[i] = j
	}
	return out
}

// reachability says which tasks of a graph each task runs after, directly
// or not. It is a bit set per task, n² bits in all (12.5 MB for 10,000
// tasks), built in topological order in time proportional to the edges
// times n/64: a map per task was gigabytes on a 10,000-task chain.
type reachability struct {
	index map[string]int // a task's row and column; the first of a name
	rows  [][]uint64
	// cyclic holds a graph with a cycle (the compiler's error, PC2102),
	// which has no topological order: its tasks' sets, as a depth-first
	// walk with a memo finds them.
	cyclic map[string]map[string]bool
}

// reach computes the reachability of a graph.
func reach(g *compiler.Graph) *reachability {
	order := g.Order()
	r := &reachability{index: make(map[string]int, len(order))}
	for i, t := range order {
		r.index[t] = i
	}
	if len(r.index) < len(uniqueNames(g)) {
		return &reachability{cyclic: reachCyclic(g)}
	}
	words := (len(order) + 63) / 64
	bits := make([]uint64, len(order)*words)
	r.rows = make([][]uint64, len(order))
	for i, t := range order {
		row := bits[i*words : (i+1)*words : (i+1)*words]
		for _, e := range g.Edges(t) {
			j, ok := r.index[e.To]
			if !ok {
				continue // not a task of the graph: reported by the compiler
			}
			row[j/64] |= 1 << (j % 64)
			for k, w := range r.rows[j] { // j < i: done
				row[k] |= w
			}
		}
		r.rows[i] = row
	}
	return r
}

// runsAfter reports whether task t runs after task dep.
func (r *reachability) runsAfter(t, dep string) bool {
	if r.cyclic != nil {
		return r.cyclic[t][dep]
	}
	i, ok := r.index[t]
	j, ok2 := r.index[dep]
	return ok && ok2 && r.rows[i][j/64]&(1<<(j%64)) != 0
}

// uniqueNames returns the names of a graph's DAG tasks.
func uniqueNames(g *compiler.Graph) map[string]bool {
	out := make(map[string]bool, len(g.Tasks))
	for _, t := range g.Tasks {
		out[t.Name.Value] = true
	}
	return out
}

// reachCyclic finds each task's set in a graph with a cycle, as a
// depth-first walk with a memo does: the set of a task on a cycle is cut
// where the walk came back to it.
func reachCyclic(g *compiler.Graph) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	var visit func(string) map[string]bool
	visit = func(t string) map[string]bool {
		if r, ok := out[t]; ok {
			return r
		}
		r := map[string]bool{}
		out[t] = r
		for _, d := range g.Deps(t) {
			r[d] = true
			for x := range visit(d) {
				r[x] = true
			}
		}
		return r
	}
	for _, t := range g.Tasks {
		visit(t.Name.Value)
	}
	return out
}
