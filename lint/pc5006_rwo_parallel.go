package lint

import (
	"slices"

	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/source"
)

var ruleRWOParallel = &Rule{
	ID:       "PC5006",
	Name:     "rwo-parallel",
	Title:    "ReadWriteOnce claim used by tasks that can run at the same time",
	Category: Correctness,
	Severity: warningSev,
	Doc: `A ReadWriteOnce volume can be mounted by the pods of one node only.
When two tasks that bind the same such workspace have no order between
them (neither runs after the other, directly or through other tasks, and
both are in tasks, or both in finally) and their when expressions do not
exclude each other, they can start together and, unless both pods land on
the same node, one waits for the other's volume or fails to start. Tekton's
affinity assistant places them on one node by default; pipec's runtime and
clusters with the assistant disabled do not. Order the tasks with runAfter,
or use a ReadWriteMany claim. The access mode comes from the
volumeClaimTemplate, or from the PersistentVolumeClaim when the input holds
it.`,
	Bad: `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: ci-1
spec:
  workspaces:
    - name: source
      volumeClaimTemplate:
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gi
  pipelineSpec:
    workspaces:
      - name: source
    tasks:
      - name: lint
        workspaces:
          - name: src
            workspace: source
        taskSpec:
          workspaces:
            - name: src
          steps:
            - name: lint
              image: alpine:3.20
              command: [ls, $(workspaces.src.path)]
      - name: test
        workspaces:
          - name: src
            workspace: source
        taskSpec:
          workspaces:
            - name: src
          steps:
            - name: test
              image: alpine:3.20
              command: [ls, $(workspaces.src.path)]
`,
	Good: `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: ci-1
spec:
  workspaces:
    - name: source
      volumeClaimTemplate:
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gi
  pipelineSpec:
    workspaces:
      - name: source
    tasks:
      - name: lint
        workspaces:
          - name: src
            workspace: source
        taskSpec:
          workspaces:
            - name: src
          steps:
            - name: lint
              image: alpine:3.20
              command: [ls, $(workspaces.src.path)]
      - name: test
        runAfter: [lint]
        workspaces:
          - name: src
            workspace: source
        taskSpec:
          workspaces:
            - name: src
          steps:
            - name: test
              image: alpine:3.20
              command: [ls, $(workspaces.src.path)]
`,
	Run: runRWOParallel,
}

// accessModes returns the access modes of a run's workspace volume, or nil
// when they are not known.
func (p *Pass) accessModes(w *model.RunWorkspace) []string {
	var modes *source.Node
	switch w.Source {
	case "volumeClaimTemplate":
		modes = w.SourceNode.Path("spec", "accessModes")
	case "persistentVolumeClaim":
		if pvc := p.Program.Other("PersistentVolumeClaim", w.SourceNode.Str("claimName")); pvc != nil {
			modes = pvc.Root.Path("spec", "accessModes")
		}
	}
	var out []string
	for _, m := range modes.Items() {
		out = append(out, m.Value)
	}
	return out
}

func runRWOParallel(p *Pass) {
	for _, w := range p.runWorkspaces() {
		if len(w.users) < 2 || !slices.Contains(p.accessModes(w.bind), "ReadWriteOnce") || slices.Contains(p.accessModes(w.bind), "ReadWriteMany") {
			continue
		}
		g := p.Program.Graphs[w.spec]
		if g == nil {
			continue
		}
		after := reach(g)
		rows := after.rowsOf(w.users)
		a, b := -1, -1
		for i := range w.users {
			for j := i + 1; j < len(w.users) && a < 0; j++ {
				x, y := w.users[i], w.users[j]
				if !after.ordered(x, y, rows[i], rows[j]) && !after.ordered(y, x, rows[j], rows[i]) && !exclusive(x, y) {
					a, b = i, j
				}
			}
		}
		if a < 0 {
			continue
		}
		p.Reportf(w.bind.Node.Key(w.bind.Source).Range(), "ReadWriteOnce workspace %s is used by tasks %s and %s, which can run at the same time",
			quote(w.bind.Name.Value), quote(w.users[a].Name.Value), quote(w.users[b].Name.Value)).
			With(w.at[a].Node.Range(), "task "+quote(w.users[a].Name.Value)+" binds it").
			With(w.at[b].Node.Range(), "task "+quote(w.users[b].Name.Value)+" binds it").
			Explain("Pods on different nodes cannot mount one ReadWriteOnce volume. Order the tasks with runAfter, or use a ReadWriteMany claim.")
	}
}
