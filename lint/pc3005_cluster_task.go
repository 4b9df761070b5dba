package lint

var ruleClusterTask = &Rule{
	ID:       "PC3005",
	Name:     "cluster-task",
	Title:    "ClusterTask, which Tekton removed",
	Category: Deprecation,
	Severity: warningSev,
	Doc: `ClusterTasks were deprecated in Tekton v0.41 and removed in v0.60. A Task
shared by every namespace is now an ordinary Task in one namespace, fetched
with the cluster resolver. Both the ClusterTask objects and the taskRefs of
kind ClusterTask are reported.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: build
spec:
  tasks:
    - name: clone
      taskRef:
        name: git-clone
        kind: ClusterTask
---
apiVersion: tekton.dev/v1beta1
kind: ClusterTask
metadata:
  name: git-clone
spec:
  steps:
    - name: clone
      image: alpine/git:2.45.2
      command: [git, clone]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: build
spec:
  tasks:
    - name: clone
      taskRef:
        resolver: cluster
        params:
          - name: kind
            value: task
          - name: name
            value: git-clone
          - name: namespace
            value: tekton-tasks
`,
	Run: runClusterTask,
}

const clusterResolverHint = "Put the Task in a shared namespace and refer to it with the cluster resolver: taskRef: {resolver: cluster, params: [{name: kind, value: task}, {name: name, value: NAME}, {name: namespace, value: NAMESPACE}]}."

func runClusterTask(p *Pass) {
	for _, t := range p.Set().Tasks {
		if t.Kind == "ClusterTask" {
			p.Reportf(t.Doc.Root.Get("kind").Range(), "ClusterTask %s: Tekton removed ClusterTasks", quote(t.Name.Value)).
				Explain("%s", clusterResolverHint)
		}
	}
	for _, ps := range p.PipelineSpecs() {
		for _, pt := range ps.Spec.AllTasks() {
			if pt.TaskRef != nil && pt.TaskRef.Kind.Value == "ClusterTask" {
				p.Reportf(pt.TaskRef.Kind.Range(), "pipeline task %s refers to ClusterTask %s; Tekton removed ClusterTasks", quote(pt.Name.Value), quote(pt.TaskRef.Name.Value)).
					Explain("%s", clusterResolverHint)
			}
		}
	}
	for _, r := range p.Set().TaskRuns {
		if r.TaskRef != nil && r.TaskRef.Kind.Value == "ClusterTask" {
			p.Reportf(r.TaskRef.Kind.Range(), "TaskRun %s refers to ClusterTask %s; Tekton removed ClusterTasks", quote(r.Name.Value), quote(r.TaskRef.Name.Value)).
				Explain("%s", clusterResolverHint)
		}
	}
}
