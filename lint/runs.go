package lint

import (
	"slices"

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

// ordered reports whether task b runs after task a, given the DAG's
// reachability (after[t] holds the tasks t runs after).
func ordered(after map[string]map[string]bool, a, b *model.PipelineTask) bool {
	switch {
	case a.Finally && b.Finally:
		return false
	case b.Finally:
		return true
	case a.Finally:
		return false
	}
	return after[b.Name.Value][a.Name.Value]
}
