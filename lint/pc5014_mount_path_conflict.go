package lint

import (
	"path"

	"github.com/pipec-dev/pipec/diag"
)

var ruleMountPathConflict = &Rule{
	ID:       "PC5014",
	Name:     "mount-path-conflict",
	Title:    "two volumes or workspaces mounted at one path",
	Category: Correctness,
	Severity: errorSev,
	Doc: `Every workspace of a Task is mounted in every step, at its mountPath
(/workspace/NAME by default). Tekton rejects a Task whose workspaces share a
mount path or use the mount path of a step's volumeMount, and Kubernetes
rejects a container with two volumeMounts at one path.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  workspaces:
    - name: source
      mountPath: /src
    - name: cache
      mountPath: /src
  steps:
    - name: build
      image: alpine:3.20
      command: [ls, /src]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  workspaces:
    - name: source
      mountPath: /src
    - name: cache
      mountPath: /cache
  steps:
    - name: build
      image: alpine:3.20
      command: [ls, /src]
`,
	Run: runMountPathConflict,
}

func runMountPathConflict(p *Pass) {
	for _, t := range p.TaskSpecs() {
		// Mount paths of the steps' and stepTemplate's volumeMounts.
		mounts := map[string]diag.Range{}
		for _, c := range p.Containers() {
			if c.In.Spec != t.Spec || c.Kind == "sidecar" {
				continue
			}
			inContainer := map[string]diag.Range{}
			for _, m := range c.Node.Get("volumeMounts").Items() {
				mp := m.Get("mountPath")
				if mp == nil || !mp.IsScalar() || containsRef(mp.Value) {
					continue
				}
				clean := path.Clean(mp.Value)
				if first, dup := inContainer[clean]; dup {
					p.Reportf(mp.Range(), "%s mounts two volumes at %s", c.What(), clean).With(first, "first mounted here")
				}
				inContainer[clean] = mp.Range()
				if _, ok := mounts[clean]; !ok {
					mounts[clean] = mp.Range()
				}
			}
		}
		seen := map[string]diag.Range{}
		for _, w := range t.Spec.Workspaces {
			if containsRef(w.MountPath) {
				continue
			}
			clean := path.Clean(w.MountPath)
			at := w.Name.Range()
			if mp := w.Node.Get("mountPath"); mp != nil {
				at = mp.Range()
			}
			switch first, dup := seen[clean]; {
			case dup:
				p.Reportf(at, "workspace %s is mounted at %s, like another workspace", quote(w.Name.Value), clean).With(first, "first mounted here")
			default:
				if m, ok := mounts[clean]; ok {
					p.Reportf(at, "workspace %s is mounted at %s, where a step mounts a volume", quote(w.Name.Value), clean).With(m, "volume mounted here")
				}
			}
			seen[clean] = at
		}
	}
}
