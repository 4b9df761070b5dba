// Package compiler checks a set of Tekton objects as a whole: it resolves
// taskRef and pipelineRef, parses and checks every $(…) reference against
// what is declared where it is used, checks what runs pass against what
// pipelines and tasks declare, and builds each pipeline's task graph. Its
// result, the Program, is what lint rules and the manifest emitter work on.
package compiler

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/source"
)

// Options configure a check.
type Options struct {
	// Library holds the objects of the include directories (the -I flag),
	// searched for Tasks, Pipelines, StepActions and PipelineResources that
	// the input references but does not define. Problems inside them are
	// not reported. It may be nil.
	Library *Library
}

// Library is the objects of a set of include directories, indexed once and
// shared by any number of checks.
type Library struct {
	Dirs []string
	ix   *index
	n    int // files read
}

// LoadLibrary reads the include directories. Where two files define the
// same kind and name, the one nearer the top of its directory wins, so that
// a catalog's task/NAME/VERSION/NAME.yaml beats a sample beside it.
func LoadLibrary(dirs []string) (*Library, error) {
	set, err := load.Paths(dirs, strings.NewReader(""))
	if err != nil {
		return nil, err
	}
	docs := slices.Clone(set.Docs)
	slices.SortStableFunc(docs, func(a, b *load.Doc) int {
		return strings.Count(a.File.Name, "/") - strings.Count(b.File.Name, "/")
	})
	p := &Program{}
	return &Library{Dirs: dirs, ix: p.buildIndex(model.Decode(docs), false), n: len(set.Files)}, nil
}

// Program is a checked set of objects.
type Program struct {
	Set   *model.Set
	Files []*source.File
	Diags diag.List

	// TaskOf resolves each pipeline task to the TaskSpec it runs (inline or
	// referenced); custom, remote and unresolved tasks are absent.
	TaskOf map[*model.PipelineTask]*Resolved
	// PipelineOf resolves each PipelineRun's pipeline.
	PipelineOf map[*model.PipelineRun]*ResolvedPipeline
	// TaskOfRun resolves each TaskRun's task.
	TaskOfRun map[*model.TaskRun]*Resolved
	// Graphs holds the task graph of every pipeline spec that was checked.
	Graphs map[*model.PipelineSpec]*Graph

	index    *index
	included *index // the library's index, or nil
	opts     Options
}

// Resolved is a task a pipeline task or TaskRun runs.
type Resolved struct {
	Spec *model.TaskSpec
	Task *model.Task // nil for an inline taskSpec
}

// ResolvedPipeline is the pipeline a PipelineRun runs.
type ResolvedPipeline struct {
	Spec     *model.PipelineSpec
	Pipeline *model.Pipeline // nil for an inline pipelineSpec
}

// Resource returns the PipelineResource called name, from the input or the
// include directories.
func (p *Program) Resource(name string) *model.PipelineResource {
	if r := p.index.resources[name]; r != nil {
		return r
	}
	if p.included != nil {
		return p.included.resources[name]
	}
	return nil
}

// Other returns the non-Tekton object of the input with the given kind and
// name (a ServiceAccount, a Secret), or nil.
func (p *Program) Other(kind, name string) *load.Doc {
	return p.index.others[kind+"/"+name]
}

// StepAction returns the StepAction called name, or nil.
func (p *Program) StepAction(name string) *model.StepAction {
	if a := p.index.stepActions[name]; a != nil {
		return a
	}
	if p.included != nil {
		return p.included.stepActions[name]
	}
	return nil
}

// CheckSet checks what load read. The set's own diagnostics (syntax) are
// not repeated; schema validation is done by the caller.
func CheckSet(set *load.Set, opts Options) *Program {
	p := &Program{
		Set:        model.Decode(set.Docs),
		Files:      set.Files,
		TaskOf:     map[*model.PipelineTask]*Resolved{},
		PipelineOf: map[*model.PipelineRun]*ResolvedPipeline{},
		TaskOfRun:  map[*model.TaskRun]*Resolved{},
		Graphs:     map[*model.PipelineSpec]*Graph{},
		opts:       opts,
	}
	if opts.Library != nil {
		p.included = opts.Library.ix
	}
	p.index = p.buildIndex(p.Set, true)
	c := &checker{p: p}
	for _, t := range p.Set.Tasks {
		c.checkTask(t)
	}
	for _, a := range p.Set.StepActions {
		c.checkStepAction(a)
	}
	for _, pl := range p.Set.Pipelines {
		c.checkPipeline(pl.Spec, nil)
	}
	for _, r := range p.Set.PipelineRuns {
		c.checkPipelineRun(r)
	}
	for _, r := range p.Set.TaskRuns {
		c.checkTaskRun(r)
	}
	return p
}

