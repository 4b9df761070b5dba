package lint

var ruleNameTooLong = &Rule{
	ID:       "PC5010",
	Name:     "name-too-long",
	Title:    "name that makes a generated Kubernetes name exceed 63 characters",
	Category: Correctness,
	Severity: warningSev,
	Doc: `Kubernetes limits container names and label values to 63 characters, and
Tekton derives names from the ones you write:

- a step runs in a container named step-NAME and a sidecar in sidecar-NAME:
  beyond 63 characters Tekton cuts the name, so two long step names that
  share their first characters become the same container and the pod is
  rejected, and tools that find a step's container by its name miss it;
- a generateName gets five random characters appended, and Tekton rejects
  object names longer than 63 characters, so a generateName longer than 58
  characters fails on every create.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: report
spec:
  steps:
    - name: upload-the-coverage-report-to-the-central-dashboard-service
      image: alpine:3.20
      command: [echo, upload]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: report
spec:
  steps:
    - name: upload-coverage
      image: alpine:3.20
      command: [echo, upload]
`,
	Run: runNameTooLong,
}

const maxName = 63

func runNameTooLong(p *Pass) {
	for _, t := range p.TaskSpecs() {
		seen := map[string]string{}
		for _, c := range [][]string{{"step-", "steps"}, {"sidecar-", "sidecars"}} {
			prefix := c[0]
			list := t.Spec.Steps
			if c[1] == "sidecars" {
				list = t.Spec.Sidecars
			}
			for _, st := range list {
				full := prefix + st.Name.Value
				if len(full) <= maxName || containsRef(full) {
					continue
				}
				cut := full[:maxName]
				d := p.Reportf(st.Name.Range(), "container name %s is %d characters; Kubernetes allows %d", quote(full), len(full), maxName)
				if other, dup := seen[cut]; dup {
					d.Explain("Tekton cuts it to %q, the same as %q: the pod is rejected for two containers of one name.", cut, other)
				} else {
					d.Explain("Tekton cuts it to %q. Keep step names to %d characters and sidecar names to %d.", cut, maxName-len("step-"), maxName-len("sidecar-"))
				}
				seen[cut] = full
			}
		}
	}
	for _, o := range p.Objects() {
		g := o.Doc.Root.Path("metadata", "generateName")
		if g == nil || o.Doc.Root.Path("metadata", "name") != nil || len(g.Value)+5 <= maxName {
			continue
		}
		p.Reportf(g.Range(), "generateName %s is %d characters; with the 5 generated ones the name exceeds %d", quote(g.Value), len(g.Value), maxName).
			Explain("Tekton rejects object names longer than %d characters. Keep generateName to %d.", maxName, maxName-5)
	}
}
