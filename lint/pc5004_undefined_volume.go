package lint

import "slices"

var ruleUndefinedVolume = &Rule{
	ID:         "PC5004",
	Name:       "undefined-volume",
	Title:      "volumeMount of a volume the Task does not define",
	Category:   Correctness,
	Severity:   errorSev,
	TektonLint: "no-undefined-volume",
	Doc: `A volumeMount names a volume of the pod. When the Task defines no volume of
that name (workspaces do not count: their volumes get generated names), the
pod cannot be created and the TaskRun fails. A volume given by a run's
podTemplate in the input counts as defined.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  steps:
    - name: build
      image: alpine:3.20
      command: [ls, /cache]
      volumeMounts:
        - name: cache
          mountPath: /cache
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  volumes:
    - name: cache
      emptyDir: {}
  steps:
    - name: build
      image: alpine:3.20
      command: [ls, /cache]
      volumeMounts:
        - name: cache
          mountPath: /cache
`,
	Run: runUndefinedVolume,
}

func runUndefinedVolume(p *Pass) {
	var fromRuns []string
	for _, pt := range p.podTemplates() {
		for _, v := range pt.Get("volumes").Items() {
			fromRuns = append(fromRuns, v.Str("name"))
		}
	}
	for _, c := range p.Containers() {
		if c.In.Spec == nil {
			continue
		}
		var names []string
		for _, v := range c.In.Spec.Volumes {
			names = append(names, v.Value)
		}
		for _, m := range c.Node.Get("volumeMounts").Items() {
			name := m.Get("name")
			if name == nil || !name.IsScalar() || containsRef(name.Value) || slices.Contains(names, name.Value) || slices.Contains(fromRuns, name.Value) {
				continue
			}
			d := p.Reportf(name.Range(), "%s mounts volume %s, which %s does not define", c.What(), quote(name.Value), c.In.What())
			if s := closest(name.Value, names); s != "" {
				d.Explain("did you mean %q?", s)
				d.Suggestion = s
			} else {
				d.Explain("Add it to spec.volumes; a workspace is mounted with workspaces, not volumeMounts.")
			}
		}
	}
}
