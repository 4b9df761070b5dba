package lint

import "github.com/pipec-dev/pipec/model"

var ruleDuplicateName = &Rule{
	ID:       "PC5013",
	Name:     "duplicate-name",
	Title:    "step, sidecar, volume, workspace or result declared twice",
	Category: Correctness,
	Severity: errorSev,
	Doc: `Names of a Task's steps, sidecars, volumes, workspaces and results, and of
a Pipeline's workspaces and results, must be unique: Tekton rejects a Task
with two steps, volumes or workspaces of one name, two containers of one
name make the pod invalid, and of two results of one name only one can be
read. Params declared twice are PC2014, pipeline tasks PC2103.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  steps:
    - name: build
      image: alpine:3.20
      command: [echo, one]
    - name: build
      image: alpine:3.20
      command: [echo, two]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  steps:
    - name: build
      image: alpine:3.20
      command: [echo, one]
    - name: package
      image: alpine:3.20
      command: [echo, two]
`,
	Run: runDuplicateName,
}

func runDuplicateName(p *Pass) {
	dups := func(names []model.Str, what, where string) {
		seen := map[string]model.Str{}
		for _, n := range names {
			if !n.IsSet() || n.Value == "" {
				continue
			}
			if first, ok := seen[n.Value]; ok {
				p.Reportf(n.Range(), "%s %s is declared twice in %s", what, quote(n.Value), where).
					With(first.Range(), "first declared here")
				continue
			}
			seen[n.Value] = n
		}
	}
	for _, t := range p.TaskSpecs() {
		s, where := t.Spec, t.What()
		var steps, sidecars, workspaces, results []model.Str
		for _, st := range s.Steps {
			steps = append(steps, st.Name)
		}
		for _, st := range s.Sidecars {
			sidecars = append(sidecars, st.Name)
		}
		for _, w := range s.Workspaces {
			workspaces = append(workspaces, w.Name)
		}
		for _, r := range s.Results {
			results = append(results, r.Name)
		}
		dups(steps, "step", where)
		dups(sidecars, "sidecar", where)
		dups(s.Volumes, "volume", where)
		dups(workspaces, "workspace", where)
		dups(results, "result", where)
		for _, st := range s.Steps {
			var rs []model.Str
			for _, r := range st.Results {
				rs = append(rs, r.Name)
			}
			dups(rs, "step result", "step "+quote(st.Name.Value))
		}
	}
	for _, ps := range p.PipelineSpecs() {
		var workspaces, results []model.Str
		for _, w := range ps.Spec.Workspaces {
			workspaces = append(workspaces, w.Name)
		}
		for _, r := range ps.Spec.Results {
			results = append(results, r.Name)
		}
		where := "the pipeline"
		if ps.Run == nil {
			where = "Pipeline " + quote(ps.Object.Name.Value)
		}
		dups(workspaces, "workspace", where)
		dups(results, "result", where)
	}
}
