package lint

var rulePrivileged = &Rule{
	ID:       "PC4002",
	Name:     "privileged",
	Title:    "privileged step or sidecar",
	Category: Security,
	Severity: warningSev,
	Doc: `A privileged container has every capability and the host's devices: a
compromised build step owns the node. Builds that need it (Docker in
Docker) are better served by rootless builders such as kaniko, buildah
with --storage-driver=vfs, or BuildKit in rootless mode. Steps, sidecars,
stepTemplates and StepActions are checked.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: docker-build
spec:
  steps:
    - name: build
      image: docker:27.1
      command: [docker, build, .]
  sidecars:
    - name: dind
      image: docker:27.1-dind
      securityContext:
        privileged: true
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: kaniko-build
spec:
  steps:
    - name: build
      image: gcr.io/kaniko-project/executor:v1.23.2
      args: [--context=., --no-push]
`,
	Run: runPrivileged,
}

func runPrivileged(p *Pass) {
	for _, c := range p.Containers() {
		sc := c.Node.Get("securityContext")
		if v := sc.Get("privileged"); isTrue(v) {
			p.Reportf(v.Range(), "%s runs privileged", c.What()).
				Explain("A privileged container controls the node it runs on. Use a rootless builder, or grant only the capabilities the step needs.")
		}
	}
}