// index finds objects by name.
type index struct {
	tasks       map[string]*model.Task // "Task/name" or "ClusterTask/name"
	pipelines   map[string]*model.Pipeline
	resources   map[string]*model.PipelineResource
	stepActions map[string]*model.StepAction
	others      map[string]*load.Doc
}

func (p *Program) buildIndex(s *model.Set, report bool) *index {
	ix := &index{
		tasks:       map[string]*model.Task{},
		pipelines:   map[string]*model.Pipeline{},
		resources:   map[string]*model.PipelineResource{},
		stepActions: map[string]*model.StepAction{},
		others:      map[string]*load.Doc{},
	}
	seen := map[string]*model.Object{}
	dup := func(o *model.Object) bool {
		if o.Name.Value == "" || o.Doc.Root.Path("metadata", "generateName") != nil && o.Doc.Root.Path("metadata", "name") == nil {
			return false // generateName: every apply makes a new object
		}
		key := o.Kind + "/" + o.Namespace + "/" + o.Name.Value
		if first := seen[key]; first != nil {
			if report {
				p.Diags.Errorf(o.Range(), CodeDuplicateObject, "%s %q is defined twice", o.Kind, o.Name.Value).
					With(first.Range(), "first defined here").
					Explain("Applying both, the later definition replaces the earlier one; pipec resolves references to the first.")
			}
			return true
		}
		seen[key] = o
		return false
	}
	for _, t := range s.Tasks {
		if !dup(&t.Object) {
			ix.tasks[t.Kind+"/"+t.Name.Value] = t
		}
	}
	for _, pl := range s.Pipelines {
		if !dup(&pl.Object) {
			ix.pipelines[pl.Name.Value] = pl
		}
	}
	for _, r := range s.Resources {
		if !dup(&r.Object) {
			ix.resources[r.Name.Value] = r
		}
	}
	for _, a := range s.StepActions {
		if !dup(&a.Object) {
			ix.stepActions[a.Name.Value] = a
		}
	}
	for _, d := range s.Others {
		key := d.Kind + "/" + d.Name
		if _, ok := ix.others[key]; !ok {
			ix.others[key] = d
		}
	}
	return ix
}

// lookTask resolves a taskRef.
func (p *Program) lookTask(kind, name string) *model.Task {
	if kind == "" {
		kind = "Task"
	}
	if t := p.index.tasks[kind+"/"+name]; t != nil {
		return t
	}
	if inc := p.included; inc != nil {
		return inc.tasks[kind+"/"+name]
	}
	return nil
}

func (p *Program) lookPipeline(name string) *model.Pipeline {
	if pl := p.index.pipelines[name]; pl != nil {
		return pl
	}
	if inc := p.included; inc != nil {
		return inc.pipelines[name]
	}
	return nil
}

// whereLooked says where a name was searched for, for "not found" messages.
func (p *Program) whereLooked() string {
	where := fmt.Sprintf("the input (%d %s)", len(p.Files), plural(len(p.Files), "file", "files"))
	if p.opts.Library != nil {
		where += " and the include directories " + strings.Join(p.opts.Library.Dirs, ", ")
	} else {
		where += "; no include directory was given (-I DIR)"
	}
	return where
}

// names lists the names of objects of a kind, for suggestions.
func (p *Program) taskNames(kind string) []string {
	if kind == "" {
		kind = "Task"
	}
	var out []string
	for _, ix := range []*index{p.index, p.included} {
		if ix == nil {
			continue
		}
		for k := range ix.tasks {
			if name, ok := strings.CutPrefix(k, kind+"/"); ok {
				out = append(out, name)
			}
		}
	}
	return sortedUnique(out)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
