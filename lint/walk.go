package lint

import (
	"strconv"
	"strings"
	"sync"

	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

// TaskSpecIn is a TaskSpec of the input with the place it sits: a Task's
// spec, a pipeline task's inline taskSpec, or a TaskRun's.
type TaskSpecIn struct {
	Spec   *model.TaskSpec
	Object *model.Object // the Task, Pipeline, PipelineRun or TaskRun it is part of
	// PipelineTask and Pipeline are set for an inline taskSpec of a pipeline.
	PipelineTask *model.PipelineTask
	Pipeline     *model.PipelineSpec
}

// What names the spec for messages: Task "x", or the pipeline task's name.
func (t TaskSpecIn) What() string {
	if t.PipelineTask != nil {
		return "the taskSpec of pipeline task " + strconv.Quote(t.PipelineTask.Name.Value)
	}
	return t.Object.Kind + " " + strconv.Quote(t.Object.Name.Value)
}

// PipelineSpecIn is a PipelineSpec of the input: a Pipeline's spec or a
// PipelineRun's inline pipelineSpec.
type PipelineSpecIn struct {
	Spec   *model.PipelineSpec
	Object *model.Object
	Run    *model.PipelineRun // set for an inline pipelineSpec
}

// Container is a step, a sidecar, a stepTemplate or a StepAction's step:
// anything that becomes a container of a pod.
type Container struct {
	Node *source.Node
	// Step is nil for a stepTemplate.
	Step *model.Step
	Kind string // "step", "sidecar", "stepTemplate" or "StepAction"
	// In is the spec holding the container; its Spec is nil for a
	// StepAction.
	In TaskSpecIn
}

// What names the container for messages: step "build".
func (c Container) What() string {
	switch c.Kind {
	case "stepTemplate":
		return "the stepTemplate"
	case "StepAction":
		return "StepAction " + strconv.Quote(c.In.Object.Name.Value)
	}
	if c.Step.Name.Value == "" {
		return "unnamed " + c.Kind + " " + strconv.Itoa(c.Step.Index)
	}
	return c.Kind + " " + strconv.Quote(c.Step.Name.Value)
}

// inputs indexes the input's specs once per run; every pass shares it, and
// passes run in parallel, so the caches are locked.
type inputs struct {
	tasks      []TaskSpecIn
	pipelines  []PipelineSpecIn
	containers []Container

	mu   sync.Mutex
	strs map[*source.Node][]*source.Node
	refs map[*source.Node][]nodeRef
}

// nodeRef is a reference and the string it is in.
type nodeRef struct {
	s *source.Node
	r ref.Ref
}

func indexInputs(s *model.Set) *inputs {
	in := &inputs{strs: map[*source.Node][]*source.Node{}, refs: map[*source.Node][]nodeRef{}}
	for _, t := range s.Tasks {
		in.tasks = append(in.tasks, TaskSpecIn{Spec: t.Spec, Object: &t.Object})
	}
	for _, p := range s.Pipelines {
		if p.Spec != nil {
			in.pipelines = append(in.pipelines, PipelineSpecIn{Spec: p.Spec, Object: &p.Object})
		}
	}
	for _, r := range s.PipelineRuns {
		if r.PipelineSpec != nil {
			in.pipelines = append(in.pipelines, PipelineSpecIn{Spec: r.PipelineSpec, Object: &r.Object, Run: r})
		}
	}
	for _, p := range in.pipelines {
		for _, pt := range p.Spec.AllTasks() {
			if pt.TaskSpec != nil {
				in.tasks = append(in.tasks, TaskSpecIn{Spec: pt.TaskSpec, Object: p.Object, PipelineTask: pt, Pipeline: p.Spec})
			}
		}
	}
	for _, r := range s.TaskRuns {
		if r.TaskSpec != nil {
			in.tasks = append(in.tasks, TaskSpecIn{Spec: r.TaskSpec, Object: &r.Object})
		}
	}
	for _, t := range in.tasks {
		if t.Spec == nil {
			continue
		}
		if t.Spec.StepTemplate != nil {
			in.containers = append(in.containers, Container{Node: t.Spec.StepTemplate, Kind: "stepTemplate", In: t})
		}
		for _, st := range t.Spec.Steps {
			in.containers = append(in.containers, Container{Node: st.Node, Step: st, Kind: "step", In: t})
		}
		for _, st := range t.Spec.Sidecars {
			in.containers = append(in.containers, Container{Node: st.Node, Step: st, Kind: "sidecar", In: t})
		}
	}
	for _, a := range s.StepActions {
		if a.Step != nil && a.Node != nil {
			in.containers = append(in.containers, Container{Node: a.Node, Step: a.Step, Kind: "StepAction", In: TaskSpecIn{Object: &a.Object}})
		}
	}
	return in
}

// TaskSpecs returns every TaskSpec of the input.
func (p *Pass) TaskSpecs() []TaskSpecIn { return p.in.tasks }

// PipelineSpecs returns every PipelineSpec of the input.
func (p *Pass) PipelineSpecs() []PipelineSpecIn { return p.in.pipelines }

// Containers returns every step, sidecar, stepTemplate and StepAction step
// of the input.
func (p *Pass) Containers() []Container { return p.in.containers }

// Objects returns every Tekton object of the input, in input order by kind.
func (p *Pass) Objects() []*model.Object {
	s := p.Set()
	var out []*model.Object
	for _, t := range s.Tasks {
		out = append(out, &t.Object)
	}
	for _, x := range s.Pipelines {
		out = append(out, &x.Object)
	}
	for _, x := range s.PipelineRuns {
		out = append(out, &x.Object)
	}
	for _, x := range s.TaskRuns {
		out = append(out, &x.Object)
	}
	for _, x := range s.Resources {
		out = append(out, &x.Object)
	}
	for _, x := range s.StepActions {
		out = append(out, &x.Object)
	}
	return out
}

// stringsUnder returns every string scalar under n, n included. Several
// rules search the same specs, so the lists are kept for the run.
func (p *Pass) stringsUnder(n *source.Node) []*source.Node {
	if n == nil {
		return nil
	}
	p.in.mu.Lock()
	l, ok := p.in.strs[n]
	p.in.mu.Unlock()
	if ok {
		return l
	}
	source.Walk(n, func(_ []source.PathElem, v *source.Node) bool {
		if v.Kind == source.String {
			l = append(l, v)
		}
		return true
	})
	p.in.mu.Lock()
	p.in.strs[n] = l
	p.in.mu.Unlock()
	return l
}

// eachString calls fn for every string scalar under n, n included.
func (p *Pass) eachString(n *source.Node, fn func(s *source.Node)) {
	for _, s := range p.stringsUnder(n) {
		fn(s)
	}
}

// eachRef calls fn for every $(…) reference in every string under n.
func (p *Pass) eachRef(n *source.Node, fn func(s *source.Node, r ref.Ref)) {
	p.in.mu.Lock()
	l, ok := p.in.refs[n]
	p.in.mu.Unlock()
	if !ok {
		for _, s := range p.stringsUnder(n) {
			if strings.Contains(s.Value, "$(") {
				for _, r := range ref.Find(s.Value) {
					l = append(l, nodeRef{s, r})
				}
			}
		}
		p.in.mu.Lock()
		p.in.refs[n] = l
		p.in.mu.Unlock()
	}
	for _, x := range l {
		fn(x.s, x.r)
	}
}

// paramRefName returns the param a reference names, for $(params.x),
// $(params.x.key), $(params["x"]) and $(inputs.params.x), or "".
func paramRefName(r ref.Ref) string {
	names := r.Names()
	switch {
	case len(names) >= 2 && names[0] == "params":
		return names[1]
	case len(names) >= 3 && names[0] == "inputs" && names[1] == "params":
		return names[2]
	}
	return ""
}

// quote renders a name for messages.
func quote(s string) string { return strconv.Quote(s) }
