package lint

import "strings"

var ruleSharedEmptyDir = &Rule{
	ID:       "PC5005",
	Name:     "shared-emptydir",
	Title:    "emptyDir workspace shared by several tasks",
	Category: Correctness,
	Severity: warningSev,
	Doc: `Each task of a pipeline runs in its own pod, and an emptyDir lives and dies
with its pod. A workspace that a PipelineRun binds to emptyDir is therefore
a different, empty directory in every task: what the clone task writes is
gone when the build task starts. The rule reports a workspace that a task
binds after another task bound it (runAfter, a result reference, or finally
after the DAG): tasks that run side by side cannot pass files anyway. Bind a
workspace that tasks share to a volumeClaimTemplate (or a
PersistentVolumeClaim).`,
	Bad: `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: ci-1
spec:
  workspaces:
    - name: source
      emptyDir: {}
  pipelineSpec:
    workspaces:
      - name: source
    tasks:
      - name: fetch
        workspaces:
          - name: out
            workspace: source
        taskSpec:
          workspaces:
            - name: out
          steps:
            - name: fetch
              image: alpine:3.20
              command: [touch, $(workspaces.out.path)/fetched]
      - name: build
        runAfter: [fetch]
        workspaces:
          - name: in
            workspace: source
        taskSpec:
          workspaces:
            - name: in
          steps:
            - name: build
              image: alpine:3.20
              command: [ls, $(workspaces.in.path)/fetched]
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
      - name: fetch
        workspaces:
          - name: out
            workspace: source
        taskSpec:
          workspaces:
            - name: out
          steps:
            - name: fetch
              image: alpine:3.20
              command: [touch, $(workspaces.out.path)/fetched]
      - name: build
        runAfter: [fetch]
        workspaces:
          - name: in
            workspace: source
        taskSpec:
          workspaces:
            - name: in
          steps:
            - name: build
              image: alpine:3.20
              command: [ls, $(workspaces.in.path)/fetched]
`,
	Run: runSharedEmptyDir,
}

func runSharedEmptyDir(p *Pass) {
	for _, w := range p.runWorkspaces() {
		if w.bind.Source != "emptyDir" || len(w.users) < 2 {
			continue
		}
		g := p.Program.Graphs[w.spec]
		if g == nil {
			continue
		}
		after := reach(g)
		rows := after.rowsOf(w.users)
		first, then := -1, -1
	pairs:
		for i := range w.users {
			for j := range w.users {
				if i != j && after.ordered(w.users[i], w.users[j], rows[i], rows[j]) {
					first, then = i, j
					break pairs
				}
			}
		}
		if first < 0 {
			continue
		}
		names := make([]string, len(w.users))
		for i, u := range w.users {
			names[i] = quote(u.Name.Value)
		}
		d := p.Reportf(w.bind.Node.Key("emptyDir").Range(), "emptyDir workspace %s is used by %s and then by %s, which will not see its files",
			quote(w.bind.Name.Value), names[first], names[then])
		for i, u := range w.users {
			d.With(w.at[i].Node.Range(), "task "+quote(u.Name.Value)+" binds it")
		}
		d.Explain("Every task runs in its own pod, with its own empty directory (tasks binding it: %s). Bind the workspace to a volumeClaimTemplate to share files between tasks.", strings.Join(names, ", "))
	}
}
