package lint

import "github.com/pipec-dev/pipec/source"

var ruleHostPath = &Rule{
	ID:       "PC4003",
	Name:     "host-path",
	Title:    "hostPath volume",
	Category: Security,
	Severity: warningSev,
	Doc: `A hostPath volume mounts a directory of the node into the pod. Mounting
the container runtime's socket (/var/run/docker.sock) gives the step root on
the node; any hostPath lets a task read or change what other pods left there,
and ties the run to one node's disk. Use a workspace (a PersistentVolumeClaim
or volumeClaimTemplate) for data, and a rootless builder instead of the
runtime's socket. Task volumes and the volumes of runs' podTemplates are
checked.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  volumes:
    - name: docker-socket
      hostPath:
        path: /var/run/docker.sock
  steps:
    - name: build
      image: docker:27.1
      command: [docker, build, .]
      volumeMounts:
        - name: docker-socket
          mountPath: /var/run/docker.sock
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  workspaces:
    - name: source
  steps:
    - name: build
      image: gcr.io/kaniko-project/executor:v1.23.2
      args: [--context=$(workspaces.source.path), --no-push]
`,
	Run: runHostPath,
}

func runHostPath(p *Pass) {
	check := func(vols []*source.Node, where string) {
		for _, v := range vols {
			if k := v.Key("hostPath"); k != nil {
				p.Reportf(k.Range(), "volume %s of %s mounts the node's %s", quote(v.Str("name")), where, v.Path("hostPath").Str("path")).
					Explain("A hostPath volume exposes the node to the task and ties the run to one node. Use a workspace for data.")
			}
		}
	}
	for _, t := range p.TaskSpecs() {
		check(t.Spec.VolumeNodes, t.What())
	}
	for _, pt := range p.podTemplates() {
		check(pt.Get("volumes").Items(), "a podTemplate")
	}
}
