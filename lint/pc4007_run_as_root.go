package lint

import "github.com/pipec-dev/pipec/source"

var ruleRunAsRoot = &Rule{
	ID:       "PC4007",
	Name:     "run-as-root",
	Title:    "container or pod set to run as root",
	Category: Security,
	Severity: warningSev,
	Doc: `securityContext.runAsUser: 0 makes the container run as root whatever the
image says, so a compromised step can change everything the pod mounts and
uses any kernel weakness with root's rights. Run as an unprivileged user
(runAsUser: 65532, runAsNonRoot: true) and give files the group the pod
runs with (fsGroup). Steps, sidecars, stepTemplates, StepActions and runs'
podTemplates are checked.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: test
spec:
  steps:
    - name: test
      image: golang:1.22
      command: [go, test, ./...]
      securityContext:
        runAsUser: 0
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: test
spec:
  steps:
    - name: test
      image: golang:1.22
      command: [go, test, ./...]
      securityContext:
        runAsUser: 65532
        runAsNonRoot: true
`,
	Run: runRunAsRoot,
}

func runRunAsRoot(p *Pass) {
	check := func(sc *source.Node, what string) {
		if v := sc.Get("runAsUser"); v != nil && v.IsScalar() && v.Value == "0" {
			p.Reportf(v.Range(), "%s runs as root", what).
				Explain("Set runAsUser to an unprivileged user and runAsNonRoot: true.")
		}
	}
	for _, c := range p.Containers() {
		check(c.Node.Get("securityContext"), c.What())
	}
	for _, pt := range p.podTemplates() {
		check(pt.Get("securityContext"), "the podTemplate's pod")
	}
}
