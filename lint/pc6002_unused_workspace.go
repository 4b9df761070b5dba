package lint

import (
	"slices"
	"strings"

	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

var ruleUnusedWorkspace = &Rule{
	ID:       "PC6002",
	Name:     "unused-workspace",
	Title:    "workspace declared but never used",
	Category: Hygiene,
	Severity: warningSev,
	Doc: `A Task's workspace is used when something refers to it:
$(workspaces.NAME.path|bound|claim|volume), a step's or sidecar's
workspaces entry, or its mount path written out (/workspace/NAME) in a
script, command, argument or workingDir. A workspace with an explicit
mountPath counts as used, since tools find it where it is mounted
(~/.docker, /var/lib/containers), and so do all workspaces of a Task whose
script runs a param's value as code. A Pipeline's workspace is used when a
pipeline task binds it or an inline taskSpec refers to it. An unused
workspace still has to be bound by every run, for nothing.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: test
spec:
  workspaces:
    - name: source
    - name: cache
  steps:
    - name: test
      image: golang:1.22
      workingDir: $(workspaces.source.path)
      command: [go, test, ./...]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: test
spec:
  workspaces:
    - name: source
    - name: cache
  steps:
    - name: test
      image: golang:1.22
      workingDir: $(workspaces.source.path)
      env:
        - name: GOCACHE
          value: $(workspaces.cache.path)
      command: [go, test, ./...]
`,
	Run: runUnusedWorkspace,
}

// workspaceRefs collects the workspace names referenced under n.
func workspaceRefs(p *Pass, n *source.Node, used map[string]bool) {
	p.eachRef(n, func(_ *source.Node, r ref.Ref) {
		if names := r.Names(); len(names) >= 2 && names[0] == "workspaces" {
			used[names[1]] = true
		}
	})
}

func runUnusedWorkspace(p *Pass) {
	for _, t := range p.TaskSpecs() {
		if len(t.Spec.Workspaces) == 0 {
			continue
		}
		if slices.ContainsFunc(t.Spec.Steps, func(st *model.Step) bool { return runsParam(st.Script.Value) }) {
			continue
		}
		used := map[string]bool{}
		workspaceRefs(p, t.Spec.Node, used)
		for _, st := range append(t.Spec.Steps[:len(t.Spec.Steps):len(t.Spec.Steps)], t.Spec.Sidecars...) {
			for _, w := range st.Workspaces {
				used[w.Name.Value] = true
			}
		}
		for _, w := range t.Spec.Workspaces {
			if used[w.Name.Value] || !w.Name.IsSet() || w.Node.Get("mountPath") != nil {
				continue
			}
			literal := false
			p.eachString(t.Spec.Node, func(s *source.Node) {
				literal = literal || strings.Contains(s.Value, w.MountPath)
			})
			if !literal {
				p.Reportf(w.Name.Range(), "workspace %s of %s is never used", quote(w.Name.Value), t.What()).
					Explain("No step refers to $(workspaces.%s.path) or mounts it. Remove it, or use it.", w.Name.Value)
			}
		}
	}
	for _, ps := range p.PipelineSpecs() {
		if len(ps.Spec.Workspaces) == 0 {
			continue
		}
		used := map[string]bool{}
		for _, pt := range ps.Spec.AllTasks() {
			for _, b := range pt.Workspaces {
				used[b.Target().Value] = true
			}
			if pt.TaskSpecNode != nil {
				workspaceRefs(p, pt.TaskSpecNode, used)
			}
		}
		for _, w := range ps.Spec.Workspaces {
			if w.Name.IsSet() && !used[w.Name.Value] {
				p.Reportf(w.Name.Range(), "pipeline workspace %s is bound by no task", quote(w.Name.Value)).
					Explain("Every run must bind it, for nothing. Remove it, or pass it to the tasks that need it.")
			}
		}
	}
}
