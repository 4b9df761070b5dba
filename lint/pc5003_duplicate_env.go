package lint

var ruleDuplicateEnv = &Rule{
	ID:         "PC5003",
	Name:       "duplicate-env",
	Title:      "environment variable defined twice in one container",
	Category:   Correctness,
	Severity:   warningSev,
	TektonLint: "no-duplicate-env",
	Doc: `When a container lists the same environment variable twice, Kubernetes
keeps the last one and silently drops the first: one of the two values is a
mistake. A step that redefines a variable of the stepTemplate is not
reported: that is how a step overrides the template.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: test
spec:
  steps:
    - name: test
      image: golang:1.22
      command: [go, test, ./...]
      env:
        - name: CGO_ENABLED
          value: "0"
        - name: CGO_ENABLED
          value: "1"
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
      env:
        - name: CGO_ENABLED
          value: "0"
`,
	Run: runDuplicateEnv,
}

func runDuplicateEnv(p *Pass) {
	for _, c := range p.Containers() {
		seen := map[string]bool{}
		for _, e := range c.Node.Get("env").Items() {
			name := e.Get("name")
			if name == nil || !name.IsScalar() {
				continue
			}
			if seen[name.Value] {
				p.Reportf(name.Range(), "env %s is defined twice in %s", name.Value, c.What()).
					Explain("Kubernetes keeps the last definition.")
			}
			seen[name.Value] = true
		}
	}
}
