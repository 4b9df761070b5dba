package lint

import (
	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/source"
)

var ruleDeprecatedLabel = &Rule{
	ID:         "PC3008",
	Name:       "deprecated-label",
	Title:      "object, or Task it runs, marked tekton.dev/deprecated",
	Category:   Deprecation,
	Severity:   warningSev,
	TektonLint: "no-deprecated-resource",
	Doc: `The Tekton catalog marks Tasks that are no longer maintained with
tekton.dev/deprecated: "true", as an annotation (the catalog's convention)
or a label (what tekton-lint reads). The mark is reported on the object
itself, and on every pipeline task and TaskRun of the input that runs such
a Task (also when the Task comes from an include directory), so that users
notice before the Task disappears.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: old-build
  labels:
    tekton.dev/deprecated: "true"
spec:
  steps:
    - name: build
      image: alpine:3.20
      command: [echo, build]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  steps:
    - name: build
      image: alpine:3.20
      command: [echo, build]
`,
	Run: runDeprecatedLabel,
}

const deprecatedLabel = "tekton.dev/deprecated"

// deprecationMark returns the key that marks an object deprecated, in its
// labels or annotations, or nil.
func deprecationMark(o *model.Object) *source.Node {
	meta := o.Doc.Root.Get("metadata")
	for _, field := range []string{"labels", "annotations"} {
		if m := meta.Get(field); isTrue(m.Get(deprecatedLabel)) {
			return m.Key(deprecatedLabel)
		}
	}
	return nil
}

func isDeprecated(o *model.Object) bool { return deprecationMark(o) != nil }

func runDeprecatedLabel(p *Pass) {
	for _, o := range p.Objects() {
		if k := deprecationMark(o); k != nil {
			p.Reportf(k.Range(), "%s %s is marked deprecated", o.Kind, quote(o.Name.Value))
		}
	}
	for _, ps := range p.PipelineSpecs() {
		for _, pt := range ps.Spec.AllTasks() {
			if res := p.Program.TaskOf[pt]; res != nil && res.Task != nil && isDeprecated(&res.Task.Object) && pt.TaskRef != nil {
				p.Reportf(pt.TaskRef.Name.Range(), "pipeline task %s runs %s %s, which is marked deprecated", quote(pt.Name.Value), res.Task.Kind, quote(res.Task.Name.Value)).
					With(res.Task.Range(), "marked here")
			}
		}
	}
	for _, r := range p.Set().TaskRuns {
		if res := p.Program.TaskOfRun[r]; res != nil && res.Task != nil && isDeprecated(&res.Task.Object) && r.TaskRef != nil {
			p.Reportf(r.TaskRef.Name.Range(), "TaskRun %s runs %s %s, which is marked deprecated", quote(r.Name.Value), res.Task.Kind, quote(res.Task.Name.Value)).
				With(res.Task.Range(), "marked here")
		}
	}
}
