package lint

var ruleResourceVersion = &Rule{
	ID:         "PC5002",
	Name:       "resource-version",
	Title:      "metadata.resourceVersion in a source file",
	Category:   Correctness,
	Severity:   warningSev,
	TektonLint: "no-resourceversion",
	Doc: `metadata.resourceVersion is the API server's version of a stored object.
In a file it is a leftover of kubectl get -o yaml: kubectl create refuses
it, and kubectl apply uses it as a precondition, so applying fails with a
conflict as soon as the object changed in the cluster. Remove it (and the
other server-set fields: uid, creationTimestamp, generation, managedFields).`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
  resourceVersion: "48213"
spec:
  steps:
    - name: hello
      image: alpine:3.20
      command: [echo, hello]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine:3.20
      command: [echo, hello]
`,
	Run: runResourceVersion,
}

func runResourceVersion(p *Pass) {
	for _, o := range p.Objects() {
		if v := o.Doc.Root.Path("metadata", "resourceVersion"); v != nil {
			p.Reportf(v.Range(), "%s %s has a resourceVersion", o.Kind, quote(o.Name.Value)).
				Explain("It comes from the API server; applying the file fails once the object changes. Remove it.")
		}
	}
}
